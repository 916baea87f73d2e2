/*
 * Exhaustive float32 accuracy check: every float in [lo, hi] and its negative
 * through rt_math_<name> (the active SIMD level), against glibc's long double
 * function (64-bit mantissa), max error in float32 ULPs of the exact value.
 * Results that overflow float32 or are NaN are skipped (the tests check them).
 * Build and run from the repository root:
 *
 *   cc -std=c11 -O2 -Icsrc/include $(find csrc -name '*.c' -not -path 'csrc/tests*') tools/f32_exhaustive.c -lm -pthread -o /tmp/f32_exhaustive
 *   /tmp/f32_exhaustive tanh 1e-10 10 [scalar|avx2|avx512]
 *
 * The optional last argument forces a SIMD level. Built with -DRT_VEC_NO_FMA
 * and run at the scalar level, it checks the unfused arithmetic of the wasm
 * build (csrc/math/vec32.h) natively.
 */
#include <stdlib.h>
#include "f32_check.h"
typedef rt_status (*ufn)(int32_t, const void *, int64_t, int64_t, void *, rt_error *);
int main(int argc, char **argv) {
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: %s exp|expm1|log|log1p|sinh|cosh|tanh|asin|acos|atan|erf|erfc lo hi [scalar|avx2|avx512]\n", argv[0]);
        return 2;
    }
    if (argc == 5 && !force_level(argv[4])) return 2;
    const char *name = argv[1]; float lo = strtof(argv[2], 0), hi = strtof(argv[3], 0);
    ufn f; long double (*ref)(long double);
    if (!strcmp(name, "exp")) { f = rt_math_exp; ref = expl; }
    else if (!strcmp(name, "expm1")) { f = rt_math_expm1; ref = expm1l; }
    else if (!strcmp(name, "log")) { f = rt_math_log; ref = logl; }
    else if (!strcmp(name, "log1p")) { f = rt_math_log1p; ref = log1pl; }
    else if (!strcmp(name, "sinh")) { f = rt_math_sinh; ref = sinhl; }
    else if (!strcmp(name, "cosh")) { f = rt_math_cosh; ref = coshl; }
    else if (!strcmp(name, "asin")) { f = rt_math_asin; ref = asinl; }
    else if (!strcmp(name, "acos")) { f = rt_math_acos; ref = acosl; }
    else if (!strcmp(name, "atan")) { f = rt_math_atan; ref = atanl; }
    else if (!strcmp(name, "erf")) { f = rt_math_erf; ref = erfl; }
    else if (!strcmp(name, "erfc")) { f = rt_math_erfc; ref = erfcl; }
    else { f = rt_math_tanh; ref = tanhl; }
    uint32_t a, b; memcpy(&a, &lo, 4); memcpy(&b, &hi, 4);
    enum { N = 1 << 20 };
    static float x[2 * N], y[2 * N];
    double worst = 0; float wx = 0; long n = 0;
    for (uint64_t s = a; s <= b; s += N) {
        int m = 0;
        for (uint64_t u = s; u < s + N && u <= b; u++) { uint32_t v = (uint32_t)u; memcpy(&x[m], &v, 4); x[m + 1] = -x[m]; m += 2; }
        f(RT_DTYPE_FLOAT32, x, 0, m, y, NULL);
        for (int i = 0; i < m; i++) {
            long double w = ref((long double)x[i]);
            if (isnan(w) || isinf(w) || fabsl(w) > 3.4028234663852886e38L) continue;
            double err = f32_ulp_error(y[i], w);
            if (err > worst) { worst = err; wx = x[i]; }
        }
        n += m;
    }
    printf("%s [%g, %g] and negatives: %ld floats, max %.4f ULP at %a (%.9g)\n", name, lo, hi, n, worst, wx, wx);
    return 0;
}
