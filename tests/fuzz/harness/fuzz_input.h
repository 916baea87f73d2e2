/*
 * Shared helpers of the libFuzzer harnesses: a cursor that takes typed
 * values from the fuzzer's bytes (zeros once they run out), and buffers
 * sized exactly to what a call may read, so AddressSanitizer catches any
 * read or write past them.
 */
#ifndef RT_FUZZ_INPUT_H
#define RT_FUZZ_INPUT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt/rt.h"

typedef struct fuzz_input {
    const uint8_t *data;
    size_t size;
    size_t pos;
} fuzz_input;

static inline fuzz_input fuzz_begin(const uint8_t *data, size_t size) {
    return (fuzz_input){data, size, 0};
}

static inline uint64_t fuzz_bits(fuzz_input *in, int nbytes) {
    uint64_t value = 0;
    for (int i = 0; i < nbytes; i++) {
        uint64_t byte = in->pos < in->size ? in->data[in->pos++] : 0;
        value |= byte << (8 * i);
    }
    return value;
}

static inline uint8_t fuzz_u8(fuzz_input *in) {
    return (uint8_t)fuzz_bits(in, 1);
}

/* An integer in [0, bound) (bound > 0). */
static inline int64_t fuzz_below(fuzz_input *in, int64_t bound) {
    return (int64_t)(fuzz_bits(in, 4) % (uint64_t)bound);
}

static inline double fuzz_double(fuzz_input *in) {
    uint64_t bits = fuzz_bits(in, 8);
    double value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

/* The unread rest of the input. */
static inline const uint8_t *fuzz_rest(const fuzz_input *in, size_t *nbytes) {
    *nbytes = in->size - in->pos;
    return in->data + in->pos;
}

/* A heap copy of the next `nbytes` input bytes (zero-padded when the input ends). */
static inline uint8_t *fuzz_bytes(fuzz_input *in, size_t nbytes) {
    uint8_t *buffer = malloc(nbytes ? nbytes : 1);
    for (size_t i = 0; i < nbytes; i++) {
        buffer[i] = fuzz_u8(in);
    }
    return buffer;
}

/* Selects a SIMD level the CPU has, so scalar and vector paths are both fuzzed. */
static inline void fuzz_simd_level(fuzz_input *in) {
    int32_t level = (int32_t)(fuzz_u8(in) % 3);
    rt_force_impl(rt_simd_supported(level) ? level : RT_SIMD_SCALAR, NULL);
}

/* Pool bytes in use must come back to where they were: a harness leaking pool memory fails. */
static inline int64_t fuzz_pool_in_use(void) {
    rt_pool_stats stats;
    rt_pool_get_stats(&stats);
    return stats.bytes_in_use;
}

/* A property every input must keep; a failure prints where and aborts, which libFuzzer reports as a crash. */
#define fuzz_require(condition)                                                                  \
    do {                                                                                         \
        if (!(condition)) {                                                                      \
            fprintf(stderr, "%s:%d: fuzz_require(%s) failed\n", __FILE__, __LINE__, #condition); \
            abort();                                                                             \
        }                                                                                        \
    } while (0)

#endif /* RT_FUZZ_INPUT_H */
