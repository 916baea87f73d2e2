/* C tests of csrc/transform: every SIMD level against the scalar reference, fixtures, bad input. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rt/rt.h"

enum { B = 2, H = 23, W = 29, C = 3, OH = 11, OW = 37 };

static void fill(uint8_t *u8, float *f32, double *f64, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        double v = check_uniform();
        u8[i] = (uint8_t)(v * 255.999);
        f32[i] = (float)v;
        f64[i] = v * 100 - 50;
    }
}

/* Runs `level` and returns 1 when its outputs equal the scalar reference's bit for bit. */
static int same_as_scalar(int32_t level, const uint8_t *u8, const float *f32, const double *f64) {
    static const double mean[C] = {0.485, 0.456, 0.406}, std_dev[C] = {0.229, 0.224, 0.225};
    enum { N = B * H * W * C, M = B * OH * OW * C };
    static float norm_ref[2][N], norm_got[2][N];
    static double norm64_ref[N], norm64_got[N];
    static float resize_ref[4][M], resize_got[4][M];
    static uint8_t resize8_ref[4][M], resize8_got[4][M], resize8_hwc_ref[4][M], resize8_hwc_got[4][M];
    rt_error err;
    int same = 1;
    for (int pass = 0; pass < 2; pass++) {
        CHECK(rt_force_impl(pass == 0 ? RT_SIMD_SCALAR : level, &err) == RT_OK);
        float (*norm)[N] = pass == 0 ? norm_ref : norm_got;
        double *norm64 = pass == 0 ? norm64_ref : norm64_got;
        float (*rf)[M] = pass == 0 ? resize_ref : resize_got;
        uint8_t (*r8)[M] = pass == 0 ? resize8_ref : resize8_got;
        uint8_t (*r8_hwc)[M] = pass == 0 ? resize8_hwc_ref : resize8_hwc_got;
        for (int32_t layout = 0; layout < 2; layout++) {
            CHECK(rt_transform_normalize(RT_DTYPE_UINT8, u8, B, H, W, C, layout, mean, std_dev, 1 / 255.0, norm[layout],
                                         &err) == RT_OK);
        }
        CHECK(rt_transform_normalize(RT_DTYPE_FLOAT64, f64, B, H, W, C, RT_LAYOUT_HWC, mean, std_dev, 1.0, norm64,
                                     &err) == RT_OK);
        for (int32_t mode = 0; mode < 4; mode++) {
            CHECK(rt_transform_resize(RT_DTYPE_FLOAT32, f32, B, H, W, C, RT_LAYOUT_HWC, OH, OW, mode, rf[mode], &err)
                  == RT_OK);
            CHECK(rt_transform_resize(RT_DTYPE_UINT8, u8, B, H, W, C, RT_LAYOUT_CHW, OH, OW, mode, r8[mode], &err)
                  == RT_OK);
            CHECK(rt_transform_resize(RT_DTYPE_UINT8, u8, B, H, W, C, RT_LAYOUT_HWC, OH, OW, mode, r8_hwc[mode], &err)
                  == RT_OK);
        }
    }
    /* the hash at every length around the short / long boundary and the stripe and block sizes */
    for (int64_t n = 200; n <= N; n += n < 1100 ? 1 : 97) {
        uint64_t ref[2], got[2];
        CHECK(rt_force_impl(RT_SIMD_SCALAR, &err) == RT_OK);
        CHECK(rt_transform_hash128(u8, n, (uint64_t)n, ref, &err) == RT_OK);
        CHECK(rt_force_impl(level, &err) == RT_OK);
        CHECK(rt_transform_hash128(u8, n, (uint64_t)n, got, &err) == RT_OK);
        same &= ref[0] == got[0] && ref[1] == got[1];
    }
    same &= memcmp(norm_ref, norm_got, sizeof norm_ref) == 0;
    same &= memcmp(norm64_ref, norm64_got, sizeof norm64_ref) == 0;
    same &= memcmp(resize_ref, resize_got, sizeof resize_ref) == 0;
    same &= memcmp(resize8_ref, resize8_got, sizeof resize8_ref) == 0;
    same &= memcmp(resize8_hwc_ref, resize8_hwc_got, sizeof resize8_hwc_ref) == 0;
    rt_force_impl(-1, &err);
    return same;
}

static void test_simd_levels(void) {
    enum { N = B * H * W * C };
    static uint8_t u8[N];
    static float f32[N];
    static double f64[N];
    fill(u8, f32, f64, N);
    for (int32_t level = RT_SIMD_AVX2; level <= RT_SIMD_WASM128; level++) {
        if (rt_simd_supported(level)) {
            CHECK(same_as_scalar(level, u8, f32, f64));
        }
    }
}

/*
 * Three-channel bilinear shrinks whose columns the RGB kernels cover (8-value
 * loads at each pixel's left tap; float32's last pixel stores exactly three
 * values), in buffers of exactly the image's size so the sanitizers see any
 * read or write past them; odd and even output row counts (float32 does two
 * rows at a time). Every level against the scalar reference, float32 and uint8.
 */
static void test_resize_rgb_exact_buffers(void) {
    enum { SH = 40, SW = 40, SN = SH * SW * 3 };
    static const int64_t sizes[][2] = {{11, 13}, {12, 13}, {1, 13}, {39, 39}};
    static const int32_t dtypes[] = {RT_DTYPE_FLOAT32, RT_DTYPE_UINT8};
    float *f32 = malloc(sizeof(float) * SN);
    uint8_t *u8 = malloc(SN);
    CHECK(f32 != NULL && u8 != NULL);
    for (int64_t i = 0; i < SN && f32 && u8; i++) {
        f32[i] = (float)check_uniform();
        u8[i] = (uint8_t)(f32[i] * 255.999f);
    }
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0] * 2 && f32 && u8; k++) {
        int32_t dtype = dtypes[k % 2];
        const void *src = dtype == RT_DTYPE_UINT8 ? (const void *)u8 : (const void *)f32;
        size_t bytes = (size_t)(sizes[k / 2][0] * sizes[k / 2][1] * 3) * (dtype == RT_DTYPE_UINT8 ? 1 : sizeof(float));
        void *ref = malloc(bytes), *got = malloc(bytes);
        rt_error err;
        CHECK(ref != NULL && got != NULL);
        CHECK(rt_force_impl(RT_SIMD_SCALAR, &err) == RT_OK);
        CHECK(rt_transform_resize(dtype, src, 1, SH, SW, 3, RT_LAYOUT_HWC, sizes[k / 2][0], sizes[k / 2][1],
                                  RT_INTERP_BILINEAR, ref, &err) == RT_OK);
        for (int32_t level = RT_SIMD_AVX2; level <= RT_SIMD_WASM128; level++) {
            if (ref && got && rt_simd_supported(level)) {
                CHECK(rt_force_impl(level, &err) == RT_OK);
                CHECK(rt_transform_resize(dtype, src, 1, SH, SW, 3, RT_LAYOUT_HWC, sizes[k / 2][0], sizes[k / 2][1],
                                          RT_INTERP_BILINEAR, got, &err) == RT_OK);
                CHECK(memcmp(ref, got, bytes) == 0);
            }
        }
        rt_force_impl(-1, &err);
        free(ref);
        free(got);
    }
    free(f32);
    free(u8);
}

static void test_fixtures(void) {
    rt_error err;
    /* 2x2 -> 1x1 area is the mean; bilinear 1x2 -> 1x4 follows OpenCV's pixel centres. */
    float square[4] = {1, 2, 3, 6}, mean_out[1];
    CHECK(rt_transform_resize(RT_DTYPE_FLOAT32, square, 1, 2, 2, 1, RT_LAYOUT_HWC, 1, 1, RT_INTERP_AREA, mean_out,
                              &err) == RT_OK && mean_out[0] == 3.0f);
    uint8_t pair[2] = {0, 100}, wide[4];
    CHECK(rt_transform_resize(RT_DTYPE_UINT8, pair, 1, 1, 2, 1, RT_LAYOUT_HWC, 1, 4, RT_INTERP_BILINEAR, wide, &err)
          == RT_OK);
    CHECK(wide[0] == 0 && wide[1] == 25 && wide[2] == 75 && wide[3] == 100);
    /* center crop of 1..9 to 1x1 is 5; 1x1 to 2x3 pads (excess // 2 before). */
    int32_t nine[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, centre[1], padded[6];
    CHECK(rt_transform_center_crop(RT_DTYPE_INT32, nine, 1, 3, 3, 1, RT_LAYOUT_HWC, 1, 1, centre, &err) == RT_OK);
    CHECK(centre[0] == 5);
    CHECK(rt_transform_center_crop(RT_DTYPE_INT32, nine + 4, 1, 1, 1, 1, RT_LAYOUT_HWC, 2, 3, padded, &err) == RT_OK);
    CHECK(padded[0] == 0 && padded[1] == 5 && padded[2] == 0 && padded[3] == 0 && padded[5] == 0);
    /* XXH64 reference values: "" and "abc" with seed 0. */
    uint64_t h64;
    CHECK(rt_transform_hash(NULL, 0, 0, &h64, &err) == RT_OK && h64 == 0xEF46DB3751D8E999ull);
    CHECK(rt_transform_hash("abc", 3, 0, &h64, &err) == RT_OK && h64 == 0x44BC2CF5AD770999ull);
    /* XXH3-128 reference values (python-xxhash's xxh3_128): "", "abc", bytes 0..255 four times (seeds 0, 7). */
    uint64_t h[2];
    CHECK(rt_transform_hash128(NULL, 0, 0, h, &err) == RT_OK && h[0] == 0x6001C324468D497Full
          && h[1] == 0x99AA06D3014798D8ull);
    CHECK(rt_transform_hash128("abc", 3, 0, h, &err) == RT_OK && h[0] == 0x78AF5F94892F3950ull
          && h[1] == 0x06B05AB6733A6185ull);
    uint8_t bytes[1024];
    for (int i = 0; i < 1024; i++) bytes[i] = (uint8_t)i;
    for (int32_t level = RT_SIMD_SCALAR; level <= RT_SIMD_WASM128; level++) {
        if (!rt_simd_supported(level)) continue;
        CHECK(rt_force_impl(level, &err) == RT_OK);
        CHECK(rt_transform_hash128(bytes, 1024, 0, h, &err) == RT_OK && h[0] == 0xA870F92984398D22ull
              && h[1] == 0x83885E853BB6640Cull);
        CHECK(rt_transform_hash128(bytes, 1024, 7, h, &err) == RT_OK && h[0] == 0xF196329C653020F8ull
              && h[1] == 0x48D04D5A6A05313Bull);
    }
    rt_force_impl(-1, &err);
}

static void test_bad_input(void) {
    rt_error err;
    float x[12] = {0}, out[12];
    double mean[3] = {0, 0, 0}, zero_std[3] = {1, 0, 1}, std_dev[3] = {1, 1, 1};
    CHECK(rt_transform_normalize(RT_DTYPE_FLOAT32, x, 1, 2, 2, 3, 0, mean, zero_std, 1, out, &err) == RT_ERR_VALIDATION);
    CHECK(strstr(err.message, "std") != NULL);
    CHECK(rt_transform_normalize(RT_DTYPE_INT32, x, 1, 2, 2, 3, 0, mean, std_dev, 1, out, &err) == RT_ERR_VALIDATION);
    CHECK(rt_transform_normalize(RT_DTYPE_FLOAT32, x, 1, 2, 2, 3, 0, NULL, std_dev, 1, out, &err) == RT_ERR_VALIDATION);
    CHECK(rt_transform_resize(RT_DTYPE_FLOAT32, x, 1, 0, 2, 3, 0, 2, 2, 1, out, &err) == RT_ERR_VALIDATION);
    CHECK(rt_transform_resize(RT_DTYPE_FLOAT32, x, 1, 2, 2, 3, 0, 2, -2, 1, out, &err) == RT_ERR_VALIDATION);
    CHECK(rt_transform_resize(RT_DTYPE_FLOAT32, x, 1, 2, 2, 3, 5, 2, 2, 1, out, &err) == RT_ERR_VALIDATION);
    CHECK(rt_transform_resize(RT_DTYPE_FLOAT32, x, 1, 2, 2, 3, 0, 2, 2, 7, out, &err) == RT_ERR_VALIDATION);
    CHECK(rt_transform_resize(RT_DTYPE_FLOAT32, x, INT64_MAX / 2, 2, 2, 3, 0, 1, 1, 1, out, &err) == RT_ERR_VALIDATION);
    /* An empty batch of images whose one-image size overflows (found by fuzz_transform). */
    CHECK(rt_transform_resize(RT_DTYPE_FLOAT32, x, 0, INT32_MAX, INT32_MAX, INT32_MAX, 0, 1, 1, 1, out, &err) == RT_ERR_VALIDATION);
    CHECK(rt_transform_center_crop(RT_DTYPE_UINT8, x, 0, 2, 2, INT32_MAX, 0, INT32_MAX, INT32_MAX, out, &err) == RT_ERR_VALIDATION);
    CHECK(rt_transform_resize(RT_DTYPE_FLOAT32, x, 1, 2, 2, 3, 0, 1, 1, 1, NULL, &err) == RT_ERR_VALIDATION);
    CHECK(rt_transform_center_crop(0, x, 1, 2, 2, 3, 0, 1, 1, out, &err) == RT_ERR_VALIDATION);
    CHECK(rt_transform_hash(x, -1, 0, NULL, &err) == RT_ERR_VALIDATION);
    CHECK(rt_transform_hash128(x, -1, 0, NULL, &err) == RT_ERR_VALIDATION);
    CHECK(rt_transform_hash128(NULL, 4, 0, (uint64_t *)out, &err) == RT_ERR_VALIDATION);
    /* An empty batch is fine and touches nothing. */
    CHECK(rt_transform_resize(RT_DTYPE_FLOAT32, NULL, 0, 2, 2, 3, 0, 1, 1, 1, NULL, &err) == RT_OK);
}

int main(void) {
    test_simd_levels();
    test_resize_rgb_exact_buffers();
    test_fixtures();
    test_bad_input();
    rt_pool_stats stats;
    rt_pool_get_stats(&stats);
    CHECK(stats.bytes_in_use == 0); /* every plan and pattern buffer went back */
    rt_pool_gc();
    return check_report("test_transform");
}
