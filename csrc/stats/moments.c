/*
 * Moments in one pass over the data: each block of up to 1024 values gets
 * its exact mean and central power sums from two passes over the block
 * while it sits in L1, then is merged into the running total with Chan et
 * al.'s pairwise update. This is as stable as Welford's per-value update and
 * does one division per block instead of one per value.
 */
#include "rt/simd.h"
#include "rt/stats.h"

#include "gather.h"

static void moments_clear(rt_moments *m) {
    m->count = 0;
    m->missing = 0;
    m->mean = m->m2 = m->m3 = m->m4 = 0.0;
    m->min = m->max = __builtin_nan("");
}

static int block_has_nan(const double *x, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        if (x[i] != x[i]) {
            return 1;
        }
    }
    return 0;
}

static double first_finite(const double *x, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        if (x[i] - x[i] == 0.0) {
            return x[i];
        }
    }
    return 0.0;
}

/* The rounding error of p = a * b (Dekker; one operation per statement, so nothing is contracted
 * into an FMA, which the wasm build does not have anyway). |a|, |b| below 2^996. */
static double product_error(double a, double b, double p) {
    const double split = 134217729.0; /* 2^27 + 1 */
    double as = a * split;
    double ah = as - (as - a);
    double al = a - ah;
    double bs = b * split;
    double bh = bs - (bs - b);
    double bl = b - bh;
    double t = ah * bh;
    t = t - p;
    double u = ah * bl;
    t = t + u;
    u = al * bh;
    t = t + u;
    u = al * bl;
    return t + u;
}

/* k + s / n to about half an ulp: the quotient's remainder and the rounding of k + q are kept
 * (two-sum) and added once, so [1, 2, 4] has mean 2.3333333333333335, not 1 ulp below. */
static double shifted_mean(double k, double s, double n) {
    double q = s / n;
    if (!(q - q == 0.0) || !(k - k == 0.0) || q > 0x1p900 || q < -0x1p900) {
        return k + q;
    }
    double p = q * n;
    double remainder = (s - p) - product_error(q, n, p);
    double r = remainder / n;
    double hi = k + q;
    double kept = hi - k;
    double err = (k - (hi - kept)) + (q - kept);
    double lo = err + r;
    return hi + lo;
}

enum { LANES = 8 }; /* independent accumulators: the sums vectorise and hide the add latency */

/* The block's moments with its mean taken relative to k (see rt_stats_moments); *shifted_sum
 * receives the sum of x - k. Compiled once per SIMD level (below): the LANES accumulators become
 * vector lanes, each summed in the same order at every level, so every level gives the same bits.
 * One operation per statement: nothing is contracted into an FMA the scalar build does not have. */
static inline __attribute__((always_inline)) void block_moments_body(const double *x, int64_t n, double k,
                                                                    rt_moments *out, double *shifted_sum) {
    double sums[LANES] = {0}, los[LANES], his[LANES];
    for (int j = 0; j < LANES; j++) {
        los[j] = his[j] = x[0];
    }
    int64_t body = n - n % LANES;
    for (int64_t i = 0; i < body; i += LANES) {
        for (int j = 0; j < LANES; j++) {
            double v = x[i + j];
            sums[j] += v - k;
            los[j] = v < los[j] ? v : los[j];
            his[j] = v > his[j] ? v : his[j];
        }
    }
    double sum = 0.0, lo = x[0], hi = x[0];
    for (int j = 0; j < LANES; j++) {
        sum += sums[j];
        lo = los[j] < lo ? los[j] : lo;
        hi = his[j] > hi ? his[j] : hi;
    }
    for (int64_t i = body; i < n; i++) {
        sum += x[i] - k;
        lo = x[i] < lo ? x[i] : lo;
        hi = x[i] > hi ? x[i] : hi;
    }
    *shifted_sum = sum;
    double mean = sum / (double)n;
    double m2s[LANES] = {0}, m3s[LANES] = {0}, m4s[LANES] = {0};
    for (int64_t i = 0; i < body; i += LANES) {
        for (int j = 0; j < LANES; j++) {
            double d = (x[i + j] - k) - mean;
            double d2 = d * d;
            double d3 = d2 * d;
            double d4 = d2 * d2;
            m2s[j] += d2;
            m3s[j] += d3;
            m4s[j] += d4;
        }
    }
    double m2 = 0.0, m3 = 0.0, m4 = 0.0;
    for (int j = 0; j < LANES; j++) {
        m2 += m2s[j];
        m3 += m3s[j];
        m4 += m4s[j];
    }
    for (int64_t i = body; i < n; i++) {
        double d = (x[i] - k) - mean;
        double d2 = d * d;
        double d3 = d2 * d;
        double d4 = d2 * d2;
        m2 += d2;
        m3 += d3;
        m4 += d4;
    }
    /* NaN never wins a comparison, so give min/max NaN explicitly when the block holds a NaN.
     * A NaN mean alone is not enough: +inf and -inf together also sum to NaN, and then
     * min and max are -inf and +inf. */
    if (mean != mean && block_has_nan(x, n)) {
        lo = hi = mean;
    }
    out->count = n;
    out->missing = 0;
    out->mean = mean;
    out->m2 = m2;
    out->m3 = m3;
    out->m4 = m4;
    out->min = lo;
    out->max = hi;
}

static void block_moments_scalar(const double *x, int64_t n, double k, rt_moments *out, double *shifted_sum) {
    block_moments_body(x, n, k, out, shifted_sum);
}

#if RT_ARCH_X86
RT_TARGET_AVX2 static void block_moments_avx2(const double *x, int64_t n, double k, rt_moments *out,
                                              double *shifted_sum) {
    block_moments_body(x, n, k, out, shifted_sum);
}

RT_TARGET_AVX512 static void block_moments_avx512(const double *x, int64_t n, double k, rt_moments *out,
                                                  double *shifted_sum) {
    block_moments_body(x, n, k, out, shifted_sum);
}
#endif

static void block_moments(const double *x, int64_t n, double k, rt_moments *out, double *shifted_sum) {
    switch (rt_simd_active()) {
#if RT_ARCH_X86
    case RT_SIMD_AVX512:
        block_moments_avx512(x, n, k, out, shifted_sum);
        return;
    case RT_SIMD_AVX2:
        block_moments_avx2(x, n, k, out, shifted_sum);
        return;
#endif
    default: /* wasm: the scalar body, which clang vectorises for simd128 */
        block_moments_scalar(x, n, k, out, shifted_sum);
    }
}

static void merge_non_finite(rt_moments *acc, const rt_moments *b, int64_t missing) {
    acc->mean = acc->mean + b->mean;
    acc->m2 = acc->m3 = acc->m4 = __builtin_nan("");
    acc->min = (b->min < acc->min || b->min != b->min) ? b->min : acc->min;
    acc->max = (b->max > acc->max || b->max != b->max) ? b->max : acc->max;
    acc->count += b->count;
    acc->missing = missing;
}

/* Chan, Golub and LeVeque's update, extended to third and fourth moments (Pébay 2008). */
static void merge_into(rt_moments *acc, const rt_moments *b) {
    int64_t missing = acc->missing + b->missing;
    if (b->count == 0) {
        acc->missing = missing;
        return;
    }
    if (acc->count == 0) {
        *acc = *b;
        acc->missing = missing;
        return;
    }
    if (!(acc->mean - acc->mean == 0.0 && b->mean - b->mean == 0.0)) {
        /* An infinite or NaN mean: Chan's update would turn inf into NaN (inf - inf); the union's
         * mean is the sum's limit (inf + finite = inf, inf - inf = NaN) and its spread undefined. */
        merge_non_finite(acc, b, missing);
        return;
    }
    double na = (double)acc->count, nb = (double)b->count, n = na + nb;
    double delta = b->mean - acc->mean;
    double d_n = delta / n, d_n2 = d_n * d_n;
    double m2 = acc->m2 + b->m2 + delta * d_n * na * nb;
    double m3 = acc->m3 + b->m3 + d_n2 * delta * na * nb * (na - nb) +
                3.0 * d_n * (na * b->m2 - nb * acc->m2);
    double m4 = acc->m4 + b->m4 + d_n2 * d_n * delta * na * nb * (na * na - na * nb + nb * nb) +
                6.0 * d_n2 * (na * na * b->m2 + nb * nb * acc->m2) +
                4.0 * d_n * (na * b->m3 - nb * acc->m3);
    acc->mean = acc->mean + d_n * nb;
    acc->m2 = m2;
    acc->m3 = m3;
    acc->m4 = m4;
    acc->min = (b->min < acc->min || b->min != b->min) ? b->min : acc->min;
    acc->max = (b->max > acc->max || b->max != b->max) ? b->max : acc->max;
    acc->count += b->count;
    acc->missing = missing;
}

rt_status rt_stats_moments(int32_t dtype, const void *data, const uint8_t *validity,
                           int64_t offset, int64_t length, int32_t nan_as_missing,
                           rt_moments *out, rt_error *err) {
    const char *context = "rt_stats_moments";
    RT_RETURN_NOT_OK(rt_gather_check(err, context, dtype, data, offset, length));
    if (out == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "out must not be NULL");
    }
    moments_clear(out);
    double block[RT_GATHER_BLOCK];
    /* Blocks are summed and merged relative to k, the first finite value: differences from a
     * value of the data are exact for values near it, so a constant column has its exact mean
     * and m2 = 0, and 1e9 + small noise keeps the noise's precision (no cancellation). */
    double k = 0.0, shifted_sum = 0.0;
    int have_k = 0;
    for (int64_t start = 0; start < length; start += RT_GATHER_BLOCK) {
        int64_t count = length - start < RT_GATHER_BLOCK ? length - start : RT_GATHER_BLOCK;
        rt_moments part;
        moments_clear(&part);
        int64_t kept = rt_gather_block(dtype, data, validity, offset, start, count, nan_as_missing,
                                       block, &part.missing);
        if (kept > 0) {
            if (!have_k) {
                k = first_finite(block, kept);
                have_k = 1;
            }
            int64_t missing = part.missing;
            double block_sum;
            block_moments(block, kept, k, &part, &block_sum);
            shifted_sum += block_sum;
            part.missing = missing;
        }
        merge_into(out, &part);
    }
    if (out->count > 0) {
        /* The merged mean in shifted coordinates carries the m2..m4 updates; the reported mean is
         * k + (sum of x - k) / count rounded once (the same value for a constant column). */
        double shifted_mean_merged = out->mean;
        out->mean = shifted_mean(k, shifted_sum, (double)out->count);
        if (out->mean != out->mean && shifted_mean_merged - shifted_mean_merged == 0.0) {
            out->mean = k + shifted_mean_merged;
        }
    }
    return RT_OK;
}

rt_status rt_stats_moments_merge(const rt_moments *a, const rt_moments *b, rt_moments *out,
                                 rt_error *err) {
    if (a == NULL || b == NULL || out == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, "rt_stats_moments_merge", "arguments must not be NULL");
    }
    rt_moments acc = *a;
    merge_into(&acc, b);
    *out = acc;
    return RT_OK;
}
