/*
 * C tests of erf, erfc, gamma and lgamma: every SIMD variant the machine runs
 * gives the same bits as the scalar reference (float64 and float32, lengths
 * that leave tails, offsets), the float64 results are within their bars of
 * glibc's long double functions (64-bit mantissa: an independent reference
 * 2^11 times finer than a double ulp), C99 Annex F special values hold on
 * every variant, and bad arguments are errors, not crashes. The 100,000-point
 * sweeps against mpmath live in tests/test_math_special.py.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "rt/rt.h"
#include "check.h"

typedef rt_status (*unary_fn)(int32_t, const void *, int64_t, int64_t, void *, rt_error *);
typedef long double (*reference_fn)(long double);

typedef struct special_case {
    const char *name;
    unary_fn fn;
    reference_fn ref;
    double lo, hi; /* |x| log-uniform in [lo, hi] */
    int both_signs;
    double bar; /* max ulp against the long double reference */
} special_case;

static const special_case CASES[] = {
    {"erf", rt_math_erf, erfl, 1e-300, 7.0, 1, 1.0},
    {"erfc", rt_math_erfc, erfcl, 1e-300, 27.0, 1, 1.0},
    {"gamma", rt_math_gamma, tgammal, 1e-300, 171.6, 0, 2.0},
    {"lgamma", rt_math_lgamma, lgammal, 1e-300, 1e300, 0, 2.0},
};

enum { N = 20003 };

static double sample(const special_case *c) {
    double mag = exp(log(c->lo) + check_uniform() * (log(c->hi) - log(c->lo)));
    if (check_uniform() < 0.3) {
        mag = check_uniform() * (c->hi < 10.0 ? c->hi : 10.0); /* dense where the pieces meet */
    }
    return c->both_signs && check_uniform() < 0.5 ? -mag : mag;
}

/* Accuracy of the scalar reference, then bit equality of every other variant (f64 and f32). */
static void test_case(const special_case *c) {
    static double x[N], ref_out[N], out[N];
    static float xf[N], ref_f[N], out_f[N];
    rt_error err;
    for (int i = 0; i < N; i++) {
        x[i] = sample(c);
        xf[i] = (float)(x[i] * (c->hi > 100 ? 1e-270 : 1.0)); /* keep float32 inputs in range */
        if (c->fn == rt_math_gamma || c->fn == rt_math_lgamma) {
            xf[i] = (float)(check_uniform() * 80.0 - 40.0);
        }
    }
    CHECK(rt_force_impl(RT_SIMD_SCALAR, &err) == RT_OK);
    CHECK(c->fn(RT_DTYPE_FLOAT64, x, 0, N, ref_out, &err) == RT_OK);
    CHECK(c->fn(RT_DTYPE_FLOAT32, xf, 0, N, ref_f, &err) == RT_OK);
    double worst = 0.0, worst_x = 0.0;
    for (int i = 0; i < N; i++) {
        long double want = c->ref((long double)x[i]);
        double e = check_ulp_error(ref_out[i], want);
        if (c->fn == rt_math_lgamma && (fabs(x[i] - 1.0) < 0.25 || fabs(x[i] - 2.0) < 0.25)) {
            /* next to lgamma's zeros the bar is absolute */
            CHECK(fabsl((long double)ref_out[i] - want) <= 1e-15L);
            continue;
        }
        if (e > worst) {
            worst = e;
            worst_x = x[i];
        }
    }
    printf("  %-6s max ulp f64 %.3f (x=%.17g) vs long double libm\n", c->name, worst, worst_x);
    CHECK(worst <= c->bar);
    for (int level = RT_SIMD_SCALAR + 1; level <= RT_SIMD_WASM128; level++) {
        if (!rt_simd_supported(level)) {
            continue;
        }
        CHECK(rt_force_impl(level, &err) == RT_OK);
        CHECK(c->fn(RT_DTYPE_FLOAT64, x, 0, N, out, &err) == RT_OK);
        CHECK(c->fn(RT_DTYPE_FLOAT32, xf, 0, N, out_f, &err) == RT_OK);
        int mismatches = 0;
        for (int i = 0; i < N; i++) {
            if (!check_same_value(out[i], ref_out[i]) || !check_same_value(out_f[i], ref_f[i])) {
                if (mismatches++ < 3) {
                    fprintf(stderr, "%s %s x=%.17g simd=%.17g scalar=%.17g\n", c->name, rt_simd_name(level), x[i],
                            out[i], ref_out[i]);
                }
            }
        }
        CHECK(mismatches == 0);
        /* An offset start and a short length that is all tail. */
        CHECK(c->fn(RT_DTYPE_FLOAT64, x, 5, 3, out, &err) == RT_OK);
        CHECK(check_same_value(out[0], ref_out[5]) && check_same_value(out[2], ref_out[7]));
    }
    rt_force_impl(-1, &err);
}

static double run1(unary_fn fn, double x) {
    double out = 0.0;
    rt_error err;
    CHECK(fn(RT_DTYPE_FLOAT64, &x, 0, 1, &out, &err) == RT_OK);
    return out;
}

static float run1f(unary_fn fn, float x) {
    float out = 0.0f;
    rt_error err;
    CHECK(fn(RT_DTYPE_FLOAT32, &x, 0, 1, &out, &err) == RT_OK);
    return out;
}

/* C99 Annex F special values, on every variant. */
static void test_special_values(void) {
    const double inf = INFINITY;
    rt_error err;
    for (int level = RT_SIMD_SCALAR; level <= RT_SIMD_WASM128; level++) {
        if (!rt_simd_supported(level)) {
            continue;
        }
        CHECK(rt_force_impl(level, &err) == RT_OK);
        for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
            CHECK(isnan(run1(CASES[i].fn, NAN)) && isnan(run1f(CASES[i].fn, NAN)));
        }
        CHECK(check_same_value(run1(rt_math_erf, -0.0), -0.0) && run1(rt_math_erf, -inf) == -1.0);
        CHECK(run1(rt_math_erf, inf) == 1.0 && run1(rt_math_erf, 5e-324) == 5e-324);
        CHECK(run1(rt_math_erfc, -inf) == 2.0 && check_same_value(run1(rt_math_erfc, inf), 0.0));
        CHECK(run1(rt_math_erfc, 0.0) == 1.0 && run1(rt_math_erfc, 27.0) > 0.0 && run1(rt_math_erfc, 27.0) < DBL_MIN);
        /* gamma: poles, overflow, exact factorials, subnormal in and out */
        CHECK(run1(rt_math_gamma, 0.0) == inf && run1(rt_math_gamma, -0.0) == -inf);
        CHECK(run1(rt_math_gamma, inf) == inf && isnan(run1(rt_math_gamma, -inf)));
        CHECK(isnan(run1(rt_math_gamma, -1.0)) && isnan(run1(rt_math_gamma, -170.0)) && isnan(run1(rt_math_gamma, -1e300)));
        CHECK(run1(rt_math_gamma, 1.0) == 1.0 && run1(rt_math_gamma, 2.0) == 1.0 && run1(rt_math_gamma, 7.0) == 720.0);
        CHECK(run1(rt_math_gamma, 23.0) == 1124000727777607680000.0);
        CHECK(run1(rt_math_gamma, 171.62437) < inf && run1(rt_math_gamma, 171.62438) == inf);
        CHECK(run1f(rt_math_gamma, 35.04f) < INFINITY && run1f(rt_math_gamma, 35.05f) == INFINITY);
        CHECK(run1(rt_math_gamma, 5e-324) == inf && run1(rt_math_gamma, -5e-324) == -inf);
        double sub = run1(rt_math_gamma, -176.5); /* -1.8e-320: subnormal out, with the sign of sin(pi x) */
        CHECK(sub < 0.0 && sub > -DBL_MIN && check_ulp_error(sub, tgammal(-176.5L)) <= 1.0);
        CHECK(check_same_value(run1(rt_math_gamma, -400.5), -0.0) && check_same_value(run1(rt_math_gamma, -401.5), 0.0));
        CHECK(run1(rt_math_gamma, -0.5) < 0.0 && run1(rt_math_gamma, -1.5) > 0.0 && run1(rt_math_gamma, -2.5) < 0.0);
        /* lgamma: +inf at the poles and infinities, +0 at 1 and 2, overflow */
        CHECK(run1(rt_math_lgamma, 0.0) == inf && run1(rt_math_lgamma, -0.0) == inf);
        CHECK(run1(rt_math_lgamma, inf) == inf && run1(rt_math_lgamma, -inf) == inf);
        CHECK(run1(rt_math_lgamma, -3.0) == inf && run1(rt_math_lgamma, -0x1p53) == inf);
        CHECK(check_same_value(run1(rt_math_lgamma, 1.0), 0.0) && check_same_value(run1(rt_math_lgamma, 2.0), 0.0));
        CHECK(check_same_value((double)run1f(rt_math_lgamma, 1.0f), 0.0));
        CHECK(run1(rt_math_lgamma, 2.5e305) < inf && run1(rt_math_lgamma, 2.6e305) == inf);
        CHECK(check_ulp_error(run1(rt_math_lgamma, 2047.5), lgammal(2047.5L)) <= 1.0); /* the former last half-octave's top */
        CHECK(check_ulp_error(run1(rt_math_lgamma, 0x1.fffffffffffffp10), lgammal(0x1.fffffffffffffp10L)) <= 1.0);
        /* lgamma_fast's log subintervals 2^k (1 + j/16), the neighbours of each edge, and its range's ends */
        for (int k = 3; k < 53; k += 7) {
            for (int j = 0; j <= 16; j++) {
                double edge = ldexp(1.0 + j / 16.0, k);
                for (int side = -1; side <= 1; side++) {
                    double v = side < 0 ? nextafter(edge, 0.0) : side > 0 ? nextafter(edge, INFINITY) : edge;
                    CHECK(v < 8.0 || check_ulp_error(run1(rt_math_lgamma, v), lgammal((long double)v)) <= 1.0);
                }
            }
        }
        CHECK(check_ulp_error(run1(rt_math_lgamma, 0x1.fffffffffffffp51), lgammal(0x1.fffffffffffffp51L)) <= 1.0);
        CHECK(check_ulp_error(run1(rt_math_lgamma, 0x1p52), lgammal(0x1p52L)) <= 1.0);
        const double denormal_min = 5e-324;
        CHECK(check_ulp_error(run1(rt_math_lgamma, denormal_min), -logl((long double)denormal_min)) <= 0.5);
    }
    rt_force_impl(-1, &err);
}

static void test_bad_arguments(void) {
    double x[2] = {1.0, 2.0}, out[2];
    rt_error err;
    unary_fn fns[] = {rt_math_erf, rt_math_erfc, rt_math_gamma, rt_math_lgamma};
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        CHECK(fns[i](RT_DTYPE_INT64, x, 0, 2, out, &err) == RT_ERR_VALIDATION);
        CHECK(fns[i](RT_DTYPE_FLOAT64, NULL, 0, 2, out, &err) != RT_OK);
        CHECK(fns[i](RT_DTYPE_FLOAT64, x, 0, 2, NULL, &err) != RT_OK);
        CHECK(fns[i](RT_DTYPE_FLOAT64, x, 0, -1, out, &err) != RT_OK);
        CHECK(fns[i](RT_DTYPE_FLOAT64, NULL, 0, 0, NULL, &err) == RT_OK);
    }
}

/*
 * lgamma (float32 and float64) runs its lanes below 8 (x < 0 included) in a second pass over 512-element
 * blocks: a result must not depend on where its x sits, so a long sparse-negative array (specials and block
 * edges included) at an odd offset gives the bits of one-element calls on every level, float64 the scalar
 * reference's too, and in place (out is x) the same bits again.
 */
static void test_lgamma_blocks(void) {
    enum { M = 1500 };
    static double x[M], out[M], ref[M], in_place[M];
    static float xf[M], out_f[M], in_place_f[M];
    rt_error err;
    for (int i = 0; i < M; i++) {
        x[i] = check_uniform() < 0.1 ? 2048.0 + check_uniform() * 1e6 : check_uniform() * 1000.0;
        if (check_uniform() < 0.05 || (i >= 508 && i < 520)) {
            x[i] = -check_uniform() * 30.0;
        }
        xf[i] = (float)x[i];
    }
    const double edges[] = {-INFINITY, INFINITY, NAN,  -0.0,    0.0,   -1.0, -2.0,    -0x1p23, -2.5,
                            1.0,       2.0,      8.0,  2048.0,  0x1p990, 1e300, 0.5, -3000.5, 5e-324};
    for (size_t j = 0; j < sizeof edges / sizeof edges[0]; j++) {
        x[1023 + 2 * j] = edges[j];
        xf[1023 + 2 * j] = (float)edges[j];
    }
    CHECK(rt_force_impl(RT_SIMD_SCALAR, &err) == RT_OK);
    CHECK(rt_math_lgamma(RT_DTYPE_FLOAT64, x, 1, M - 1, ref, &err) == RT_OK);
    for (int level = RT_SIMD_SCALAR; level <= RT_SIMD_WASM128; level++) {
        if (!rt_simd_supported(level)) {
            continue;
        }
        CHECK(rt_force_impl(level, &err) == RT_OK);
        CHECK(rt_math_lgamma(RT_DTYPE_FLOAT64, x, 1, M - 1, out, &err) == RT_OK);
        CHECK(rt_math_lgamma(RT_DTYPE_FLOAT32, xf, 1, M - 1, out_f, &err) == RT_OK);
        int mismatches = 0;
        for (int i = 1; i < M; i++) {
            mismatches += !check_same_value(out[i - 1], ref[i - 1]);
            mismatches += !check_same_value(out[i - 1], run1(rt_math_lgamma, x[i]));
            mismatches += !check_same_value(out_f[i - 1], run1f(rt_math_lgamma, xf[i]));
        }
        CHECK(mismatches == 0);
        /* In place (out is x): the second pass must not read the first pass's results. */
        __builtin_memcpy(in_place, x, sizeof x);
        __builtin_memcpy(in_place_f, xf, sizeof xf);
        CHECK(rt_math_lgamma(RT_DTYPE_FLOAT64, in_place, 1, M - 1, in_place + 1, &err) == RT_OK);
        CHECK(rt_math_lgamma(RT_DTYPE_FLOAT32, in_place_f, 1, M - 1, in_place_f + 1, &err) == RT_OK);
        mismatches = 0;
        for (int i = 1; i < M; i++) {
            mismatches += !check_same_value(in_place[i], out[i - 1]) || !check_same_value(in_place_f[i], out_f[i - 1]);
        }
        CHECK(mismatches == 0);
    }
    rt_force_impl(-1, &err);
}

int main(void) {
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        test_case(&CASES[i]);
    }
    test_special_values();
    test_lgamma_blocks();
    test_bad_arguments();
    return check_report("test_math_special");
}
