/*
 * C tests of the core: pool, bitmaps, errors, SIMD dispatch and clamp.
 * Every SIMD variant the machine supports is checked against the scalar
 * reference. Built by `make c-test` and, under ASan + UBSan, `make c-test-asan`.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt/rt.h"
#include "check.h"

static void test_errors(void) {
    rt_error err;
    rt_error_clear(&err);
    CHECK(err.kind == RT_OK && err.message[0] == '\0');
    void *ptr = NULL;
    CHECK(rt_pool_alloc(-1, &ptr, &err) == RT_ERR_VALIDATION);
    CHECK(err.kind == RT_ERR_VALIDATION && strcmp(err.context, "rt_pool_alloc") == 0);
    CHECK(strlen(err.message) > 0);
    CHECK(rt_pool_alloc(-1, &ptr, NULL) == RT_ERR_VALIDATION); /* NULL error record is allowed */
    CHECK(rt_version(RT_COMPONENT_CORE) != NULL && rt_version(RT_COMPONENT_COUNT) == NULL);
    CHECK(strcmp(rt_component_name(RT_COMPONENT_MATH), "math") == 0);
    CHECK(rt_dtype_size(RT_DTYPE_FLOAT64) == 8 && rt_dtype_size(99) == 0);
}

static void test_pool_basics(void) {
    rt_error err;
    rt_pool_gc();
    rt_pool_reset_stats();
    void *a = NULL;
    CHECK(rt_pool_alloc(1000, &a, &err) == RT_OK);
    CHECK(a != NULL && ((uintptr_t)a & 63) == 0);
    CHECK(rt_pool_capacity(a) >= 1000 && rt_pool_capacity(a) <= 1250);
    memset(a, 0xAB, 1000);
    CHECK(rt_pool_free(a, &err) == RT_OK);
    void *b = NULL;
    CHECK(rt_pool_alloc(990, &b, &err) == RT_OK); /* same class: reuses a */
    CHECK(b == a);
    rt_pool_stats stats;
    rt_pool_get_stats(&stats);
    CHECK(stats.allocations == 2 && stats.hits == 1 && stats.misses == 1);
    CHECK(stats.memory_saved_bytes == rt_pool_capacity(b));
    CHECK(stats.bytes_in_use == rt_pool_capacity(b));
    CHECK(rt_pool_free(b, &err) == RT_OK);
    CHECK(rt_pool_free(b, &err) == RT_ERR_VALIDATION); /* double free while cached */
    CHECK(rt_pool_free(NULL, &err) == RT_OK);
    rt_pool_get_stats(&stats);
    CHECK(stats.cached_small == 0 && stats.cached_medium == 1 && stats.bytes_in_use == 0);
    CHECK(rt_pool_gc() > 0);
    rt_pool_get_stats(&stats);
    CHECK(stats.cached_medium == 0 && stats.cached_bytes == 0);
    void *zero = NULL;
    CHECK(rt_pool_alloc(0, &zero, &err) == RT_OK && zero != NULL);
    CHECK(rt_pool_free(zero, &err) == RT_OK);
    CHECK(rt_pool_alloc((int64_t)1 << 62, &zero, &err) == RT_ERR_MEMORY && zero == NULL);
    CHECK(rt_pool_alloc(8, NULL, &err) == RT_ERR_VALIDATION);
}

static void test_pool_classes(void) {
    rt_error err;
    int64_t previous = 0;
    for (int64_t n = 1; n < (1 << 22); n = n * 5 / 4 + 1) {
        void *p = NULL;
        CHECK(rt_pool_alloc(n, &p, &err) == RT_OK);
        int64_t capacity = rt_pool_capacity(p);
        CHECK(capacity >= n && (n <= 64 || capacity <= n + n / 4 + 64));
        CHECK(capacity >= previous);
        previous = capacity;
        memset(p, 1, (size_t)n);
        rt_pool_free(p, &err);
    }
    rt_pool_gc();
}

static void test_pool_limits(void) {
    rt_error err;
    CHECK(rt_pool_init(-1, 0, &err) == RT_ERR_VALIDATION);
    CHECK(rt_pool_init(2, (int64_t)1 << 30, &err) == RT_OK);
    void *blocks[4];
    for (int i = 0; i < 4; i++) {
        CHECK(rt_pool_alloc(100, &blocks[i], &err) == RT_OK);
    }
    for (int i = 0; i < 4; i++) {
        rt_pool_free(blocks[i], &err);
    }
    rt_pool_stats stats;
    rt_pool_get_stats(&stats);
    CHECK(stats.cached_small == 2); /* the other two went back to the system */
    rt_pool_set_enabled(0);
    rt_pool_get_stats(&stats);
    CHECK(stats.cached_small == 0 && stats.enabled == 0);
    void *p = NULL;
    rt_pool_alloc(100, &p, &err);
    rt_pool_free(p, &err);
    rt_pool_get_stats(&stats);
    CHECK(stats.cached_small == 0);
    rt_pool_set_enabled(1);
    CHECK(rt_pool_init(64, (int64_t)1 << 30, &err) == RT_OK);
}

static void test_pool_fail_after(void) {
    rt_error err;
    void *a = NULL, *b = NULL, *c = NULL;
    rt_pool_fail_after(2);
    CHECK(rt_pool_alloc(10, &a, &err) == RT_OK);
    CHECK(rt_pool_alloc(10, &b, &err) == RT_ERR_MEMORY && b == NULL && err.kind == RT_ERR_MEMORY);
    CHECK(rt_pool_alloc(10, &c, &err) == RT_OK); /* only the one allocation fails */
    rt_pool_free(a, &err);
    rt_pool_free(c, &err);
    double x[4] = {1, 2, 3, 4};
    rt_pool_fail_after(1);
    double q, half = 0.5;
    CHECK(rt_stats_quantiles(RT_DTYPE_FLOAT64, x, NULL, 0, 4, 1, &half, 1, &q, &err) == RT_ERR_MEMORY);
    rt_pool_fail_after(0);
    CHECK(rt_stats_quantiles(RT_DTYPE_FLOAT64, x, NULL, 0, 4, 1, &half, 1, &q, &err) == RT_OK && q == 2.5);
}

static void *pool_worker(void *arg) {
    (void)arg;
    rt_error err;
    for (int i = 0; i < 20000; i++) {
        void *p = NULL;
        int64_t n = 16 + (i * 37) % 5000;
        if (rt_pool_alloc(n, &p, &err) != RT_OK) {
            return (void *)1;
        }
        memset(p, i & 0xFF, (size_t)n);
        rt_pool_free(p, &err);
    }
    return NULL;
}

/* A memory limit makes allocations past it fail with RT_ERR_MEMORY; lifting it makes them work again. */
static void test_pool_memory_limit(void) {
    rt_error err;
    void *small = NULL;
    void *big = NULL;
    rt_pool_gc();
    rt_pool_set_memory_limit((int64_t)8 << 20);
    CHECK(rt_pool_alloc(1000, &small, &err) == RT_OK && small != NULL);
    CHECK(rt_pool_alloc((int64_t)16 << 20, &big, &err) == RT_ERR_MEMORY && big == NULL);
    CHECK(err.kind == RT_ERR_MEMORY);
    rt_pool_set_memory_limit(0);
    CHECK(rt_pool_alloc((int64_t)16 << 20, &big, &err) == RT_OK && big != NULL);
    CHECK(rt_pool_free(big, &err) == RT_OK && rt_pool_free(small, &err) == RT_OK);
    rt_pool_gc();
}

static void test_pool_threads(void) {
    rt_pool_reset_stats();
    pthread_t threads[4];
    for (int i = 0; i < 4; i++) {
        pthread_create(&threads[i], NULL, pool_worker, NULL);
    }
    int ok = 1;
    for (int i = 0; i < 4; i++) {
        void *result = NULL;
        pthread_join(threads[i], &result);
        ok = ok && result == NULL;
    }
    CHECK(ok);
    rt_pool_stats stats;
    rt_pool_get_stats(&stats);
    CHECK(stats.allocations == 80000 && stats.frees == 80000 && stats.bytes_in_use == 0);
    CHECK(stats.hits + stats.misses == stats.allocations);
    rt_pool_gc();
}

static int naive_bit(const uint8_t *bits, int64_t i) {
    return (bits[i / 8] >> (i % 8)) & 1;
}

static void test_bitmaps(void) {
    uint8_t src[16], dst[16];
    for (int i = 0; i < 16; i++) {
        src[i] = (uint8_t)(check_uniform() * 256);
    }
    rt_error err;
    for (int64_t offset = 0; offset < 20; offset++) {
        for (int64_t length = 0; offset + length <= 16 * 8; length++) {
            memset(dst, 0xFF, sizeof dst);
            CHECK(rt_bitmap_copy(src, offset, length, dst, &err) == RT_OK);
            int ok = 1;
            int64_t count = 0;
            for (int64_t i = 0; i < length; i++) {
                ok = ok && naive_bit(dst, i) == naive_bit(src, offset + i);
                count += naive_bit(src, offset + i);
            }
            for (int64_t i = length; i < (length + 7) / 8 * 8; i++) {
                ok = ok && naive_bit(dst, i) == 0;
            }
            CHECK(ok);
            CHECK(rt_bitmap_count_set(src, offset, length) == count);
        }
    }
    CHECK(rt_bitmap_copy(src, -1, 3, dst, &err) == RT_ERR_VALIDATION);
}

static void fill_special(double *x, int64_t n) {
    static const double specials[] = {NAN, INFINITY, -INFINITY, 0.0, -0.0, 1e-310, -1e-310, 1e300};
    for (int64_t i = 0; i < n; i++) {
        x[i] = (check_uniform() - 0.5) * 10.0;
        if (i % 7 == 3) {
            x[i] = specials[(i / 7) % 8];
        }
    }
}

static void test_clamp_level(int32_t level) {
    rt_error err;
    CHECK(rt_force_impl(level, &err) == RT_OK);
    CHECK(rt_simd_active() == level);
    enum { N = 300 };
    double x64[N], got64[N], want64[N];
    float x32[N], got32[N], want32[N];
    fill_special(x64, N);
    for (int i = 0; i < N; i++) {
        x32[i] = (float)x64[i];
    }
    for (int64_t offset = 0; offset < 3; offset++) {
        for (int64_t n = 0; n + offset <= N; n += (n < 40 ? 1 : 37)) {
            CHECK(rt_math_clamp(RT_DTYPE_FLOAT64, x64, offset, n, -2.0, 3.5, got64, &err) == RT_OK);
            CHECK(rt_math_clamp(RT_DTYPE_FLOAT32, x32, offset, n, -2.0, 3.5, got32, &err) == RT_OK);
            rt_force_impl(RT_SIMD_SCALAR, &err);
            rt_math_clamp(RT_DTYPE_FLOAT64, x64, offset, n, -2.0, 3.5, want64, &err);
            rt_math_clamp(RT_DTYPE_FLOAT32, x32, offset, n, -2.0, 3.5, want32, &err);
            rt_force_impl(level, &err);
            int ok = 1;
            for (int64_t i = 0; i < n; i++) {
                ok = ok && check_same_value(got64[i], want64[i]) && check_same_value(got32[i], want32[i]);
                double v = x64[offset + i];
                double expect = isnan(v) ? NAN : fmin(fmax(v, -2.0), 3.5);
                ok = ok && (isnan(expect) ? isnan(got64[i]) : got64[i] == expect);
            }
            CHECK(ok);
        }
    }
}

static void test_clamp(void) {
    rt_error err;
    for (int32_t level = RT_SIMD_SCALAR; level <= RT_SIMD_WASM128; level++) {
        if (rt_simd_supported(level)) {
            printf("clamp: testing SIMD level %s\n", rt_simd_name(level));
            test_clamp_level(level);
        } else {
            CHECK(rt_force_impl(level, &err) == RT_ERR_CONFIGURATION);
        }
    }
    CHECK(rt_force_impl(-1, &err) == RT_OK && rt_simd_active() == rt_simd_best());
    double x[2] = {1, 2}, out[2];
    CHECK(rt_math_clamp(RT_DTYPE_FLOAT64, x, 0, 2, 3.0, 1.0, out, &err) == RT_ERR_VALIDATION);
    CHECK(rt_math_clamp(RT_DTYPE_FLOAT64, x, 0, 2, NAN, 1.0, out, &err) == RT_ERR_VALIDATION);
    CHECK(rt_math_clamp(RT_DTYPE_INT64, x, 0, 2, 0.0, 1.0, out, &err) == RT_ERR_VALIDATION);
    CHECK(rt_math_clamp(RT_DTYPE_FLOAT64, x, -1, 2, 0.0, 1.0, out, &err) == RT_ERR_VALIDATION);
    CHECK(rt_math_clamp(RT_DTYPE_FLOAT64, NULL, 0, 2, 0.0, 1.0, out, &err) == RT_ERR_VALIDATION);
    CHECK(rt_math_clamp(RT_DTYPE_FLOAT64, NULL, 0, 0, 0.0, 1.0, NULL, &err) == RT_OK);
    CHECK(rt_math_clamp(RT_DTYPE_FLOAT64, x, 0, 2, -INFINITY, INFINITY, out, &err) == RT_OK);
    CHECK(out[0] == 1.0 && out[1] == 2.0);
}

int main(void) {
    test_errors();
    test_pool_basics();
    test_pool_classes();
    test_pool_limits();
    test_pool_threads();
    test_pool_fail_after();
    test_pool_memory_limit();
    test_bitmaps();
    test_clamp();
    return check_report("test_core");
}
