/* 64-bit hashing shared by the quality kernels (not part of the ABI). */
#ifndef RT_QUALITY_HASH_H
#define RT_QUALITY_HASH_H

#include <stdint.h>

/* What a missing value contributes to a row hash. */
#define RT_NULL_ROW_HASH 0x6A09E667F3BCC909ull

/* The bits of v + 0.0: -0.0 becomes +0.0, so the two zeros key and hash alike (no branch). */
static inline uint64_t rt_double_bits(double v) {
    v += 0.0;
    uint64_t bits;
    __builtin_memcpy(&bits, &v, sizeof bits);
    return bits;
}

/* MurmurHash3's 64-bit finaliser: every input bit affects every output bit. */
static inline uint64_t rt_mix64(uint64_t h) {
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 33;
    return h;
}

/* Order-dependent combination (a row hash must tell (a, b) from (b, a)). */
static inline uint64_t rt_hash_combine(uint64_t seed, uint64_t h) {
    return rt_mix64(seed * 0x9E3779B97F4A7C15ull + h + 0x632BE59BD9B4E019ull);
}

/*
 * Cheaper combination for row hashes: h is already a mixed 64-bit hash, so a
 * rotation, an xor and a multiplication by an odd constant (each a
 * bijection) keep rows apart without a second full mix per value.
 */
static inline uint64_t rt_row_combine(uint64_t row, uint64_t h) {
    return (((row << 29) | (row >> 35)) ^ h) * 0x9E3779B97F4A7C15ull;
}

/*
 * HyperLogLog: the register of a key's hash takes the position of the first
 * 1 bit among its low 64 - precision bits (64 - precision + 1 if none), if
 * larger; nothing changes when `take` is 0 (no branch on it).
 */
static inline void rt_hll_update(uint8_t *registers, int precision, uint64_t key, int take) {
    uint64_t h = rt_mix64(key ^ 0x243F6A8885A308D3ull);
    int q = 64 - precision;
    uint64_t rest = h << precision; /* the q low bits, moved to the top */
    uint8_t rank = rest == 0 ? (uint8_t)(q + 1) : (uint8_t)(__builtin_clzll(rest) + 1);
    rank = (uint8_t)(rank * take);
    uint64_t index = h >> q;
    registers[index] = rank > registers[index] ? rank : registers[index];
}

/* Hash of a byte string: 8 bytes per multiply-mix step, then the length and the tail. */
static inline uint64_t rt_hash_bytes(const uint8_t *s, int64_t n) {
    uint64_t h = 0xCBF29CE484222325ull ^ ((uint64_t)n * 0x9E3779B97F4A7C15ull);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t word;
        __builtin_memcpy(&word, s + i, 8);
        h = (h ^ rt_mix64(word)) * 0x9FB21C651E98DF25ull;
        h ^= h >> 29;
    }
    uint64_t tail = 0;
    for (int64_t k = 0; i + k < n; k++) {
        tail |= (uint64_t)s[i + k] << (8 * k);
    }
    return rt_mix64(h ^ rt_mix64(tail + 0x2545F4914F6CDD1Dull));
}

#endif /* RT_QUALITY_HASH_H */
