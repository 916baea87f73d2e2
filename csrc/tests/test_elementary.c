/*
 * C tests of the elementary functions: every SIMD variant the machine runs
 * gives the same bits as the scalar reference (both use FMA natively), the
 * float64 results are within 1 ULP of glibc's long double functions (64-bit
 * mantissa, an independent reference 2^11 times finer than a double ULP),
 * Annex F special values hold, and bad arguments are errors, not crashes.
 * The full 100,000-point accuracy sweeps against mpmath live in the Python tests.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt/rt.h"
#include "check.h"

typedef rt_status (*unary_fn)(int32_t, const void *, int64_t, int64_t, void *, rt_error *);
typedef long double (*reference_fn)(long double);

typedef struct case_ {
    const char *name;
    unary_fn fn;
    reference_fn ref;
    double lo, hi; /* magnitudes are log-uniform in [lo, hi], both signs unless lo < 0 */
    int positive_only;
} case_;

static const case_ CASES[] = {
    {"exp", rt_math_exp, expl, 1e-300, 745.0, 0},
    {"expm1", rt_math_expm1, expm1l, 1e-300, 710.0, 0},
    {"log", rt_math_log, logl, 1e-320, 1e308, 1},
    {"log1p", rt_math_log1p, log1pl, 1e-300, 1e308, 0},
    {"sinh", rt_math_sinh, sinhl, 1e-300, 711.0, 0},
    {"cosh", rt_math_cosh, coshl, 1e-300, 711.0, 0},
    {"tanh", rt_math_tanh, tanhl, 1e-300, 25.0, 0},
    {"asin", rt_math_asin, asinl, 1e-300, 1.0, 0},
    {"acos", rt_math_acos, acosl, 1e-300, 1.0, 0},
    {"atan", rt_math_atan, atanl, 1e-300, 1e300, 0},
};

static double sample(const case_ *c) {
    double mag = exp(log(c->lo) + check_uniform() * (log(c->hi) - log(c->lo)));
    if (c->positive_only || check_uniform() < 0.5) {
        return mag;
    }
    return -mag;
}

enum { N = 20000 };

static void test_unary_case(const case_ *c) {
    static double x[N], ref_out[N], out[N];
    static float xf[N], outf[N], reff[N];
    rt_error err;
    for (int i = 0; i < N; i++) {
        x[i] = sample(c);
        xf[i] = (float)x[i];
    }
    CHECK(rt_force_impl(RT_SIMD_SCALAR, &err) == RT_OK);
    CHECK(c->fn(RT_DTYPE_FLOAT64, x, 0, N, ref_out, &err) == RT_OK);
    CHECK(c->fn(RT_DTYPE_FLOAT32, xf, 0, N, reff, &err) == RT_OK);
    double worst = 0.0, worst_x = 0.0;
    for (int i = 0; i < N; i++) {
        double e = check_ulp_error(ref_out[i], c->ref((long double)x[i]));
        if (e > worst) {
            worst = e;
            worst_x = x[i];
        }
    }
    double worst32 = 0.0, worst32_x = 0.0;
    for (int i = 0; i < N; i++) {
        /* float32 ULP: scale the double-ULP error by the mantissa difference. */
        long double want = c->ref((long double)xf[i]);
        float w = (float)want;
        if (isnan(w) || isinf(w) || isnan(reff[i]) || isinf(reff[i]) || w == 0) {
            if (!(check_same_value(reff[i], w) || (w == 0 && fabsf(reff[i]) <= FLT_TRUE_MIN))) {
                worst32 = 1e9;
                worst32_x = xf[i];
            }
            continue;
        }
        int e;
        frexpf(w, &e);
        double ulp = ldexp(1.0, e - 24 < -149 ? -149 : e - 24);
        double err32 = (double)(fabsl((long double)reff[i] - want) / ulp);
        if (err32 > worst32) {
            worst32 = err32;
            worst32_x = xf[i];
        }
    }
    printf("  %-6s max ulp f64 %.3f (x=%.17g)  f32 %.3f (x=%.9g)\n", c->name, worst, worst_x, worst32, worst32_x);
    CHECK(worst <= 1.0);
    CHECK(worst32 <= 1.0);
    for (int level = RT_SIMD_AVX2; level <= RT_SIMD_WASM128; level++) {
        if (!rt_simd_supported(level)) {
            continue;
        }
        CHECK(rt_force_impl(level, &err) == RT_OK);
        /* Odd lengths and offsets exercise the tail path. */
        CHECK(c->fn(RT_DTYPE_FLOAT64, x, 3, N - 8, out, &err) == RT_OK);
        int same = memcmp(out, ref_out + 3, (N - 8) * sizeof(double)) == 0;
        CHECK(same);
        CHECK(c->fn(RT_DTYPE_FLOAT32, xf, 0, N - 1, outf, &err) == RT_OK);
        CHECK(memcmp(outf, reff, (N - 1) * sizeof(float)) == 0);
        if (!same) {
            for (int i = 0; i < N - 8; i++) {
                if (!check_same_value(out[i], ref_out[i + 3])) {
                    fprintf(stderr, "%s %s x=%.17g simd=%.17g scalar=%.17g\n", c->name, rt_simd_name(level),
                            x[i + 3], out[i], ref_out[i + 3]);
                    break;
                }
            }
        }
    }
    rt_force_impl(-1, &err);
}

static double run1(unary_fn fn, double x) {
    double out = 0.0;
    rt_error err;
    CHECK(fn(RT_DTYPE_FLOAT64, &x, 0, 1, &out, &err) == RT_OK);
    return out;
}

static double run_atan2(double y, double x) {
    double out = 0.0;
    rt_error err;
    CHECK(rt_math_atan2(RT_DTYPE_FLOAT64, &y, 0, &x, 0, 1, &out, &err) == RT_OK);
    return out;
}

/* C99 Annex F special values, on every variant. */
static void test_special_values(void) {
    const double inf = INFINITY, pi = 3.141592653589793, pi2 = 1.5707963267948966;
    rt_error err;
    for (int level = RT_SIMD_SCALAR; level <= RT_SIMD_WASM128; level++) {
        if (!rt_simd_supported(level)) {
            continue;
        }
        CHECK(rt_force_impl(level, &err) == RT_OK);
        for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
            CHECK(isnan(run1(CASES[i].fn, NAN)));
        }
        CHECK(check_same_value(run1(rt_math_exp, -0.0), 1.0) && run1(rt_math_exp, inf) == inf);
        CHECK(check_same_value(run1(rt_math_exp, -inf), 0.0) && run1(rt_math_exp, 710.0) == inf);
        CHECK(run1(rt_math_exp, -745.0) == 4.9406564584124654e-324 && run1(rt_math_exp, -746.0) == 0.0);
        CHECK(check_same_value(run1(rt_math_expm1, -0.0), -0.0) && run1(rt_math_expm1, -inf) == -1.0);
        CHECK(run1(rt_math_expm1, inf) == inf);
        CHECK(run1(rt_math_log, 0.0) == -inf && run1(rt_math_log, -0.0) == -inf);
        CHECK(isnan(run1(rt_math_log, -1.0)) && run1(rt_math_log, inf) == inf);
        CHECK(check_same_value(run1(rt_math_log, 1.0), 0.0));
        CHECK(run1(rt_math_log1p, -1.0) == -inf && isnan(run1(rt_math_log1p, -2.0)));
        CHECK(check_same_value(run1(rt_math_log1p, -0.0), -0.0) && run1(rt_math_log1p, inf) == inf);
        CHECK(check_same_value(run1(rt_math_sinh, -0.0), -0.0) && run1(rt_math_sinh, -inf) == -inf);
        CHECK(run1(rt_math_sinh, 710.4) < inf && run1(rt_math_sinh, 710.5) == inf);
        CHECK(run1(rt_math_cosh, -0.0) == 1.0 && run1(rt_math_cosh, -inf) == inf && run1(rt_math_cosh, 711) == inf);
        CHECK(check_same_value(run1(rt_math_tanh, -0.0), -0.0) && run1(rt_math_tanh, -inf) == -1.0);
        CHECK(run1(rt_math_tanh, inf) == 1.0 && run1(rt_math_tanh, 5e-324) == 5e-324);
        CHECK(check_same_value(run1(rt_math_asin, -0.0), -0.0) && isnan(run1(rt_math_asin, 1.0000000000000002)));
        CHECK(run1(rt_math_asin, 1.0) == pi2 && run1(rt_math_asin, -1.0) == -pi2 && isnan(run1(rt_math_asin, -inf)));
        CHECK(check_same_value(run1(rt_math_acos, 1.0), 0.0) && run1(rt_math_acos, -1.0) == pi);
        CHECK(run1(rt_math_acos, 0.0) == pi2 && run1(rt_math_acos, -0.0) == pi2 && isnan(run1(rt_math_acos, 2.0)));
        CHECK(check_same_value(run1(rt_math_atan, -0.0), -0.0) && run1(rt_math_atan, inf) == pi2);
        CHECK(run1(rt_math_atan, -inf) == -pi2 && run1(rt_math_atan, 1e-310) == 1e-310);
        /* atan2 for every signed zero / infinity pair */
        CHECK(check_same_value(run_atan2(0.0, 0.0), 0.0) && check_same_value(run_atan2(-0.0, 0.0), -0.0));
        CHECK(run_atan2(0.0, -0.0) == pi && run_atan2(-0.0, -0.0) == -pi);
        CHECK(run_atan2(0.0, -1.0) == pi && run_atan2(-0.0, -1.0) == -pi);
        CHECK(check_same_value(run_atan2(-0.0, 1.0), -0.0) && run_atan2(1.0, 0.0) == pi2);
        CHECK(run_atan2(-1.0, -0.0) == -pi2 && run_atan2(1.0, -inf) == pi && run_atan2(-1.0, -inf) == -pi);
        CHECK(check_same_value(run_atan2(-1.0, inf), -0.0) && run_atan2(inf, 3.0) == pi2);
        CHECK(run_atan2(-inf, -3.0) == -pi2 && run_atan2(inf, inf) == pi / 4 && run_atan2(-inf, inf) == -pi / 4);
        CHECK(run_atan2(inf, -inf) == 3 * pi / 4 && run_atan2(-inf, -inf) == -3 * pi / 4);
        CHECK(isnan(run_atan2(NAN, 1.0)) && isnan(run_atan2(1.0, NAN)) && isnan(run_atan2(inf, NAN)));
        CHECK(run_atan2(1e308, 1e-308) == pi2 && run_atan2(1e-320, 1e-320) == pi / 4);
        CHECK(run_atan2(1.7e308, 1.7e308) == pi / 4 && run_atan2(-1.7e308, -1.6e308) < -pi / 2);
    }
    rt_force_impl(-1, &err);
}

static void test_atan2_accuracy(void) {
    enum { M = 20000 };
    static double y[M], x[M], ref_out[M], out[M];
    rt_error err;
    for (int i = 0; i < M; i++) {
        y[i] = (check_uniform() - 0.5) * exp((check_uniform() - 0.5) * 80);
        x[i] = (check_uniform() - 0.5) * exp((check_uniform() - 0.5) * 80);
    }
    CHECK(rt_force_impl(RT_SIMD_SCALAR, &err) == RT_OK);
    CHECK(rt_math_atan2(RT_DTYPE_FLOAT64, y, 0, x, 0, M, ref_out, &err) == RT_OK);
    double worst = 0.0;
    for (int i = 0; i < M; i++) {
        double e = check_ulp_error(ref_out[i], atan2l((long double)y[i], (long double)x[i]));
        worst = e > worst ? e : worst;
    }
    printf("  atan2  max ulp f64 %.3f\n", worst);
    CHECK(worst <= 1.0);
    for (int level = RT_SIMD_AVX2; level <= RT_SIMD_WASM128; level++) {
        if (rt_simd_supported(level)) {
            CHECK(rt_force_impl(level, &err) == RT_OK);
            CHECK(rt_math_atan2(RT_DTYPE_FLOAT64, y, 1, x, 1, M - 3, out, &err) == RT_OK);
            CHECK(memcmp(out, ref_out + 1, (M - 3) * sizeof(double)) == 0);
        }
    }
    rt_force_impl(-1, &err);
}

static void test_bad_arguments(void) {
    double x[4] = {0}, out[4];
    rt_error err;
    CHECK(rt_math_sinh(RT_DTYPE_INT64, x, 0, 4, out, &err) == RT_ERR_VALIDATION);
    CHECK(rt_math_sinh(RT_DTYPE_FLOAT64, x, -1, 4, out, &err) == RT_ERR_VALIDATION);
    CHECK(rt_math_sinh(RT_DTYPE_FLOAT64, NULL, 0, 4, out, &err) == RT_ERR_VALIDATION);
    CHECK(rt_math_sinh(RT_DTYPE_FLOAT64, NULL, 0, 0, NULL, &err) == RT_OK);
    CHECK(rt_math_atan2(RT_DTYPE_FLOAT64, x, 0, NULL, 0, 4, out, &err) == RT_ERR_VALIDATION);
    CHECK(rt_math_atan2(RT_DTYPE_UINT8, x, 0, x, 0, 4, out, NULL) == RT_ERR_VALIDATION);
}

int main(void) {
    test_special_values();
    test_atan2_accuracy();
    test_bad_arguments();
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        test_unary_case(&CASES[i]);
    }
    return check_report("test_elementary");
}
