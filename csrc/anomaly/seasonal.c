/*
 * Seasonal decomposition and scoring.
 *
 * rt_anomaly_stl follows Cleveland, Cleveland, McRae and Terpenning (1990),
 * "STL: A Seasonal-Trend Decomposition Procedure Based on Loess": an inner
 * loop that smooths each cycle-subseries (extended one period at both ends),
 * removes its low-frequency part with a low-pass filter (moving averages of
 * period, period and 3, then LOESS), and smooths the deseasonalised series
 * into the trend; an outer loop that turns residuals into bisquare
 * robustness weights. LOESS is evaluated every `jump` points and linearly
 * interpolated in between, as the original program and R's stl() do.
 *
 * rt_anomaly_seasonal_causal scores each point using only its past (see
 * the header); its medians are found by selection in scratch buffers.
 */
#include "rt/anomaly.h"
#include "rt/memory.h"

#include "anomaly_internal.h"

/* ---- LOESS ---- */

static double fabs_(double v) { return v < 0 ? -v : v; }

/*
 * Local fit at position xs from y[nleft..nright] with tricube weights (times
 * rw if given) and degree 0 or 1; returns 0 when all weights are zero.
 */
static int loess_at(const double *y, int64_t n, int64_t len, int32_t degree, double xs, int64_t nleft,
                    int64_t nright, double *w, const double *rw, double *ys) {
    double range = (double)n - 1.0;
    double h = xs - (double)nleft > (double)nright - xs ? xs - (double)nleft : (double)nright - xs;
    if (len > n) {
        h += (double)((len - n) / 2);
    }
    double h9 = 0.999 * h, h1 = 0.001 * h, a = 0.0;
    for (int64_t j = nleft; j <= nright; j++) {
        double r = fabs_((double)j - xs), wj = 0.0;
        if (r <= h9) {
            if (r <= h1) {
                wj = 1.0;
            } else {
                double q = r / h;
                q = 1.0 - q * q * q;
                wj = q * q * q;
            }
            if (rw != NULL) {
                wj *= rw[j];
            }
        }
        w[j] = wj;
        a += wj;
    }
    if (a <= 0.0) {
        return 0;
    }
    for (int64_t j = nleft; j <= nright; j++) {
        w[j] /= a;
    }
    if (h > 0.0 && degree > 0) {
        double center = 0.0, c = 0.0;
        for (int64_t j = nleft; j <= nright; j++) {
            center += w[j] * (double)j;
        }
        double b = xs - center;
        for (int64_t j = nleft; j <= nright; j++) {
            c += w[j] * ((double)j - center) * ((double)j - center);
        }
        if (rt_sqrt(c) > 0.001 * range) {
            b /= c;
            for (int64_t j = nleft; j <= nright; j++) {
                w[j] *= b * ((double)j - center) + 1.0;
            }
        }
    }
    double sum = 0.0;
    for (int64_t j = nleft; j <= nright; j++) {
        sum += w[j] * y[j];
    }
    *ys = sum;
    return 1;
}

/* LOESS smooth of all n points, evaluated every `jump` points and interpolated. */
static void loess_smooth(const double *y, int64_t n, int64_t len, int32_t degree, int64_t jump,
                         const double *rw, double *ys, double *w) {
    if (n < 2) {
        ys[0] = y[0];
        return;
    }
    int64_t nj = jump < n - 1 ? jump : n - 1;
    int64_t nleft = 0, nright = n - 1;
    int64_t nsh = (len + 1) / 2;
    for (int64_t i = 0; i < n; i += nj) {
        if (len < n) {
            if (i + 1 < nsh) {
                nleft = 0;
                nright = len - 1;
            } else if (i + 1 >= n - nsh + 1) {
                nleft = n - len;
                nright = n - 1;
            } else {
                nleft = i - nsh + 1;
                nright = len + i - nsh;
            }
        }
        if (!loess_at(y, n, len, degree, (double)i, nleft, nright, w, rw, &ys[i])) {
            ys[i] = y[i];
        }
    }
    if (nj == 1) {
        return;
    }
    for (int64_t i = 0; i + nj < n; i += nj) {
        double delta = (ys[i + nj] - ys[i]) / (double)nj;
        for (int64_t j = i + 1; j < i + nj; j++) {
            ys[j] = ys[i] + delta * (double)(j - i);
        }
    }
    int64_t k = ((n - 1) / nj) * nj;
    if (k != n - 1) {
        nleft = len < n ? n - len : 0;
        if (!loess_at(y, n, len, degree, (double)(n - 1), nleft, n - 1, w, rw, &ys[n - 1])) {
            ys[n - 1] = y[n - 1];
        }
        double delta = (ys[n - 1] - ys[k]) / (double)(n - 1 - k);
        for (int64_t j = k + 1; j < n - 1; j++) {
            ys[j] = ys[k] + delta * (double)(j - k);
        }
    }
}

static void moving_average(const double *x, int64_t n, int64_t len, double *out) {
    double sum = 0.0;
    for (int64_t i = 0; i < len; i++) {
        sum += x[i];
    }
    out[0] = sum / (double)len;
    for (int64_t i = len; i < n; i++) {
        sum += x[i] - x[i - len];
        out[i - len + 1] = sum / (double)len;
    }
}

/* ---- selection (medians in scratch buffers) ---- */

/* Median of x[0..n) (reordered), numpy's convention for even n; NaN if n == 0. */
static double median_of(double *x, int64_t n) {
    if (n == 0) {
        return rt_nan();
    }
    double upper = rt_anomaly_select_kth(x, n, n / 2);
    if (n % 2) {
        return upper;
    }
    double lower = x[0]; /* the largest of the lower half */
    for (int64_t i = 1; i < n / 2; i++) {
        lower = x[i] > lower ? x[i] : lower;
    }
    return 0.5 * (lower + upper);
}

/* ---- STL ---- */

static rt_status check_window(rt_error *err, const char *name, int64_t len) {
    if (len < 3 || len % 2 == 0) {
        return rt_fail(err, RT_ERR_VALIDATION, name, "STL windows must be odd and at least 3");
    }
    return RT_OK;
}

typedef struct stl_work {
    double *season_ext; /* n + 2 period: the smoothed cycle-subseries, one period beyond each end */
    double *a, *b, *c, *d; /* n + 2 period each */
    double *rw;         /* robustness weights */
} stl_work;

/* Smooths each cycle-subseries of y (length n) into season_ext (length n + 2 period). */
static void smooth_subseries(const double *y, int64_t n, const rt_stl_params *p, const double *rw,
                             double *season_ext, stl_work *wk) {
    int64_t np = p->period;
    double *sub = wk->b, *smooth = wk->c, *w = wk->d, *sub_rw = wk->a;
    for (int64_t j = 0; j < np; j++) {
        int64_t k = (n - 1 - j) / np + 1;
        for (int64_t i = 0; i < k; i++) {
            sub[i] = y[i * np + j];
            if (rw != NULL) {
                sub_rw[i] = rw[i * np + j];
            }
        }
        const double *weights = rw != NULL ? sub_rw : NULL;
        loess_smooth(sub, k, p->seasonal, p->seasonal_deg, p->seasonal_jump, weights, smooth + 1, w);
        int64_t nright = p->seasonal < k ? p->seasonal - 1 : k - 1;
        if (!loess_at(sub, k, p->seasonal, p->seasonal_deg, -1.0, 0, nright, w, weights, &smooth[0])) {
            smooth[0] = smooth[1];
        }
        int64_t nleft = k - p->seasonal > 0 ? k - p->seasonal : 0;
        if (!loess_at(sub, k, p->seasonal, p->seasonal_deg, (double)k, nleft, k - 1, w, weights, &smooth[k + 1])) {
            smooth[k + 1] = smooth[k];
        }
        for (int64_t m = 0; m < k + 2; m++) {
            season_ext[m * np + j] = smooth[m];
        }
    }
}

static void stl_inner(const double *y, int64_t n, const rt_stl_params *p, const double *rw, double *seasonal,
                      double *trend, stl_work *wk) {
    int64_t np = p->period;
    for (int32_t pass = 0; pass < p->inner; pass++) {
        double *detrended = wk->a;
        for (int64_t i = 0; i < n; i++) {
            detrended[i] = y[i] - trend[i];
        }
        /* detrended lives in wk->a, which smooth_subseries reuses for weights: copy it out first. */
        double *work = seasonal; /* seasonal is free until the end of this pass */
        for (int64_t i = 0; i < n; i++) {
            work[i] = detrended[i];
        }
        smooth_subseries(work, n, p, rw, wk->season_ext, wk);
        /* Low-pass filter of the extended seasonal: MA(period), MA(period), MA(3), LOESS. */
        int64_t n_ext = n + 2 * np;
        moving_average(wk->season_ext, n_ext, np, wk->b);
        moving_average(wk->b, n_ext - np + 1, np, wk->c);
        moving_average(wk->c, n_ext - 2 * np + 2, 3, wk->b);
        loess_smooth(wk->b, n, p->low_pass, p->low_pass_deg, p->low_pass_jump, NULL, wk->c, wk->d);
        for (int64_t i = 0; i < n; i++) {
            seasonal[i] = wk->season_ext[np + i] - wk->c[i];
            wk->a[i] = y[i] - seasonal[i];
        }
        loess_smooth(wk->a, n, p->trend, p->trend_deg, p->trend_jump, rw, trend, wk->d);
    }
}

/* Bisquare weights of the residuals, scaled by 6 median |residual|. */
static void robustness_weights(const double *y, int64_t n, const double *fit, double *rw, double *scratch) {
    for (int64_t i = 0; i < n; i++) {
        scratch[i] = fabs_(y[i] - fit[i]);
    }
    double cmad = 6.0 * median_of(scratch, n);
    double c9 = 0.999 * cmad, c1 = 0.001 * cmad;
    for (int64_t i = 0; i < n; i++) {
        double r = fabs_(y[i] - fit[i]);
        if (r <= c1) {
            rw[i] = 1.0;
        } else if (r <= c9) {
            double q = r / cmad;
            q = 1.0 - q * q;
            rw[i] = q * q;
        } else {
            rw[i] = 0.0;
        }
    }
}

rt_status rt_anomaly_stl(const double *x, int64_t n, const rt_stl_params *p, double *trend,
                         double *seasonal, double *residual, rt_error *err) {
    const char *context = "rt_anomaly_stl";
    if (p == NULL || (n > 0 && (x == NULL || trend == NULL || seasonal == NULL || residual == NULL))) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "arguments must not be NULL");
    }
    if (p->period < 2) {
        return rt_fail(err, RT_ERR_VALIDATION, "period", "period must be at least 2");
    }
    if (n < 2 * p->period) {
        return rt_fail(err, RT_ERR_VALIDATION, "period", "the series must cover at least two periods");
    }
    RT_RETURN_NOT_OK(check_window(err, "seasonal", p->seasonal));
    RT_RETURN_NOT_OK(check_window(err, "trend", p->trend));
    RT_RETURN_NOT_OK(check_window(err, "low_pass", p->low_pass));
    if (p->low_pass <= p->period) {
        return rt_fail(err, RT_ERR_VALIDATION, "low_pass", "low_pass must be greater than period");
    }
    if (p->seasonal_deg < 0 || p->seasonal_deg > 1 || p->trend_deg < 0 || p->trend_deg > 1 ||
        p->low_pass_deg < 0 || p->low_pass_deg > 1) {
        return rt_fail(err, RT_ERR_VALIDATION, "degree", "LOESS degrees must be 0 or 1");
    }
    if (p->seasonal_jump < 1 || p->trend_jump < 1 || p->low_pass_jump < 1 || p->inner < 1 || p->outer < 0) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "jumps and inner must be >= 1, outer >= 0");
    }
    for (int64_t i = 0; i < n; i++) {
        if (!(x[i] - x[i] == 0.0)) {
            return rt_fail(err, RT_ERR_VALIDATION, "x", "STL needs finite values (interpolate NaN first)");
        }
    }
    int64_t n_ext = n + 2 * p->period;
    double *block = NULL;
    RT_RETURN_NOT_OK(rt_pool_alloc(6 * n_ext * (int64_t)sizeof(double), (void **)&block, err));
    stl_work wk = {block, block + n_ext, block + 2 * n_ext, block + 3 * n_ext, block + 4 * n_ext, block + 5 * n_ext};
    for (int64_t i = 0; i < n; i++) {
        trend[i] = 0.0;
    }
    const double *rw = NULL;
    for (int32_t k = 0;; k++) {
        stl_inner(x, n, p, rw, seasonal, trend, &wk);
        if (k >= p->outer) {
            break;
        }
        for (int64_t i = 0; i < n; i++) {
            residual[i] = trend[i] + seasonal[i];
        }
        robustness_weights(x, n, residual, wk.rw, wk.d);
        rw = wk.rw;
    }
    for (int64_t i = 0; i < n; i++) {
        residual[i] = x[i] - seasonal[i] - trend[i];
    }
    rt_pool_free(block, NULL);
    return RT_OK;
}

/* ---- causal scores ---- */

/* Median of the valid (non-NaN) values of x[start..end), using scratch. */
static double window_median(const double *x, int64_t start, int64_t end, double *scratch) {
    int64_t m = 0;
    for (int64_t i = start < 0 ? 0 : start; i < end; i++) {
        if (x[i] == x[i]) {
            scratch[m++] = x[i];
        }
    }
    return median_of(scratch, m);
}

rt_status rt_anomaly_seasonal_causal(const double *x, int64_t n, int64_t period, int64_t n_periods,
                                     int64_t residual_window, double *residual, double *scores,
                                     rt_error *err) {
    const char *context = "rt_anomaly_seasonal_causal";
    if (n < 0 || (n > 0 && (x == NULL || scores == NULL))) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "x and scores must not be NULL");
    }
    if (period < 2) {
        return rt_fail(err, RT_ERR_VALIDATION, "period", "period must be at least 2");
    }
    if (n_periods < 1 || n_periods > 64) {
        return rt_fail(err, RT_ERR_VALIDATION, "n_periods", "n_periods must be in [1, 64]");
    }
    if (residual_window < 3) {
        return rt_fail(err, RT_ERR_VALIDATION, "residual_window", "residual_window must be at least 3");
    }
    int64_t scratch_len = period > residual_window ? period : residual_window;
    double *level = NULL, *resid = NULL, *scratch = NULL;
    rt_status status;
    if ((status = rt_pool_alloc((n + 1) * 8, (void **)&level, err)) != RT_OK ||
        (status = rt_pool_alloc((n + 1) * 8, (void **)&resid, err)) != RT_OK ||
        (status = rt_pool_alloc((scratch_len + 65) * 8, (void **)&scratch, err)) != RT_OK) {
        rt_pool_free(level, NULL);
        rt_pool_free(resid, NULL);
        return status;
    }
    for (int64_t t = 0; t < n; t++) {
        /* level[t]: median of the previous period, NaN until a full period has passed. */
        level[t] = t >= period ? window_median(x, t - period, t, scratch) : rt_nan();
        resid[t] = rt_nan();
        if (t >= (n_periods + 1) * period && x[t] == x[t] && level[t] == level[t]) {
            int64_t m = 0;
            for (int64_t j = 1; j <= n_periods; j++) {
                double past = x[t - j * period] - level[t - j * period];
                if (past == past) {
                    scratch[m++] = past;
                }
            }
            resid[t] = x[t] - (level[t] + median_of(scratch, m));
        }
    }
    /* As in offline mode: residuals below the data's resolution are rounding noise, not signal;
     * without this an exactly seasonal series gets huge scores from a MAD of ~1e-15. */
    double resolution = 0.0;
    for (int64_t t = 0; t < n; t++) {
        double magnitude = fabs_(x[t]);
        if (magnitude == magnitude && magnitude > resolution && magnitude < rt_inf()) {
            resolution = magnitude;
        }
    }
    resolution *= 1e-12;
    for (int64_t t = 0; t < n; t++) {
        if (resid[t] == resid[t] && fabs_(resid[t]) <= resolution) {
            resid[t] = 0.0;
        }
    }
    for (int64_t t = 0; t < n; t++) {
        scores[t] = rt_nan();
        if (resid[t] != resid[t]) {
            continue;
        }
        int64_t m = 0;
        for (int64_t i = t - residual_window < 0 ? 0 : t - residual_window; i < t; i++) {
            if (resid[i] == resid[i]) {
                scratch[m++] = resid[i];
            }
        }
        if (m < residual_window / 2) {
            continue; /* not enough past residuals yet */
        }
        double center = median_of(scratch, m);
        for (int64_t i = 0; i < m; i++) {
            scratch[i] = fabs_(scratch[i] - center);
        }
        double scale = 1.4826 * median_of(scratch, m);
        double dev = fabs_(resid[t] - center);
        scores[t] = scale > 0.0 ? dev / scale : (dev > 0.0 ? rt_inf() : 0.0);
    }
    if (residual != NULL) {
        for (int64_t t = 0; t < n; t++) {
            residual[t] = resid[t];
        }
    }
    rt_pool_free(level, NULL);
    rt_pool_free(resid, NULL);
    rt_pool_free(scratch, NULL);
    return RT_OK;
}
