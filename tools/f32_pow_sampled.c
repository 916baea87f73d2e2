/*
 * Sampled float32 pow accuracy check (the pairs are too many for tools/f32_exhaustive.c):
 * `millions` million pairs through rt_math_pow at the active SIMD level, against glibc's long
 * double powl, max error in float32 ULPs of the exact value (subnormal results in units of 2^-149),
 * overall and per kind of pair:
 *
 *   0  x uniform in (0, 10), y uniform in (-10, 10) (the benchmark's inputs)
 *   1  x over every binade (subnormals too), y = t / log2 x with t uniform in [-152, 129]: results
 *      over the whole range, near overflow and in the subnormal range included
 *   2  x = 1 + d with |d| over 2^-1 .. 2^-24, y as in kind 1 (large y: log x's relative error counts)
 *   3  x in [0.94, 1.05] (the subinterval of 1 and its neighbours), y as in kind 1
 *   4  random bits for x > 0 (normal or subnormal), y uniform in (-8, 8) times 2^j, j in [-12, 12]
 *   5  x < 0 with an odd or even integer y in [33, 200] (the sign path), y's sign random
 *
 * A result whose exact value rounds to float32's overflow must be inf (a count of those that are not
 * is printed). Build and run from the repository root (-DRT_VEC_NO_FMA and `scalar`: the wasm arithmetic):
 *
 *   cc -std=c11 -O2 -Icsrc/include $(find csrc -name '*.c' -not -path 'csrc/tests*') tools/f32_pow_sampled.c -lm -pthread -o /tmp/f32_pow
 *   /tmp/f32_pow 20 [scalar|avx2|avx512] [seed]
 */
#include <stdlib.h>
#include "f32_check.h"

/* y with |x|^y = 2^t, t uniform in [-152, 129] (rounded to float32; x = 1 gives y = t). */
static float exponent_for(float x) {
    double l = log2(fabs((double)x)), t = -152.0 + 281.0 * uniform();
    return l == 0.0 ? (float)t : (float)(t / l);
}

/* one pair of the given kind (see the top of the file) into (x, y) */
static void draw(int kind, float *x, float *y) {
    switch (kind) {
    case 0: *x = (float)(10.0 * uniform()); *y = (float)(20.0 * uniform() - 10.0); break;
    case 1: *x = ldexpf((float)(1.0 + uniform()), (int)(next() % 277) - 149); *y = exponent_for(*x); break;
    case 2: {
        double d = ldexp(uniform() + 0.5, -(int)(next() % 24) - 1);
        *x = (float)(next() & 1 ? 1.0 + d : 1.0 - d / 2);
        *y = exponent_for(*x);
        break;
    }
    case 3: *x = (float)(0.94 + 0.11 * uniform()); *y = exponent_for(*x); break;
    case 4: {
        uint32_t bits = (uint32_t)(next() % 0x7f800000u);
        memcpy(x, &bits, 4);
        *y = (float)ldexp(16.0 * uniform() - 8.0, (int)(next() % 25) - 12);
        break;
    }
    default:
        *x = -(float)(0.5 + 1.5 * uniform());
        *y = (float)(33 + next() % 168) * (next() & 1 ? 1.0f : -1.0f);
        break;
    }
}

int main(int argc, char **argv) {
    long total = sampled_pairs(argc, argv, "");
    if (total == 0) return 2;
    enum { N = 1 << 20, KINDS = 6 };
    static float x[N], y[N], out[N];
    double worst = 0, worst_kind[KINDS] = {0};
    float wx = 0, wy = 0;
    long overflow_missed = 0, checked = 0;
    for (long done = 0; done < total; done += N) {
        for (int i = 0; i < N; i++) draw(i % KINDS, &x[i], &y[i]);
        rt_math_pow(RT_DTYPE_FLOAT32, x, 0, y, 0, N, out, NULL);
        for (int i = 0; i < N; i++) {
            long double w = powl((long double)x[i], (long double)y[i]);
            if (isnan(w)) continue;
            if (fabsl(w) >= 0x1.ffffffp127L) { /* rounds to inf */
                overflow_missed += !isinf(out[i]) || !signbit(out[i]) != !signbit(w);
                continue;
            }
            double err = f32_ulp_error(out[i], w);
            checked++;
            if (err > worst_kind[i % KINDS]) worst_kind[i % KINDS] = err;
            if (err > worst) { worst = err; wx = x[i]; wy = y[i]; }
        }
    }
    printf("pow %s: %ld pairs (%ld finite results), max %.4f ULP at x=%a y=%a; overflow not inf: %ld; by kind:",
           argc > 2 ? argv[2] : "(auto)", total, checked, worst, wx, wy, overflow_missed);
    for (int k = 0; k < KINDS; k++) printf(" %.3f", worst_kind[k]);
    printf("\n");
    return 0;
}
