/*
 * The per-value work of a sketching quality state in one pass (see
 * rt/quality_sample.h): HyperLogLog registers, range counts, row hashes and
 * a Bernoulli sample of sortable keys, without branches on the data. The
 * keys, the register update and the row hashes are keys.h's, hash.h's
 * rt_hll_update and the row hash of rt_quality_hash_rows; the C tests check
 * each against rt_quality_gather_keys, rt_hll_add and rt_quality_hash_rows.
 */
#include "rt/quality.h"
#include "rt/quality_sample.h"

#include "../core/internal.h"
#include "../stats/gather.h"
#include "hash.h"
#include "keys.h"

#define MAX_LEVEL 32
#define MAX_RANGES 8

/*
 * The top `level` bits (level >= 1) of a mix of (seed, row): zero, with
 * probability 2^-level, keeps the row. Half of splitmix64's finaliser (one
 * xor-shift, one multiplication): the top bits of the product depend on
 * every bit of seed + row * golden ratio.
 */
static inline uint64_t draw(uint64_t seed, int64_t i, int level) {
    uint64_t z = seed + (uint64_t)i * 0x9E3779B97F4A7C15ull;
    return ((z ^ (z >> 31)) * 0x94D049BB133111EBull) >> (64 - level);
}

static inline int valid_at(const uint8_t *validity, int64_t i) {
    return validity == NULL || ((validity[i >> 3] >> (i & 7)) & 1);
}

/* Everything one pass needs besides the column. */
typedef struct pass {
    int level;
    uint64_t seed;
    uint8_t *registers;
    int precision;
    const double *bounds;
    int64_t n_ranges;
    int64_t in_range[MAX_RANGES];
    uint64_t *row_hashes;
    uint64_t *sample;
    int64_t kept;
    int64_t values;
} pass;

/*
 * The loop over one dtype, on local copies of the pass (stores through the
 * output pointers could otherwise alias the counters). VALUE reads row i as
 * the double v, the 64-bit `bits` it is hashed by and `ok` (not NaN); KEY
 * makes its sortable key of them. Nulls and NaN (at random positions they
 * would be a mispredicted branch each) go through the same instructions with
 * ok = 0: no register change, no count, the row hash's missing value.
 */
#define PASS_LOOP(VALUE, KEY)                                                                 \
    do {                                                                                      \
        uint8_t *registers = p->registers;                                                    \
        uint64_t *sample = p->sample, *row_hashes = p->row_hashes, seed = p->seed;            \
        int64_t kept = 0, values = 0, n_ranges = p->n_ranges;                                 \
        int64_t in_range[MAX_RANGES] = {0};                                                   \
        double lo[MAX_RANGES], hi[MAX_RANGES]; /* locals: register stores cannot alias them */ \
        for (int64_t r = 0; r < n_ranges; r++) {                                              \
            lo[r] = p->bounds[2 * r];                                                         \
            hi[r] = p->bounds[2 * r + 1];                                                     \
        }                                                                                     \
        int precision = p->precision, level = p->level;                                       \
        for (int64_t i = offset; i < offset + length; i++) {                                  \
            int ok;                                                                           \
            double v;                                                                         \
            uint64_t bits;                                                                    \
            VALUE;                                                                            \
            ok &= valid_at(validity, i);                                                      \
            uint64_t key = KEY;                                                               \
            rt_hll_update(registers, precision, key, ok);                                       \
            for (int64_t r = 0; r < n_ranges; r++) {                                          \
                in_range[r] += ok & (v >= lo[r]) & (v <= hi[r]);                              \
            }                                                                                 \
            if (row_hashes != NULL) {                                                         \
                uint64_t h = ok ? rt_mix64(bits) : RT_NULL_ROW_HASH;                                 \
                row_hashes[i - offset] = rt_row_combine(row_hashes[i - offset], h);           \
            }                                                                                 \
            values += ok;                                                                     \
            sample[kept] = key; /* kept only if the count moves past it */                    \
            kept += ok & (level == 0 || draw(seed, i, level) == 0);                           \
        }                                                                                     \
        for (int64_t r = 0; r < n_ranges; r++) {                                              \
            p->in_range[r] = in_range[r];                                                     \
        }                                                                                     \
        p->kept = kept;                                                                       \
        p->values = values;                                                                   \
    } while (0)

#define FLOAT_VALUE(T) (v = (double)((const T *)data)[i], ok = v == v, bits = rt_double_bits(v))
#define INT_VALUE(T) (bits = (uint64_t)(int64_t)((const T *)data)[i], v = (double)(int64_t)bits, ok = 1)

static void run_pass(int32_t dtype, const void *data, const uint8_t *validity, int64_t offset, int64_t length,
                     pass *p) {
    switch (dtype) {
    case RT_DTYPE_FLOAT64:
        PASS_LOOP(FLOAT_VALUE(double), rt_float_key_bits(bits));
        break;
    case RT_DTYPE_FLOAT32:
        PASS_LOOP(FLOAT_VALUE(float), rt_float_key_bits(bits));
        break;
    case RT_DTYPE_INT64:
        PASS_LOOP(INT_VALUE(int64_t), bits ^ RT_KEY_SIGN_BIT);
        break;
    case RT_DTYPE_INT32:
        PASS_LOOP(INT_VALUE(int32_t), bits ^ RT_KEY_SIGN_BIT);
        break;
    default:
        PASS_LOOP(INT_VALUE(uint8_t), bits ^ RT_KEY_SIGN_BIT);
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
    if (n_ranges < 0 || n_ranges > MAX_RANGES || (n_ranges > 0 && (bounds == NULL || in_range == NULL))) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "bounds and in_range must hold n_ranges (0..8) ranges");
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
                                 uint64_t *row_hashes, uint64_t *sample, int64_t *n_sample, int64_t *n_values,
                                 rt_error *err) {
    RT_RETURN_NOT_OK(rt_gather_check(err, "rt_quality_sample_keys", dtype, data, offset, length));
    RT_RETURN_NOT_OK(check_arguments(err, level, registers, precision, bounds, n_ranges, in_range, length, sample,
                                     n_sample, n_values));
    pass p = {level, seed, registers, precision, bounds, n_ranges, {0}, row_hashes, sample, 0, 0};
    if (length > 0) {
        run_pass(dtype, data, validity, offset, length, &p);
    }
    for (int64_t r = 0; r < n_ranges; r++) {
        in_range[r] += p.in_range[r];
    }
    *n_sample = p.kept;
    *n_values = p.values;
    return RT_OK;
}
