/*
 * C tests of pow: float64 results within 1 ULP of glibc's long double powl
 * (64-bit mantissa, an independent reference 2^11 finer than a double ULP),
 * every SIMD variant bit-identical to the scalar reference for both dtypes
 * and both entry points (array and scalar exponent), C99 F.9.4.4 special
 * values with signs on every variant, and bad arguments as errors.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt/rt.h"
#include "check.h"

enum { N = 20000 };

/* Positive bases over the whole range and near 1, exponents that reach over- and underflow. */
static void make_points(double *x, double *y, float *xf, float *yf) {
    for (int i = 0; i < N; i++) {
        double base = exp((check_uniform() - 0.5) * 1400.0);
        if (check_uniform() < 0.3) {
            base = 1.0 + (check_uniform() - 0.5) * exp(-check_uniform() * 16.0);
        }
        double lx = log(base);
        double target = (check_uniform() * 2.2 - 1.1) * 740.0;
        x[i] = base;
        y[i] = lx != 0 ? target / lx : check_uniform() * 10.0;
        if (check_uniform() < 0.2) { /* negative bases with integer exponents */
            x[i] = -x[i];
            y[i] = round(y[i]);
        }
        xf[i] = (float)(x[i] < 0 ? -exp((check_uniform() - 0.5) * 100.0) : exp((check_uniform() - 0.5) * 100.0));
        yf[i] = (float)((check_uniform() - 0.5) * 8.0);
    }
}

static void test_accuracy_and_variants(void) {
    static double x[N], y[N], ref[N], out[N];
    static float xf[N], yf[N], reff[N], outf[N];
    rt_error err;
    make_points(x, y, xf, yf);
    CHECK(rt_force_impl(RT_SIMD_SCALAR, &err) == RT_OK);
    CHECK(rt_math_pow(RT_DTYPE_FLOAT64, x, 0, y, 0, N, ref, &err) == RT_OK);
    CHECK(rt_math_pow(RT_DTYPE_FLOAT32, xf, 0, yf, 0, N, reff, &err) == RT_OK);
    double worst = 0.0, worst_x = 0.0, worst_y = 0.0;
    for (int i = 0; i < N; i++) {
        double e = check_ulp_error(ref[i], powl((long double)x[i], (long double)y[i]));
        if (e > worst) {
            worst = e;
            worst_x = x[i];
            worst_y = y[i];
        }
    }
    double worst32 = 0.0;
    for (int i = 0; i < N; i++) {
        double e32 = check_ulp_error32(reff[i], powl((long double)xf[i], (long double)yf[i]));
        worst32 = e32 > worst32 ? e32 : worst32;
    }
    printf("  pow    max ulp f64 %.3f (x=%.17g y=%.17g)  f32 %.3f\n", worst, worst_x, worst_y, worst32);
    CHECK(worst <= 1.0);
    CHECK(worst32 <= 1.0);
    static double refs[N];
    static float refsf[N];
    CHECK(rt_math_pow_scalar(RT_DTYPE_FLOAT64, x, 0, N, 2.5, refs, &err) == RT_OK);
    CHECK(rt_math_pow_scalar(RT_DTYPE_FLOAT32, xf, 0, N, -1.5, refsf, &err) == RT_OK);
    /* A general scalar exponent gives what the same exponent gives in an array (float32 in double lanes). */
    static float general_y[N], general_ref[N];
    for (int i = 0; i < N; i++) {
        general_y[i] = 2.37f;
    }
    CHECK(rt_math_pow(RT_DTYPE_FLOAT32, xf, 0, general_y, 0, N, general_ref, &err) == RT_OK);
    for (int level = RT_SIMD_AVX2; level <= RT_SIMD_WASM128; level++) {
        if (!rt_simd_supported(level)) {
            continue;
        }
        CHECK(rt_force_impl(level, &err) == RT_OK);
        /* Odd lengths and offsets exercise the tail path. */
        CHECK(rt_math_pow(RT_DTYPE_FLOAT64, x, 3, y, 3, N - 8, out, &err) == RT_OK);
        CHECK(memcmp(out, ref + 3, (N - 8) * sizeof(double)) == 0);
        CHECK(rt_math_pow(RT_DTYPE_FLOAT32, xf, 1, yf, 1, N - 3, outf, &err) == RT_OK);
        CHECK(memcmp(outf, reff + 1, (N - 3) * sizeof(float)) == 0);
        CHECK(rt_math_pow_scalar(RT_DTYPE_FLOAT64, x, 5, N - 7, 2.5, out, &err) == RT_OK);
        CHECK(memcmp(out, refs + 5, (N - 7) * sizeof(double)) == 0);
        CHECK(rt_math_pow_scalar(RT_DTYPE_FLOAT32, xf, 0, N - 1, -1.5, outf, &err) == RT_OK);
        CHECK(memcmp(outf, refsf, (N - 1) * sizeof(float)) == 0);
        CHECK(rt_math_pow_scalar(RT_DTYPE_FLOAT32, xf, 2, N - 5, 2.37, outf, &err) == RT_OK);
        CHECK(memcmp(outf, general_ref + 2, (N - 5) * sizeof(float)) == 0);
    }
    rt_force_impl(-1, &err);
}

static double pow1(double x, double y) {
    double out = 0.0;
    rt_error err;
    CHECK(rt_math_pow(RT_DTYPE_FLOAT64, &x, 0, &y, 0, 1, &out, &err) == RT_OK);
    double scalar_out = 0.0;
    CHECK(rt_math_pow_scalar(RT_DTYPE_FLOAT64, &x, 0, 1, y, &scalar_out, &err) == RT_OK);
    CHECK(check_same_value(out, scalar_out));
    return out;
}

static int same(double got, double want) { return check_same_value(got, want); }

static void test_special_values(void) {
    const double inf = INFINITY;
    rt_error err;
    for (int level = RT_SIMD_SCALAR; level <= RT_SIMD_WASM128; level++) {
        if (!rt_simd_supported(level)) {
            continue;
        }
        CHECK(rt_force_impl(level, &err) == RT_OK);
        CHECK(pow1(NAN, 0.0) == 1.0 && pow1(NAN, -0.0) == 1.0 && pow1(inf, 0.0) == 1.0);
        CHECK(pow1(1.0, NAN) == 1.0 && pow1(1.0, -inf) == 1.0 && pow1(1.0, inf) == 1.0);
        CHECK(isnan(pow1(NAN, 1.0)) && isnan(pow1(2.0, NAN)) && isnan(pow1(-1.0, NAN)));
        CHECK(same(pow1(0.0, -3.0), inf) && same(pow1(-0.0, -3.0), -inf) && same(pow1(-0.0, -2.0), inf));
        CHECK(same(pow1(-0.0, -0.5), inf) && same(pow1(-0.0, -inf), inf));
        CHECK(same(pow1(0.0, 3.0), 0.0) && same(pow1(-0.0, 3.0), -0.0) && same(pow1(-0.0, 2.0), 0.0));
        CHECK(same(pow1(-0.0, 0.5), 0.0) && same(pow1(-0.0, inf), 0.0));
        CHECK(pow1(-1.0, inf) == 1.0 && pow1(-1.0, -inf) == 1.0);
        CHECK(same(pow1(0.5, -inf), inf) && same(pow1(-2.0, -inf), 0.0));
        CHECK(same(pow1(-0.5, inf), 0.0) && same(pow1(-2.0, inf), inf));
        CHECK(same(pow1(-inf, -3.0), -0.0) && same(pow1(-inf, -2.0), 0.0) && same(pow1(-inf, -0.5), 0.0));
        CHECK(same(pow1(-inf, 3.0), -inf) && same(pow1(-inf, 2.0), inf) && same(pow1(-inf, 0.5), inf));
        CHECK(same(pow1(inf, -1.0), 0.0) && same(pow1(inf, 0.5), inf));
        CHECK(isnan(pow1(-2.0, 0.5)) && same(pow1(-2.0, 3.0), -8.0) && same(pow1(-2.0, -3.0), -0.125));
        CHECK(same(pow1(-1.0, 0x1p60), 1.0) && same(pow1(-1.0, 0x1p52 + 1), -1.0));
        CHECK(same(pow1(-2.0, 0x1p52 + 1), -inf) && same(pow1(-0.5, 0x1p52 + 1), -0.0));
        CHECK(pow1(2.0, 1024.0) == inf && pow1(2.0, -1074.0) == 4.9406564584124654e-324);
        CHECK(same(pow1(2.0, -1076.0), 0.0) && pow1(4.9406564584124654e-324, -1.0) == inf);
        CHECK(pow1(10.0, 308.0) == 1e308 && pow1(2.0, 0.5) == sqrt(2.0) && pow1(3.0, 2.0) == 9.0);
    }
    rt_force_impl(-1, &err);
}

enum { SMALL_POINTS = 1000, SMALL_EDGES = 16 };

/* Log-uniform bases that send x^y from below the subnormals to past overflow, 20% negative, 10% near 1, and edges. */
static void small_exponent_points(double y, double *x) {
    static const double edges[SMALL_EDGES] = {0.0, -0.0, INFINITY, -INFINITY, NAN, 1.0, -1.0, 2.0, -2.0,
                                              0x1p-1074, DBL_MIN, DBL_MAX, -DBL_MAX, 0x1p-960, 0x1p960, 3.0};
    double ay = fabs(y);
    for (int i = 0; i < SMALL_POINTS; i++) {
        double lx = (check_uniform() * 2.15 - 1.1) * 1075.0 / ay;
        lx = lx < -1074.0 ? -1074.0 + check_uniform() * 100.0 : lx > 1023.9 ? 1023.9 - check_uniform() * 100.0 : lx;
        x[i] = exp2(lx);
        if (check_uniform() < 0.1) {
            x[i] = 1.0 + (check_uniform() - 0.5) * exp(-check_uniform() * 30.0);
        }
        if (check_uniform() < 0.2) {
            x[i] = -x[i];
        }
    }
    memcpy(x + SMALL_POINTS, edges, sizeof edges);
}

/*
 * y = +-k/2, k = 1..64 (the product path): within 1 ULP of powl for float64 and float32 on every
 * level, bit-identical to the scalar reference, and the array entry point gives the bits of the
 * scalar one, also when the y array mixes small and general exponents (a result depends on (x, y) only).
 */
static void test_small_exponents(void) {
    enum { M = SMALL_POINTS + SMALL_EDGES };
    static double x[M], ys[M], ref[M], out[M], one[1];
    static float xf[M], yf[M], reff[M], outf[M], onef[1];
    rt_error err;
    double worst = 0.0, worst32 = 0.0;
    long above_half = 0, above_half32 = 0, points = 0;
    for (int k = 1; k <= 64; k++) {
        for (int sign = -1; sign <= 1; sign += 2) {
            double y = sign * k / 2.0;
            small_exponent_points(y, x);
            for (int i = 0; i < M; i++) {
                xf[i] = (float)ldexp(x[i], -(int)(900 * check_uniform() * (fabs(x[i]) > 0x1p100)));
                ys[i] = check_uniform() < 0.5 ? y : y + 0.25; /* a mixed exponent array */
                yf[i] = (float)ys[i];
            }
            CHECK(rt_force_impl(RT_SIMD_SCALAR, &err) == RT_OK);
            CHECK(rt_math_pow_scalar(RT_DTYPE_FLOAT64, x, 0, M, y, ref, &err) == RT_OK);
            CHECK(rt_math_pow_scalar(RT_DTYPE_FLOAT32, xf, 0, M, y, reff, &err) == RT_OK);
            for (int i = 0; i < M; i++) {
                double e = check_ulp_error(ref[i], powl((long double)x[i], (long double)y));
                double e32 = check_ulp_error32(reff[i], powl((long double)xf[i], (long double)y));
                worst = e > worst ? e : worst;
                worst32 = e32 > worst32 ? e32 : worst32;
                above_half += e > 0.5;
                above_half32 += e32 > 0.5;
                if (e > 1.0 || e32 > 1.0) {
                    printf("  small pow off: x=%.17g xf=%.9g y=%g ulp %.3f / %.3f\n", x[i], (double)xf[i], y, e, e32);
                }
            }
            points += M;
            for (int level = RT_SIMD_SCALAR; level <= RT_SIMD_WASM128; level++) {
                if (!rt_simd_supported(level)) {
                    continue;
                }
                CHECK(rt_force_impl(level, &err) == RT_OK);
                CHECK(rt_math_pow_scalar(RT_DTYPE_FLOAT64, x, 0, M, y, out, &err) == RT_OK);
                CHECK(memcmp(out, ref, sizeof out) == 0);
                CHECK(rt_math_pow_scalar(RT_DTYPE_FLOAT32, xf, 0, M, y, outf, &err) == RT_OK);
                CHECK(memcmp(outf, reff, sizeof outf) == 0);
                CHECK(rt_math_pow(RT_DTYPE_FLOAT64, x, 0, ys, 0, M, out, &err) == RT_OK);
                CHECK(rt_math_pow(RT_DTYPE_FLOAT32, xf, 0, yf, 0, M, outf, &err) == RT_OK);
                for (int i = 0; i < M; i += level == RT_SIMD_SCALAR ? 1 : 7) {
                    CHECK(rt_math_pow_scalar(RT_DTYPE_FLOAT64, x, i, 1, ys[i], one, &err) == RT_OK);
                    CHECK(memcmp(one, out + i, sizeof one) == 0);
                    CHECK(rt_math_pow_scalar(RT_DTYPE_FLOAT32, xf, i, 1, yf[i], onef, &err) == RT_OK);
                    CHECK(memcmp(onef, outf + i, sizeof onef) == 0);
                }
            }
        }
    }
    rt_force_impl(-1, &err);
    printf("  pow y = +-k/2 (k <= 64), %ld points: max ulp f64 %.3f (%ld above 0.5)  f32 %.3f (%ld above 0.5)\n",
           points, worst, above_half, worst32, above_half32);
    CHECK(worst <= 1.0);
    CHECK(worst32 <= 1.0);
}

static void test_bad_arguments(void) {
    double x[4] = {1, 2, 3, 4}, out[4];
    rt_error err;
    CHECK(rt_math_pow(RT_DTYPE_INT64, x, 0, x, 0, 4, out, &err) == RT_ERR_VALIDATION);
    CHECK(rt_math_pow(RT_DTYPE_FLOAT64, x, 0, NULL, 0, 4, out, &err) == RT_ERR_VALIDATION);
    CHECK(rt_math_pow(RT_DTYPE_FLOAT64, x, -1, x, 0, 4, out, &err) == RT_ERR_VALIDATION);
    CHECK(rt_math_pow(RT_DTYPE_FLOAT64, x, 0, x, 0, 4, NULL, NULL) == RT_ERR_VALIDATION);
    CHECK(rt_math_pow(RT_DTYPE_FLOAT64, NULL, 0, NULL, 0, 0, NULL, &err) == RT_OK);
    CHECK(rt_math_pow_scalar(RT_DTYPE_UINT8, x, 0, 4, 2.0, out, &err) == RT_ERR_VALIDATION);
    CHECK(rt_math_pow_scalar(RT_DTYPE_FLOAT32, NULL, 0, 4, 2.0, out, &err) == RT_ERR_VALIDATION);
    CHECK(rt_math_pow_scalar(RT_DTYPE_FLOAT32, x, 0, -4, 2.0, out, &err) == RT_ERR_VALIDATION);
    CHECK(rt_math_pow_scalar(RT_DTYPE_FLOAT64, NULL, 0, 0, 2.0, NULL, &err) == RT_OK);
}

int main(void) {
    test_special_values();
    test_accuracy_and_variants();
    test_small_exponents();
    test_bad_arguments();
    return check_report("test_pow");
}
