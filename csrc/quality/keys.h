/* Order-preserving keys shared by keys.c and key_profile.c (not part of the ABI). */
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

/* numpy's linear interpolation between neighbouring order statistics, operation for operation. */
static inline double rt_key_lerp(double below, double above, double frac) {
    if (frac == 0.0 || below == above) {
        return below;
    }
    return frac < 0.5 ? below + (above - below) * frac : above - (above - below) * (1.0 - frac);
}

#endif /* RT_QUALITY_KEYS_H */
