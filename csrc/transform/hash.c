/*
 * XXH64 (Yann Collet's xxHash, 64-bit variant), written from its published
 * specification, for the transform pipeline's content-addressed cache: four
 * independent lanes keep the multipliers busy, so it runs near memory speed.
 * Values equal those of the reference library (tests compare with it).
 */
#include "rt/transform.h"

#include "../core/internal.h"

static const uint64_t PRIME1 = 0x9E3779B185EBCA87ull;
static const uint64_t PRIME2 = 0xC2B2AE3D27D4EB4Full;
static const uint64_t PRIME3 = 0x165667B19E3779F9ull;
static const uint64_t PRIME4 = 0x85EBCA77C2B2AE63ull;
static const uint64_t PRIME5 = 0x27D4EB2F165667C5ull;

static uint64_t rotl(uint64_t x, int r) {
    return (x << r) | (x >> (64 - r));
}

/* Little-endian reads at any alignment (__builtin_memcpy: no libc in wasm; x86, aarch64 and wasm are little-endian). */
static uint64_t read64(const uint8_t *p) {
    uint64_t v;
    __builtin_memcpy(&v, p, 8);
    return v;
}

static uint32_t read32(const uint8_t *p) {
    uint32_t v;
    __builtin_memcpy(&v, p, 4);
    return v;
}

static uint64_t round64(uint64_t acc, uint64_t input) {
    acc += input * PRIME2;
    return rotl(acc, 31) * PRIME1;
}

static uint64_t merge_round(uint64_t acc, uint64_t lane) {
    acc ^= round64(0, lane);
    return acc * PRIME1 + PRIME4;
}

static uint64_t xxh64(const uint8_t *p, uint64_t n, uint64_t seed) {
    const uint8_t *end = p + n;
    uint64_t h;
    if (n >= 32) {
        uint64_t v1 = seed + PRIME1 + PRIME2, v2 = seed + PRIME2, v3 = seed, v4 = seed - PRIME1;
        for (; p + 32 <= end; p += 32) {
            v1 = round64(v1, read64(p));
            v2 = round64(v2, read64(p + 8));
            v3 = round64(v3, read64(p + 16));
            v4 = round64(v4, read64(p + 24));
        }
        h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
        h = merge_round(h, v1);
        h = merge_round(h, v2);
        h = merge_round(h, v3);
        h = merge_round(h, v4);
    } else {
        h = seed + PRIME5;
    }
    h += n;
    for (; p + 8 <= end; p += 8) {
        h ^= round64(0, read64(p));
        h = rotl(h, 27) * PRIME1 + PRIME4;
    }
    if (p + 4 <= end) {
        h ^= (uint64_t)read32(p) * PRIME1;
        h = rotl(h, 23) * PRIME2 + PRIME3;
        p += 4;
    }
    for (; p < end; p++) {
        h ^= (*p) * PRIME5;
        h = rotl(h, 11) * PRIME1;
    }
    h ^= h >> 33;
    h *= PRIME2;
    h ^= h >> 29;
    h *= PRIME3;
    h ^= h >> 32;
    return h;
}

rt_status rt_transform_hash(const void *data, int64_t nbytes, uint64_t seed, uint64_t *out, rt_error *err) {
    const char *context = "rt_transform_hash";
    if (nbytes < 0) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "nbytes must not be negative");
    }
    if ((nbytes > 0 && data == NULL) || out == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "data and out must not be NULL");
    }
    static const uint8_t nothing[1] = {0};
    *out = xxh64(nbytes ? (const uint8_t *)data : nothing, (uint64_t)nbytes, seed);
    return RT_OK;
}
