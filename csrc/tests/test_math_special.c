/*
 * Part-B math kernels (asin, acos, atan, atan2, erf, erfc, gamma, lgamma):
 * C99 Annex F special values at every SIMD level, every variant equal to the
 * scalar reference on random data (all lengths, so every tail path runs),
 * and argument checks. Accuracy against mpmath is tested from Python.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "rt/rt.h"

typedef rt_status (*unary_fn)(int32_t, const void *, int64_t, int64_t, void *, rt_error *);

static const struct {
    const char *name;
    unary_fn fn;
} UNARY[] = {
    {"asin", rt_math_asin},
    {"acos", rt_math_acos},
    {"atan", rt_math_atan},
};
enum { N_UNARY = sizeof UNARY / sizeof UNARY[0] };

static double run1(unary_fn fn, double x) {
    double out = 0;
    CHECK(fn(RT_DTYPE_FLOAT64, &x, 0, 1, &out, NULL) == RT_OK);
    return out;
}

static float run1f(unary_fn fn, float x) {
    float out = 0;
    CHECK(fn(RT_DTYPE_FLOAT32, &x, 0, 1, &out, NULL) == RT_OK);
    return out;
}

static double atan2_1(double y, double x) {
    double out = 0;
    CHECK(rt_math_atan2(RT_DTYPE_FLOAT64, &y, 0, 1, &x, 0, 1, 1, &out, NULL) == RT_OK);
    return out;
}

static float atan2_1f(float y, float x) {
    float out = 0;
    CHECK(rt_math_atan2(RT_DTYPE_FLOAT32, &y, 0, 1, &x, 0, 1, 1, &out, NULL) == RT_OK);
    return out;
}

/* Expected value and the input for one Annex F case. */
struct special {
    double x, want;
};

static void check_specials(const char *name, unary_fn fn, const struct special *cases, int n) {
    for (int i = 0; i < n; i++) {
        double got = run1(fn, cases[i].x);
        float gotf = run1f(fn, (float)cases[i].x);
        int ok = check_same_value(got, cases[i].want) && check_same_value(gotf, (float)cases[i].want);
        CHECK(ok);
        if (!ok) {
            fprintf(stderr, "  %s(%a) = %a / %a (float32), want %a\n", name, cases[i].x, got, (double)gotf,
                    cases[i].want);
        }
    }
}

static void test_inverse_trig_specials(void) {
    const double inf = INFINITY, nan_ = NAN, pio2 = 0x1.921fb54442d18p+0, pi = 0x1.921fb54442d18p+1;
    const struct special asin_cases[] = {
        {0.0, 0.0}, {-0.0, -0.0}, {1.0, pio2}, {-1.0, -pio2}, {nan_, nan_}, {inf, nan_}, {-inf, nan_},
        {1.0000001, nan_}, {-2.0, nan_}, {0x1p-1074, 0x1p-1074}, {-0x1p-1060, -0x1p-1060},
    };
    const struct special acos_cases[] = {
        {1.0, 0.0}, {-1.0, pi}, {0.0, pio2}, {-0.0, pio2}, {nan_, nan_}, {inf, nan_}, {-inf, nan_}, {1.5, nan_},
        {0x1p-1074, pio2},
    };
    const struct special atan_cases[] = {
        {0.0, 0.0}, {-0.0, -0.0}, {inf, pio2}, {-inf, -pio2}, {nan_, nan_}, {1e300, pio2}, {-1e300, -pio2},
        {0x1p-1074, 0x1p-1074}, {-0x1p-1074, -0x1p-1074}, {1.0, 0x1.921fb54442d18p-1},
    };
    check_specials("asin", rt_math_asin, asin_cases, sizeof asin_cases / sizeof asin_cases[0]);
    check_specials("acos", rt_math_acos, acos_cases, sizeof acos_cases / sizeof acos_cases[0]);
    check_specials("atan", rt_math_atan, atan_cases, sizeof atan_cases / sizeof atan_cases[0]);
}

static void test_atan2_specials(void) {
    const double inf = INFINITY, pio2 = 0x1.921fb54442d18p+0, pi = 0x1.921fb54442d18p+1;
    const double pio4 = 0x1.921fb54442d18p-1, tpio4 = 0x1.2d97c7f3321d2p+1;
    const struct {
        double y, x, want;
    } cases[] = {
        /* Annex F.10.1.4, every signed zero / infinity pair. */
        {0.0, -0.0, pi}, {-0.0, -0.0, -pi}, {0.0, 0.0, 0.0}, {-0.0, 0.0, -0.0},
        {0.0, -1.0, pi}, {-0.0, -1.0, -pi}, {0.0, 1.0, 0.0}, {-0.0, 1.0, -0.0},
        {0.0, -inf, pi}, {-0.0, -inf, -pi}, {0.0, inf, 0.0}, {-0.0, inf, -0.0},
        {-1.0, 0.0, -pio2}, {-1.0, -0.0, -pio2}, {1.0, 0.0, pio2}, {1.0, -0.0, pio2},
        {1.0, -inf, pi}, {-1.0, -inf, -pi}, {1.0, inf, 0.0}, {-1.0, inf, -0.0},
        {inf, 1.0, pio2}, {-inf, 1.0, -pio2}, {inf, -1.0, pio2}, {inf, 0.0, pio2}, {-inf, -0.0, -pio2},
        {inf, -inf, tpio4}, {-inf, -inf, -tpio4}, {inf, inf, pio4}, {-inf, inf, -pio4},
        {NAN, 1.0, NAN}, {1.0, NAN, NAN}, {NAN, NAN, NAN}, {inf, NAN, NAN},
        /* Extremes: subnormals and huge values. */
        {0x1p-1074, 1.0, 0x1p-1074}, {1e300, 1e-300, pio2}, {1e-300, -1e300, pi}, {0x1p-1074, 0x1p-1074, pio4},
        {1e308, 1e308, pio4}, {-1.0, -1.0, -tpio4},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double got = atan2_1(cases[i].y, cases[i].x);
        float gotf = atan2_1f((float)cases[i].y, (float)cases[i].x);
        int ok = check_same_value(got, cases[i].want);
        /* float32: the extremes overflow or underflow float, so only compare the Annex F part. */
        if (i < 33) {
            ok = ok && check_same_value(gotf, (float)cases[i].want);
        }
        CHECK(ok);
        if (!ok) {
            fprintf(stderr, "  atan2(%a, %a) = %a / %a (float32), want %a\n", cases[i].y, cases[i].x, got,
                    (double)gotf, cases[i].want);
        }
    }
}

/* Random data from every region: log-uniform magnitudes of both signs plus specials. */
static void fill_random(double *x, int n, double max_log2) {
    const double specials[] = {0.0, -0.0, INFINITY, -INFINITY, NAN, 1.0, -1.0, 0.5, -0.5, 0x1p-1074};
    for (int i = 0; i < n; i++) {
        if (i % 13 == 0) {
            x[i] = specials[(i / 13) % 10];
            continue;
        }
        double magnitude = exp2((check_uniform() * 2.0 - 1.0) * max_log2);
        x[i] = check_uniform() < 0.5 ? -magnitude : magnitude;
        if (i % 5 == 0) {
            x[i] = check_uniform() * 2.0 - 1.0; /* dense in [-1, 1] for asin/acos */
        }
    }
}

static int same_arrays(const double *a, const double *b, int n) {
    for (int i = 0; i < n; i++) {
        if (!check_same_value(a[i], b[i])) {
            return 0;
        }
    }
    return 1;
}

static int same_arrays_f(const float *a, const float *b, int n) {
    for (int i = 0; i < n; i++) {
        if (!check_same_value(a[i], b[i])) {
            return 0;
        }
    }
    return 1;
}

enum { MAX_N = 1031 };

/* Every level gives exactly the scalar reference's values, at every length. */
static void test_variants_match_scalar(void) {
    static double x[MAX_N], y[MAX_N], want[MAX_N], got[MAX_N];
    static float xf[MAX_N], yf[MAX_N], wantf[MAX_N], gotf[MAX_N];
    fill_random(x, MAX_N, 40.0);
    fill_random(y, MAX_N, 40.0);
    for (int i = 0; i < MAX_N; i++) {
        xf[i] = (float)x[i];
        yf[i] = (float)y[i];
    }
    const int lengths[] = {1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 33, MAX_N};
    for (int level = 1; level < 4; level++) {
        if (!rt_simd_supported(level)) {
            continue;
        }
        for (unsigned li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
            int n = lengths[li];
            for (int f = 0; f < N_UNARY; f++) {
                CHECK(rt_force_impl(RT_SIMD_SCALAR, NULL) == RT_OK);
                CHECK(UNARY[f].fn(RT_DTYPE_FLOAT64, x, 3, n - 3 > 0 ? n - 3 : n, want, NULL) == RT_OK);
                CHECK(UNARY[f].fn(RT_DTYPE_FLOAT32, xf, 0, n, wantf, NULL) == RT_OK);
                CHECK(rt_force_impl(level, NULL) == RT_OK);
                CHECK(UNARY[f].fn(RT_DTYPE_FLOAT64, x, 3, n - 3 > 0 ? n - 3 : n, got, NULL) == RT_OK);
                CHECK(UNARY[f].fn(RT_DTYPE_FLOAT32, xf, 0, n, gotf, NULL) == RT_OK);
                int ok = same_arrays(want, got, n - 3 > 0 ? n - 3 : n) && same_arrays_f(wantf, gotf, n);
                CHECK(ok);
                if (!ok) {
                    fprintf(stderr, "  %s differs from scalar at level %s, n = %d\n", UNARY[f].name,
                            rt_simd_name(level), n);
                }
            }
            /* atan2: both columns, then each side broadcast. */
            for (int mode = 0; mode < 3; mode++) {
                int64_t ys = mode == 1 ? 0 : 1, xs = mode == 2 ? 0 : 1;
                int m = n > 2 ? n - 2 : n;
                CHECK(rt_force_impl(RT_SIMD_SCALAR, NULL) == RT_OK);
                CHECK(rt_math_atan2(RT_DTYPE_FLOAT64, y, 1, ys, x, 2, xs, m, want, NULL) == RT_OK);
                CHECK(rt_math_atan2(RT_DTYPE_FLOAT32, yf, 0, ys, xf, 0, xs, n, wantf, NULL) == RT_OK);
                CHECK(rt_force_impl(level, NULL) == RT_OK);
                CHECK(rt_math_atan2(RT_DTYPE_FLOAT64, y, 1, ys, x, 2, xs, m, got, NULL) == RT_OK);
                CHECK(rt_math_atan2(RT_DTYPE_FLOAT32, yf, 0, ys, xf, 0, xs, n, gotf, NULL) == RT_OK);
                CHECK(same_arrays(want, got, m) && same_arrays_f(wantf, gotf, n));
            }
        }
    }
    CHECK(rt_force_impl(-1, NULL) == RT_OK);
}

/* A few values against the C library (glibc is within 1 ulp on these functions). */
static void test_against_libm(void) {
    static double x[MAX_N], got[MAX_N];
    fill_random(x, MAX_N, 30.0);
    const struct {
        unary_fn fn;
        double (*ref)(double);
    } pairs[] = {{rt_math_asin, asin}, {rt_math_acos, acos}, {rt_math_atan, atan}};
    for (unsigned f = 0; f < sizeof pairs / sizeof pairs[0]; f++) {
        CHECK(pairs[f].fn(RT_DTYPE_FLOAT64, x, 0, MAX_N, got, NULL) == RT_OK);
        int bad = 0;
        for (int i = 0; i < MAX_N; i++) {
            double want = pairs[f].ref(x[i]);
            if (isnan(want) ? !isnan(got[i]) : fabs(got[i] - want) > 2 * fabs(nextafter(want, INFINITY) - want)) {
                bad++;
            }
        }
        CHECK(bad == 0);
    }
}

static void test_argument_checks(void) {
    double x = 0.5, out = 0;
    rt_error err;
    for (int f = 0; f < N_UNARY; f++) {
        CHECK(UNARY[f].fn(RT_DTYPE_INT32, &x, 0, 1, &out, &err) == RT_ERR_VALIDATION);
        CHECK(UNARY[f].fn(RT_DTYPE_FLOAT64, &x, -1, 1, &out, &err) == RT_ERR_VALIDATION);
        CHECK(UNARY[f].fn(RT_DTYPE_FLOAT64, NULL, 0, 1, &out, &err) == RT_ERR_VALIDATION);
        CHECK(UNARY[f].fn(RT_DTYPE_FLOAT64, NULL, 0, 0, NULL, &err) == RT_OK);
    }
    CHECK(rt_math_atan2(RT_DTYPE_FLOAT64, &x, 0, 2, &x, 0, 1, 1, &out, &err) == RT_ERR_VALIDATION);
    CHECK(strstr(err.message, "stride") != NULL);
    CHECK(rt_math_atan2(RT_DTYPE_UINT8, &x, 0, 1, &x, 0, 1, 1, &out, &err) == RT_ERR_VALIDATION);
    CHECK(rt_math_atan2(RT_DTYPE_FLOAT64, &x, 0, 1, NULL, 0, 1, 1, &out, &err) == RT_ERR_VALIDATION);
    CHECK(rt_math_atan2(RT_DTYPE_FLOAT64, NULL, 0, 1, NULL, 0, 1, 0, NULL, &err) == RT_OK);
}

int main(void) {
    for (int level = 0; level < 4; level++) {
        if (rt_simd_supported(level)) {
            CHECK(rt_force_impl(level, NULL) == RT_OK);
            test_inverse_trig_specials();
            test_atan2_specials();
        }
    }
    CHECK(rt_force_impl(-1, NULL) == RT_OK);
    test_variants_match_scalar();
    test_against_libm();
    test_argument_checks();
    return check_report("math_special");
}
