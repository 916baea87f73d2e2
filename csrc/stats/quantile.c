/*
 * Exact quantiles by selection. The valid values are copied once into a pool
 * buffer; each requested order statistic is then found by introselect
 * (quickselect with a median-of-three pivot, falling back to heapsort of the
 * range when partitions keep coming out lopsided), so the cost is O(n) per
 * quantile instead of a full O(n log n) sort. Requested quantiles are handled
 * in increasing order, each search starting right of the previous one.
 */
#include "rt/memory.h"
#include "rt/stats.h"

#include "gather.h"
#include "select.h"

/* Copies the valid values into a pool buffer; *values is NULL when there are none. */
static rt_status collect(int32_t dtype, const void *data, const uint8_t *validity, int64_t offset,
                         int64_t length, int32_t nan_as_missing, double **values, int64_t *n,
                         int *has_nan, rt_error *err) {
    *values = NULL;
    *n = 0;
    *has_nan = 0;
    if (length == 0) {
        return RT_OK;
    }
    void *buffer = NULL;
    RT_RETURN_NOT_OK(rt_pool_alloc(length * (int64_t)sizeof(double), &buffer, err));
    double *x = (double *)buffer;
    int64_t kept = 0, missing = 0;
    for (int64_t start = 0; start < length; start += RT_GATHER_BLOCK) {
        int64_t count = length - start < RT_GATHER_BLOCK ? length - start : RT_GATHER_BLOCK;
        kept += rt_gather_block(dtype, data, validity, offset, start, count, nan_as_missing, x + kept, &missing);
    }
    for (int64_t i = 0; i < kept && !*has_nan; i++) {
        *has_nan = x[i] != x[i];
    }
    *values = x;
    *n = kept;
    return RT_OK;
}

/* Quantiles of x[0..n) (n > 0, no NaN) at ascending probabilities, numpy's linear rule. */
static void quantiles_of(double *x, int64_t n, const double *probs, const int64_t *order,
                         int64_t n_probs, double *out) {
    int64_t searched_from = 0;
    for (int64_t r = 0; r < n_probs; r++) {
        int64_t q = order[r];
        double h = (double)(n - 1) * probs[q];
        int64_t k = (int64_t)h;
        if (k >= n - 1) {
            k = n - 1;
        }
        if (k >= searched_from) {
            rt_select_kth(x, searched_from, n - 1, k);
            searched_from = k;
        }
        double below = x[k], frac = h - (double)k;
        if (frac > 0.0 && k + 1 < n) {
            double above = rt_select_min_after(x, n, k);
            /* numpy's lerp form, exact at both ends */
            out[q] = frac < 0.5 ? below + (above - below) * frac : above - (above - below) * (1.0 - frac);
        } else {
            out[q] = below;
        }
    }
}

static rt_status check_probs(rt_error *err, const char *context, const double *probs, int64_t n_probs, double *out) {
    if (n_probs < 0 || (n_probs > 0 && (probs == NULL || out == NULL))) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "probs and out must hold n_probs values");
    }
    for (int64_t i = 0; i < n_probs; i++) {
        if (!(probs[i] >= 0.0 && probs[i] <= 1.0)) {
            return rt_fail(err, RT_ERR_VALIDATION, context, "quantile probabilities must be in [0, 1]");
        }
    }
    return RT_OK;
}

rt_status rt_stats_quantiles(int32_t dtype, const void *data, const uint8_t *validity,
                             int64_t offset, int64_t length, int32_t nan_as_missing,
                             const double *probs, int64_t n_probs, double *out, rt_error *err) {
    const char *context = "rt_stats_quantiles";
    RT_RETURN_NOT_OK(rt_gather_check(err, context, dtype, data, offset, length));
    RT_RETURN_NOT_OK(check_probs(err, context, probs, n_probs, out));
    if (n_probs == 0) {
        return RT_OK;
    }
    double *x;
    int64_t n;
    int has_nan;
    RT_RETURN_NOT_OK(collect(dtype, data, validity, offset, length, nan_as_missing, &x, &n, &has_nan, err));
    int64_t *order = NULL;
    rt_status status = rt_pool_alloc(n_probs * (int64_t)sizeof(int64_t), (void **)&order, err);
    if (status == RT_OK) {
        for (int64_t i = 0; i < n_probs; i++) { /* insertion sort of indices by probability */
            int64_t j = i;
            while (j > 0 && probs[order[j - 1]] > probs[i]) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = i;
        }
        if (n == 0 || has_nan) {
            for (int64_t i = 0; i < n_probs; i++) {
                out[i] = __builtin_nan("");
            }
        } else {
            quantiles_of(x, n, probs, order, n_probs, out);
        }
    }
    rt_pool_free(order, NULL);
    rt_pool_free(x, NULL);
    return status;
}

rt_status rt_stats_median_mad(int32_t dtype, const void *data, const uint8_t *validity,
                              int64_t offset, int64_t length, int32_t nan_as_missing,
                              double *median, double *mad, rt_error *err) {
    const char *context = "rt_stats_median_mad";
    RT_RETURN_NOT_OK(rt_gather_check(err, context, dtype, data, offset, length));
    if (median == NULL || mad == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "median and mad must not be NULL");
    }
    double *x;
    int64_t n;
    int has_nan;
    RT_RETURN_NOT_OK(collect(dtype, data, validity, offset, length, nan_as_missing, &x, &n, &has_nan, err));
    *median = *mad = __builtin_nan("");
    if (n > 0 && !has_nan) {
        static const double half = 0.5;
        static const int64_t first = 0;
        quantiles_of(x, n, &half, &first, 1, median);
        for (int64_t i = 0; i < n; i++) {
            double d = x[i] - *median;
            x[i] = d < 0 ? -d : d;
        }
        quantiles_of(x, n, &half, &first, 1, mad);
    }
    rt_pool_free(x, NULL);
    return RT_OK;
}
