/*
 * Exact quantiles in one streaming pass, for the IQR and MAD scores.
 *
 * csrc/stats' rt_stats_quantiles copies every valid value and runs
 * introselect on the copy: exact, but it moves the whole column several
 * times. Here a strided sample of the column (64 Ki values) gives, for each
 * wanted quantile, a narrow bracket [lo, hi] that holds it with
 * overwhelming probability (Floyd and Rivest's idea); one pass over the
 * column then counts the values below each bracket and copies those inside
 * (about 1% of the column), and selection inside the copy gives the exact
 * order statistics. When a bracket misses (adversarial data, heavy ties)
 * the caller falls back to the full copy-and-select path, so the result is
 * always exact: this only changes the cost.
 */
#include "rt/memory.h"
#include "rt/simd.h"

#include "anomaly_internal.h"
#include "../stats/select.h"

#if RT_ARCH_X86
#include <immintrin.h>
#endif

#define SAMPLE_SIZE 65536
#define SMALL_COLUMN (4 * SAMPLE_SIZE)
#define MAX_BRACKETS 4

double rt_anomaly_select_kth(double *x, int64_t n, int64_t k) {
    rt_select_kth(x, 0, n - 1, k);
    return x[k];
}

static inline double mapped(double v, double center) {
    if (center == center) {
        v = v - center;
        v = v < 0 ? -v : v;
    }
    return v;
}

/* numpy's "linear" quantile from the order statistics a = x_(k), b = x_(k+1). */
static double interpolate(double a, double b, double fraction) {
    if (fraction == 0.0) {
        return a;
    }
    return fraction < 0.5 ? a + (b - a) * fraction : b - (b - a) * (1.0 - fraction); /* numpy's lerp, exact at both ends */
}

typedef struct bracket {
    double lo, hi;
    int64_t below;  /* valid values < lo */
    int64_t count;  /* values in [lo, hi], copied to values */
    int64_t capacity;
    double *values;
} bracket;

/*
 * One block against one bracket: counts values below it and appends those
 * inside (dst has room for n more). Returns the new end of the bucket.
 * Scalar reference: a branch-free append (NaN fails both tests).
 */
static double *bracket_block_scalar(const double *x, int64_t n, double center, double lo, double hi,
                                    int64_t *below, double *dst) {
    int64_t under = 0;
    for (int64_t i = 0; i < n; i++) {
        double v = mapped(x[i], center);
        under += v < lo;
        dst[0] = v;
        dst += (v >= lo) & (v <= hi);
    }
    *below += under;
    return dst;
}

#if RT_ARCH_X86
/* Eight values at a time: compare masks, popcounts, and in-register compress before a plain store. */
RT_TARGET_AVX512 static double *bracket_block_avx512(const double *x, int64_t n, double center, double lo,
                                                     double hi, int64_t *below, double *dst) {
    const __m512d vlo = _mm512_set1_pd(lo), vhi = _mm512_set1_pd(hi), vc = _mm512_set1_pd(center);
    const __m512d sign = _mm512_set1_pd(-0.0);
    const int map = center == center;
    int64_t under = 0, i = 0;
    for (; i + 8 <= n; i += 8) {
        __m512d v = _mm512_loadu_pd(x + i);
        if (map) {
            v = _mm512_andnot_pd(sign, _mm512_sub_pd(v, vc));
        }
        __mmask8 lt = _mm512_cmp_pd_mask(v, vlo, _CMP_LT_OQ);
        __mmask8 in = _mm512_cmp_pd_mask(v, vlo, _CMP_GE_OQ) & _mm512_cmp_pd_mask(v, vhi, _CMP_LE_OQ);
        under += __builtin_popcount((unsigned)lt);
        _mm512_storeu_pd(dst, _mm512_maskz_compress_pd(in, v));
        dst += __builtin_popcount((unsigned)in);
    }
    *below += under;
    return bracket_block_scalar(x + i, n - i, center, lo, hi, below, dst);
}
#endif

static double *bracket_block(const double *x, int64_t n, double center, double lo, double hi, int64_t *below,
                             double *dst) {
#if RT_ARCH_X86
    if (rt_simd_active() == RT_SIMD_AVX512) {
        return bracket_block_avx512(x, n, center, lo, hi, below, dst);
    }
#endif
    return bracket_block_scalar(x, n, center, lo, hi, below, dst);
}

rt_status rt_anomaly_quantiles_fast(int32_t dtype, const void *data, const uint8_t *validity, int64_t offset,
                                    int64_t length, double center, const double *probs, int32_t n_probs,
                                    double *out, int32_t *exact, rt_error *err) {
    *exact = 0;
    if (length < SMALL_COLUMN || n_probs > MAX_BRACKETS) {
        return RT_OK; /* small columns: the copy-and-select path is as fast */
    }
    /* A strided sample of the (mapped) valid values. */
    double *sample = NULL;
    RT_RETURN_NOT_OK(rt_pool_alloc(SAMPLE_SIZE * 8, (void **)&sample, err));
    int64_t taken = 0;
    for (int64_t j = 0; j < SAMPLE_SIZE; j++) {
        double v = rt_column_value(dtype, data, validity, offset, (int64_t)((double)j * (double)length / SAMPLE_SIZE));
        if (v == v) {
            sample[taken++] = mapped(v, center);
        }
    }
    if (taken < SAMPLE_SIZE / 2) {
        rt_pool_free(sample, NULL);
        return RT_OK; /* mostly missing: not worth it */
    }
    double valid_fraction = (double)taken / SAMPLE_SIZE;
    bracket b[MAX_BRACKETS];
    rt_status status = RT_OK;
    for (int32_t q = 0; q < n_probs; q++) {
        /* Bracket the wanted rank by the sample ranks 4 standard deviations either side. */
        double p = probs[q];
        double spread = 4.0 * rt_sqrt((double)taken * p * (1.0 - p)) + 16.0;
        int64_t at = (int64_t)(p * (double)(taken - 1));
        int64_t lo_rank = at - (int64_t)spread, hi_rank = at + (int64_t)spread + 1;
        b[q].lo = lo_rank <= 0 ? -rt_inf() : rt_anomaly_select_kth(sample, taken, lo_rank);
        b[q].hi = hi_rank >= taken - 1 ? rt_inf() : rt_anomaly_select_kth(sample, taken, hi_rank);
        double expected = (double)length * valid_fraction * (double)(hi_rank - lo_rank + 1) / (double)taken;
        b[q].capacity = (int64_t)(2.0 * expected) + 4096;
        b[q].below = b[q].count = 0;
        b[q].values = NULL;
        if (status == RT_OK) {
            status = rt_pool_alloc(b[q].capacity * 8, (void **)&b[q].values, err);
        }
    }
    rt_pool_free(sample, NULL);
    int overflow = 0;
    int64_t valid = 0;
    double block[RT_ANOMALY_BLOCK];
    for (int64_t start = 0; status == RT_OK && !overflow && start < length; start += RT_ANOMALY_BLOCK) {
        int64_t count = length - start < RT_ANOMALY_BLOCK ? length - start : RT_ANOMALY_BLOCK;
        const double *x = rt_column_block_view(dtype, data, validity, offset, start, count, block);
        for (int32_t q = 0; q < n_probs; q++) {
            bracket *br = &b[q];
            const double lo = br->lo, hi = br->hi;
            int64_t below = 0, n_in = br->count;
            if (n_in + count + 8 > br->capacity) {
                overflow = 1;
                break;
            }
            double *dst = bracket_block(x, count, center, lo, hi, &below, br->values + n_in);
            br->below += below;
            br->count = dst - br->values;
        }
        for (int64_t i = 0; i < count; i++) {
            valid += x[i] == x[i];
        }
    }
    if (status == RT_OK && !overflow && valid > 0) {
        int ok = 1;
        for (int32_t q = 0; q < n_probs && ok; q++) {
            double h = (double)(valid - 1) * probs[q];
            int64_t k = (int64_t)h;
            int64_t r = k - b[q].below;
            int need_next = k + 1 < valid && h > (double)k;
            if (r < 0 || r + need_next >= b[q].count) {
                ok = 0;
                break;
            }
            double a = rt_anomaly_select_kth(b[q].values, b[q].count, r);
            double c = need_next ? rt_select_min_after(b[q].values, b[q].count, r) : a;
            out[q] = interpolate(a, c, h - (double)k);
        }
        *exact = ok;
    }
    for (int32_t q = 0; q < n_probs; q++) {
        if (b[q].values != NULL) {
            rt_pool_free(b[q].values, NULL);
        }
    }
    return status;
}
