/* Helpers shared by the anomaly kernels; not part of the public ABI. */
#ifndef RT_ANOMALY_INTERNAL_H
#define RT_ANOMALY_INTERNAL_H

#include <stdint.h>

#include "../core/internal.h"

/* Values per block when a column is read as doubles (8 KiB: stays in L1). */
#define RT_ANOMALY_BLOCK 1024

static inline double rt_nan(void) { return __builtin_nan(""); }
static inline double rt_inf(void) { return __builtin_inf(); }

/* Square root: one instruction on x86 and wasm (no libm call for valid input). */
static inline double rt_sqrt(double x) { return __builtin_sqrt(x); }

/*
 * Natural logarithm without libm (the wasm build has none): x = m * 2^k with
 * m in [sqrt(1/2), sqrt(2)), then log(m) = 2 atanh((m - 1) / (m + 1)) by its
 * series, which converges to double precision in 10 terms there.
 */
static inline double rt_log(double x) {
    if (!(x > 0.0)) {
        return x == 0.0 ? -rt_inf() : rt_nan();
    }
    if (x == rt_inf()) {
        return x;
    }
    union { double d; uint64_t u; } bits = {x};
    int64_t k = (int64_t)((bits.u >> 52) & 0x7ff);
    if (k == 0) { /* subnormal: scale into the normal range first */
        bits.d = x * 18014398509481984.0; /* 2^54 */
        k = (int64_t)((bits.u >> 52) & 0x7ff) - 54;
    }
    k -= 1023;
    bits.u = (bits.u & 0x000fffffffffffffull) | 0x3ff0000000000000ull; /* m in [1, 2) */
    double m = bits.d;
    if (m > 1.4142135623730951) {
        m *= 0.5;
        k += 1;
    }
    double t = (m - 1.0) / (m + 1.0), t2 = t * t;
    double term = t, sum = 0.0;
    for (int i = 1; i <= 27; i += 2) {
        sum += term / (double)i;
        term *= t2;
    }
    return 2.0 * sum + (double)k * 0.6931471805599453;
}

/*
 * 2^x without libm: 2^floor(x) by building the exponent bits, 2^f for the
 * fraction f in [-0.5, 0.5] by the Taylor series of exp(f ln 2).
 */
static inline double rt_exp2(double x) {
    if (x != x) {
        return x;
    }
    if (x > 1023.0) {
        return rt_inf();
    }
    if (x < -1074.0) {
        return 0.0;
    }
    double whole = (double)(int64_t)(x + (x >= 0 ? 0.5 : -0.5)); /* nearest integer */
    double f = (x - whole) * 0.6931471805599453;
    double term = 1.0, sum = 1.0;
    for (int i = 1; i <= 18; i++) {
        term *= f / (double)i;
        sum += term;
    }
    int64_t k = (int64_t)whole;
    /* Apply 2^k in two steps so subnormal results and k = -1074 stay exact. */
    int64_t half = k / 2;
    union { double d; uint64_t u; } a = {0}, b = {0};
    a.u = (uint64_t)(half + 1023) << 52;
    b.u = (uint64_t)(k - half + 1023) << 52;
    return sum * a.d * b.d;
}

/* Element i of a column as a double; NaN when null (or NaN). */
static inline double rt_column_value(int32_t dtype, const void *data, const uint8_t *validity,
                                     int64_t offset, int64_t i) {
    int64_t j = offset + i;
    if (validity != NULL && !((validity[j >> 3] >> (j & 7)) & 1)) {
        return rt_nan();
    }
    return rt_element_as_double(dtype, data, j);
}

/* Elements [start, start + count) of a column as doubles, NaN for nulls. */
static inline void rt_column_block(int32_t dtype, const void *data, const uint8_t *validity,
                                   int64_t offset, int64_t start, int64_t count, double *out) {
    if (dtype == RT_DTYPE_FLOAT64 && validity == NULL) {
        const double *x = (const double *)data + offset + start;
        for (int64_t i = 0; i < count; i++) {
            out[i] = x[i];
        }
        return;
    }
    for (int64_t i = 0; i < count; i++) {
        out[i] = rt_column_value(dtype, data, validity, offset, start + i);
    }
}

/* Elements [start, start + count) of a column as doubles to read: the column's own memory for
 * float64 without nulls (no copy), else `block` filled by rt_column_block. */
static inline const double *rt_column_block_view(int32_t dtype, const void *data, const uint8_t *validity,
                                                 int64_t offset, int64_t start, int64_t count, double *block) {
    if (dtype == RT_DTYPE_FLOAT64 && validity == NULL) {
        return (const double *)data + offset + start;
    }
    rt_column_block(dtype, data, validity, offset, start, count, block);
    return block;
}

/* The k-th smallest of x[0..n) (x is reordered: smaller values before k, larger after). */
double rt_anomaly_select_kth(double *x, int64_t n, int64_t k);

/*
 * numpy-"linear" quantiles of the valid values of a column (mapped to
 * |x - center| unless center is NaN) in one pass over it, by sampled
 * brackets (select.c). Sets *exact = 1 when it could answer; 0 means the
 * caller must use the copy-and-select path (small or mostly-missing column,
 * a bracket that missed). At most 4 probabilities.
 */
rt_status rt_anomaly_quantiles_fast(int32_t dtype, const void *data, const uint8_t *validity, int64_t offset,
                                    int64_t length, double center, const double *probs, int32_t n_probs,
                                    double *out, int32_t *exact, rt_error *err);

/* Checks a column argument of an anomaly kernel (dtype, offset, length, pointers). */
rt_status rt_anomaly_check_column(rt_error *err, const char *context, int32_t dtype,
                                  const void *data, int64_t offset, int64_t length);

#endif /* RT_ANOMALY_INTERNAL_H */
