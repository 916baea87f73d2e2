/*
 * Hashes from the official xxHash (csrc/vendor/xxhash/xxhash.h, BSD-2):
 * XXH64 (rt_transform_hash, a checksum) and, for the pipeline cache's
 * content keys, XXH3 128-bit (rt_transform_hash128), which runs at memory
 * speed with SIMD.
 *
 * Inputs of up to 240 bytes take xxHash's own short paths (no SIMD). Longer
 * ones run xxHash's long loop with the accumulate / scramble step of the
 * active SIMD level: xxHash's scalar code (the reference), its AVX2 code
 * compiled with a target attribute (as its xxh_x86dispatch.c does, so the
 * binary needs no -mavx2), or the wasm simd128 step below. The AVX-512
 * level runs the AVX2 loop: xxHash's AVX-512 one measured slower here
 * (Zen 4: 22 against 29 GB/s on 77 MB, 45 against 47 GB/s in cache).
 * All levels give the reference library's value (tests compare with it).
 */
#include "rt/simd.h"
#include "rt/transform.h"

#include "../core/internal.h"

#define XXH_INLINE_ALL     /* everything static in this file: nothing exported */
#define XXH_NO_STDLIB      /* no malloc: the state-creating functions are not used */
#define XXH_VECTOR XXH_SCALAR /* the default long loop; the SIMD ones are chosen at run time */
#if RT_ARCH_X86
#include <immintrin.h> /* xxhash.h includes it only for a compile-time SIMD choice */
#define XXH_X86DISPATCH    /* as xxh_x86dispatch.c: accumulators and secrets 64-byte aligned */
#define XXH_DISPATCH_AVX2 1
#define XXH_TARGET_AVX2 RT_TARGET_AVX2
#endif
#if RT_ARCH_WASM_SIMD
#define XXH_HAS_INCLUDE(header) 0 /* else it takes clang's arm_neon.h for a SIMDe polyfill it is not */
#endif
#include "../vendor/xxhash/xxhash.h"

#if RT_ARCH_WASM_SIMD
#include <wasm_simd128.h>

/*
 * XXH3's accumulate step on two 64-bit lanes at a time, as
 * XXH3_scalarRound computes it per lane: acc[i ^ 1] += data[i];
 * acc[i] += lo32(data[i] ^ key[i]) * hi32(data[i] ^ key[i]).
 */
static void XXH3_accumulate_512_wasm(void *XXH_RESTRICT acc, const void *XXH_RESTRICT input,
                                     const void *XXH_RESTRICT secret) {
    v128_t *xacc = (v128_t *)acc;
    const uint8_t *xinput = (const uint8_t *)input, *xsecret = (const uint8_t *)secret;
    for (size_t i = 0; i < XXH_STRIPE_LEN / 16; i++) {
        v128_t data = wasm_v128_load(xinput + 16 * i);
        v128_t data_key = wasm_v128_xor(data, wasm_v128_load(xsecret + 16 * i));
        v128_t swapped = wasm_i64x2_shuffle(data, data, 1, 0);
        v128_t lo_hi = wasm_i32x4_shuffle(data_key, data_key, 0, 2, 1, 3); /* lo0 lo1 hi0 hi1 */
        v128_t product = wasm_u64x2_extmul_low_u32x4(lo_hi, wasm_i64x2_shuffle(lo_hi, lo_hi, 1, 0));
        xacc[i] = wasm_i64x2_add(xacc[i], wasm_i64x2_add(product, swapped));
    }
}

/* XXH3's scramble step (XXH3_scalarScrambleRound) on two lanes at a time. */
static void XXH3_scrambleAcc_wasm(void *XXH_RESTRICT acc, const void *XXH_RESTRICT secret) {
    v128_t *xacc = (v128_t *)acc;
    const uint8_t *xsecret = (const uint8_t *)secret;
    for (size_t i = 0; i < XXH_STRIPE_LEN / 16; i++) {
        v128_t a = xacc[i];
        a = wasm_v128_xor(a, wasm_u64x2_shr(a, 47));
        a = wasm_v128_xor(a, wasm_v128_load(xsecret + 16 * i));
        xacc[i] = wasm_i64x2_mul(a, wasm_i64x2_splat(XXH_PRIME32_1));
    }
}

XXH_FORCE_INLINE XXH3_ACCUMULATE_TEMPLATE(wasm)
#endif

/* The long loop (more than 240 bytes) of each level, in the signature XXH3_128bits_internal takes. */
#define HASH_LONG(suffix, target)                                                                        \
    XXH_NO_INLINE target XXH128_hash_t hash_long_##suffix(const void *XXH_RESTRICT input, size_t len,     \
                                                          XXH64_hash_t seed, const void *XXH_RESTRICT s,  \
                                                          size_t s_len) {                                 \
        (void)s;                                                                                          \
        (void)s_len;                                                                                      \
        return XXH3_hashLong_128b_withSeed_internal(input, len, seed, XXH3_accumulate_##suffix,           \
                                                    XXH3_scrambleAcc_##suffix,                            \
                                                    XXH3_initCustomSecret_##suffix);                      \
    }

HASH_LONG(scalar, )
#if RT_ARCH_X86
HASH_LONG(avx2, RT_TARGET_AVX2)
#endif
#if RT_ARCH_WASM_SIMD
/* No simd128 secret initialisation in xxHash: the scalar one (once per seeded call) serves. */
#define XXH3_initCustomSecret_wasm XXH3_initCustomSecret_scalar
HASH_LONG(wasm, )
#endif

typedef XXH128_hash_t (*hash_long_fn)(const void *XXH_RESTRICT, size_t, XXH64_hash_t, const void *XXH_RESTRICT,
                                      size_t);

static hash_long_fn pick_hash_long(void) {
    switch (rt_simd_active()) {
#if RT_ARCH_X86
    case RT_SIMD_AVX512:
    case RT_SIMD_AVX2:
        return hash_long_avx2;
#endif
#if RT_ARCH_WASM_SIMD
    case RT_SIMD_WASM128:
        return hash_long_wasm;
#endif
    default:
        return hash_long_scalar;
    }
}

/* The checks both hashes share. */
static rt_status check_hash_args(const char *context, const void *data, int64_t nbytes, const uint64_t *out,
                                 rt_error *err) {
    if (nbytes < 0) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "nbytes must not be negative");
    }
    if ((nbytes > 0 && data == NULL) || out == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "data and out must not be NULL");
    }
    if ((uint64_t)nbytes > SIZE_MAX) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "nbytes does not fit this address space");
    }
    return RT_OK;
}

static const uint8_t nothing[1] = {0};

rt_status rt_transform_hash(const void *data, int64_t nbytes, uint64_t seed, uint64_t *out, rt_error *err) {
    RT_RETURN_NOT_OK(check_hash_args("rt_transform_hash", data, nbytes, out, err));
    *out = XXH64(nbytes ? data : nothing, (size_t)nbytes, seed);
    return RT_OK;
}

rt_status rt_transform_hash128(const void *data, int64_t nbytes, uint64_t seed, uint64_t *out, rt_error *err) {
    RT_RETURN_NOT_OK(check_hash_args("rt_transform_hash128", data, nbytes, out, err));
    XXH128_hash_t h = XXH3_128bits_internal(nbytes ? data : nothing, (size_t)nbytes, seed, XXH3_kSecret,
                                            sizeof(XXH3_kSecret), pick_hash_long());
    out[0] = h.low64;
    out[1] = h.high64;
    return RT_OK;
}
