/*
 * Order-preserving keys and their distinct-value tally, shared by keys.c, key_profile.c and
 * key_counts.c (not part of the ABI).
 */
#ifndef RT_QUALITY_KEYS_H
#define RT_QUALITY_KEYS_H

#include <stdint.h>

#include "rt/quality.h"
#include "hash.h"

#define RT_KEY_SIGN_BIT 0x8000000000000000ull

/* The key of a float's bits (rt_double_bits): flip all bits of negatives, the sign bit of the rest. */
static inline uint64_t rt_float_key_bits(uint64_t bits) {
    uint64_t negative = (uint64_t)((int64_t)bits >> 63);
    return bits ^ (negative | RT_KEY_SIGN_BIT);
}

/* The key of a float: -0.0 and +0.0 are one value. */
static inline uint64_t rt_float_key(double v) {
    return rt_float_key_bits(rt_double_bits(v));
}

/* The number a key stands for. */
static inline double rt_key_value(int32_t key_kind, uint64_t key) {
    if (key_kind == RT_KEY_INT) {
        return (double)(int64_t)(key ^ RT_KEY_SIGN_BIT);
    }
    uint64_t bits = (key & RT_KEY_SIGN_BIT) ? key ^ RT_KEY_SIGN_BIT : ~key;
    double v;
    __builtin_memcpy(&v, &bits, sizeof v);
    return v;
}

/* Distinct keys, keys occurring once and the mode (the most frequent, the smallest on ties). */
typedef struct rt_key_tally {
    int64_t distinct, singletons, mode_count;
    uint64_t mode_key;
} rt_key_tally;

/* The mode so far, given a key now seen `count` times. */
static inline void rt_key_tally_mode(rt_key_tally *t, uint64_t key, int64_t count) {
    if (count >= t->mode_count && (count > t->mode_count || key < t->mode_key)) {
        t->mode_count = count;
        t->mode_key = key;
    }
}

/* One distinct key occurring `count` times (a finished count). */
static inline void rt_key_tally_add(rt_key_tally *t, uint64_t key, int64_t count) {
    t->distinct++;
    t->singletons += count == 1;
    rt_key_tally_mode(t, key, count);
}

/* A key seen once more while counting, now `count` times: every field is right after each key, so
 * a table of counts never has to be scanned. */
static inline void rt_key_tally_step(rt_key_tally *t, uint64_t key, int64_t count) {
    t->distinct += count == 1;
    t->singletons += (count == 1) - (count == 2);
    rt_key_tally_mode(t, key, count);
}

/* numpy's linear interpolation between neighbouring order statistics, operation for operation. */
static inline double rt_key_lerp(double below, double above, double frac) {
    if (frac == 0.0 || below == above) {
        return below;
    }
    return frac < 0.5 ? below + (above - below) * frac : above - (above - below) * (1.0 - frac);
}

#endif /* RT_QUALITY_KEYS_H */
