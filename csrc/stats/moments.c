/*
 * Moments in one pass over the data: each block of up to 1024 values gets
 * its exact mean and central power sums from two passes over the block
 * while it sits in L1, then is merged into the running total with Chan et
 * al.'s pairwise update. This is as stable as Welford's per-value update and
 * does one division per block instead of one per value.
 */
#include "rt/stats.h"

#include "gather.h"

static void moments_clear(rt_moments *m) {
    m->count = 0;
    m->missing = 0;
    m->mean = m->m2 = m->m3 = m->m4 = 0.0;
    m->min = m->max = __builtin_nan("");
}

enum { LANES = 8 }; /* independent accumulators: the sums vectorise and hide the add latency */

static void block_moments(const double *x, int64_t n, rt_moments *out) {
    double sums[LANES] = {0}, los[LANES], his[LANES];
    for (int j = 0; j < LANES; j++) {
        los[j] = his[j] = x[0];
    }
    int64_t body = n - n % LANES;
    for (int64_t i = 0; i < body; i += LANES) {
        for (int j = 0; j < LANES; j++) {
            double v = x[i + j];
            sums[j] += v;
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
        sum += x[i];
        lo = x[i] < lo ? x[i] : lo;
        hi = x[i] > hi ? x[i] : hi;
    }
    double mean = sum / (double)n;
    double m2s[LANES] = {0}, m3s[LANES] = {0}, m4s[LANES] = {0};
    for (int64_t i = 0; i < body; i += LANES) {
        for (int j = 0; j < LANES; j++) {
            double d = x[i + j] - mean, d2 = d * d;
            m2s[j] += d2;
            m3s[j] += d2 * d;
            m4s[j] += d2 * d2;
        }
    }
    double m2 = 0.0, m3 = 0.0, m4 = 0.0;
    for (int j = 0; j < LANES; j++) {
        m2 += m2s[j];
        m3 += m3s[j];
        m4 += m4s[j];
    }
    for (int64_t i = body; i < n; i++) {
        double d = x[i] - mean, d2 = d * d;
        m2 += d2;
        m3 += d2 * d;
        m4 += d2 * d2;
    }
    /* NaN never wins a comparison, so give min/max NaN explicitly when the mean is NaN. */
    if (mean != mean) {
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
    for (int64_t start = 0; start < length; start += RT_GATHER_BLOCK) {
        int64_t count = length - start < RT_GATHER_BLOCK ? length - start : RT_GATHER_BLOCK;
        rt_moments part;
        moments_clear(&part);
        int64_t kept = rt_gather_block(dtype, data, validity, offset, start, count, nan_as_missing,
                                       block, &part.missing);
        if (kept > 0) {
            int64_t missing = part.missing;
            block_moments(block, kept, &part);
            part.missing = missing;
        }
        merge_into(out, &part);
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
