/*
 * The per-value work of a sketching quality state in one pass (see
 * rt/quality_sample.h): HyperLogLog registers, range counts and a Bernoulli
 * sample of sortable keys. The keys and the register update are those of
 * keys.c (rt_quality_gather_keys) and counter.c (rt_hll_add), so a state's
 * registers do not depend on which path built them; the C tests check both.
 */
#include "rt/quality.h"
#include "rt/quality_sample.h"

#include "../core/internal.h"
#include "../stats/gather.h"
#include "hash.h"

#define SIGN_BIT 0x8000000000000000ull
#define HLL_SALT 0x243F6A8885A308D3ull /* rt_hll_add's */
#define MAX_LEVEL 32

/* keys.c's order-preserving key of a non-NaN double (-0.0 as +0.0). */
static inline uint64_t float_key(double v) {
    if (v == 0.0) {
        v = 0.0;
    }
    uint64_t bits;
    __builtin_memcpy(&bits, &v, sizeof bits);
    return (bits & SIGN_BIT) ? ~bits : bits | SIGN_BIT;
}

static inline void hll_add_key(uint8_t *registers, int precision, uint64_t key) {
    uint64_t h = rt_mix64(key ^ HLL_SALT);
    int q = 64 - precision;
    uint64_t rest = h << precision;
    uint8_t rank = rest == 0 ? (uint8_t)(q + 1) : (uint8_t)(__builtin_clzll(rest) + 1);
    uint64_t index = h >> q;
    if (rank > registers[index]) {
        registers[index] = rank;
    }
}

/* Everything one pass needs besides the column. */
typedef struct pass {
    int level;
    uint64_t seed;
    uint8_t *registers;
    int precision;
    const double *bounds;
    int64_t n_ranges;
    int64_t *in_range;
    uint64_t *sample;
    int64_t kept;
    int64_t values;
} pass;

/* Whether row i is in the sample: the top `level` bits of a mix of (seed, row) are zero. */
static inline int sampled(const pass *p, int64_t i) {
    if (p->level == 0) {
        return 1;
    }
    return (rt_mix64(p->seed + (uint64_t)i * 0x9E3779B97F4A7C15ull) >> (64 - p->level)) == 0;
}

static inline void take(pass *p, int64_t i, double v, uint64_t key) {
    hll_add_key(p->registers, p->precision, key);
    for (int64_t r = 0; r < p->n_ranges; r++) {
        p->in_range[r] += (v >= p->bounds[2 * r]) & (v <= p->bounds[2 * r + 1]);
    }
    p->sample[p->kept] = key;
    p->kept += sampled(p, i); /* branch-free: the slot is overwritten when not kept */
    p->values++;
}

static inline int valid_at(const uint8_t *validity, int64_t i) {
    return validity == NULL || ((validity[i >> 3] >> (i & 7)) & 1);
}

#define FLOAT_PASS(T)                                                             \
    for (int64_t i = offset; i < offset + length; i++) {                          \
        double v = (double)((const T *)data)[i];                                  \
        if (valid_at(validity, i) && v == v) {                                    \
            take(p, i, v, float_key(v));                                          \
        }                                                                         \
    }

#define INT_PASS(T)                                                               \
    for (int64_t i = offset; i < offset + length; i++) {                          \
        if (valid_at(validity, i)) {                                              \
            int64_t v = (int64_t)((const T *)data)[i];                            \
            take(p, i, (double)v, (uint64_t)v ^ SIGN_BIT);                        \
        }                                                                         \
    }

static void run_pass(int32_t dtype, const void *data, const uint8_t *validity, int64_t offset, int64_t length,
                     pass *p) {
    switch (dtype) {
    case RT_DTYPE_FLOAT64:
        FLOAT_PASS(double)
        break;
    case RT_DTYPE_FLOAT32:
        FLOAT_PASS(float)
        break;
    case RT_DTYPE_INT64:
        INT_PASS(int64_t)
        break;
    case RT_DTYPE_INT32:
        INT_PASS(int32_t)
        break;
    default:
        INT_PASS(uint8_t)
        break;
    }
}

static rt_status check_arguments(rt_error *err, int32_t level, const uint8_t *registers, int32_t precision,
                                 const double *bounds, int64_t n_ranges, const int64_t *in_range, int64_t length,
                                 const uint64_t *sample, const int64_t *n_sample, const int64_t *n_values) {
    const char *context = "rt_quality_sample_keys";
    if (level < 0 || level > MAX_LEVEL) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "level must be in 0..32");
    }
    if (precision < 4 || precision > 18 || registers == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "registers must hold 2^precision bytes, precision 4..18");
    }
    if (n_ranges < 0 || (n_ranges > 0 && (bounds == NULL || in_range == NULL))) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "bounds and in_range must hold n_ranges >= 0 ranges");
    }
    for (int64_t r = 0; r < n_ranges; r++) {
        double lo = bounds[2 * r], hi = bounds[2 * r + 1];
        if (lo != lo || hi != hi) {
            return rt_fail(err, RT_ERR_VALIDATION, context, "bounds must not be NaN");
        }
        if (lo > hi) {
            return rt_fail(err, RT_ERR_VALIDATION, context, "lower bound is greater than upper bound");
        }
    }
    if (n_sample == NULL || n_values == NULL || (length > 0 && sample == NULL)) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "sample, n_sample and n_values must not be NULL");
    }
    return RT_OK;
}

rt_status rt_quality_sample_keys(int32_t dtype, const void *data, const uint8_t *validity, int64_t offset,
                                 int64_t length, int32_t level, uint64_t seed, uint8_t *registers,
                                 int32_t precision, const double *bounds, int64_t n_ranges, int64_t *in_range,
                                 uint64_t *sample, int64_t *n_sample, int64_t *n_values, rt_error *err) {
    RT_RETURN_NOT_OK(rt_gather_check(err, "rt_quality_sample_keys", dtype, data, offset, length));
    RT_RETURN_NOT_OK(check_arguments(err, level, registers, precision, bounds, n_ranges, in_range, length, sample,
                                     n_sample, n_values));
    pass p = {level, seed, registers, precision, bounds, n_ranges, in_range, sample, 0, 0};
    if (length > 0) {
        run_pass(dtype, data, validity, offset, length, &p);
    }
    *n_sample = p.kept;
    *n_values = p.values;
    return RT_OK;
}
