/*
 * Sampled float32 atan2 accuracy check (the pairs are too many for tools/f32_exhaustive.c):
 * `millions` million pairs through rt_math_atan2 at the active SIMD level, against glibc's long
 * double atan2l, max error in float32 ULPs of the exact value, overall and per kind of pair:
 *
 *   0  uniform(-1, 1) pairs (the benchmark's inputs)
 *   1  both magnitudes over 2^+-40
 *   2  quotients just above 2^-k, k < 24 (u and atan u in different binades: the quotient's tail)
 *   3  quotients in [0.55, 0.65] (around atan's centre threshold ~0.6016)
 *   4  both magnitudes over 2^+-125 (the range checks and the out-of-line path)
 *   5  quotients in [0.45, 0.55] (atan2's centre threshold 1/2; results just below 1/2)
 *
 * with random signs and, but for kind 5 with `near-half`, the two swapped half the time.
 * Build and run from the repository root (-DRT_VEC_NO_FMA and `scalar`: the wasm arithmetic):
 *
 *   cc -std=c11 -O2 -Icsrc/include $(find csrc -name '*.c' -not -path 'csrc/tests*') tools/f32_atan2_sampled.c -lm -pthread -o /tmp/f32_atan2
 *   /tmp/f32_atan2 40 [scalar|avx2|avx512] [seed] [near-half]
 *
 * `near-half` draws every pair with a quotient in [0.49, 0.61] instead (results just below and
 * above 1/2).
 */
#include <stdlib.h>
#include "f32_check.h"

static float uniformf(void) { return (float)uniform(); }

/* one pair of the given kind (see the top of the file) into (a, b) */
static void draw(int kind, int near_half, float *a, float *b) {
    if (near_half) {
        *b = ldexpf(uniformf() + 0.5f, (int)(next() % 40) - 20);
        *a = *b * (0.49f + uniformf() * 0.12f);
        return;
    }
    switch (kind) {
    case 0: *a = uniformf() * 2 - 1; *b = uniformf() * 2 - 1; break;
    case 1: *a = ldexpf(uniformf() + 0.5f, (int)(next() % 80) - 40); *b = ldexpf(uniformf() + 0.5f, (int)(next() % 80) - 40); break;
    case 2: *b = uniformf() + 0.5f; *a = *b * ldexpf(1.0f, -(int)(next() % 24)) * (1.0f + uniformf() * 0.12f); break;
    case 3: *b = uniformf() + 0.5f; *a = *b * (0.55f + uniformf() * 0.1f); break;
    case 4: *a = ldexpf(uniformf() + 0.5f, (int)(next() % 250) - 125); *b = ldexpf(uniformf() + 0.5f, (int)(next() % 250) - 125); break;
    default: *b = uniformf() + 0.5f; *a = *b * (0.45f + uniformf() * 0.1f); break;
    }
    if (kind != 5 && (next() & 1)) {
        float t = *a;
        *a = *b;
        *b = t;
    }
}

int main(int argc, char **argv) {
    long total = sampled_pairs(argc, argv, " [near-half]");
    if (total == 0) return 2;
    int near_half = argc > 4 && !strcmp(argv[4], "near-half");
    enum { N = 1 << 20, KINDS = 6 };
    static float y[N], x[N], out[N];
    double worst = 0, worst_kind[KINDS] = {0};
    float wy = 0, wx = 0;
    for (long done = 0; done < total; done += N) {
        for (int i = 0; i < N; i++) {
            draw(i % KINDS, near_half, &y[i], &x[i]);
            if (next() & 1) y[i] = -y[i];
            if (next() & 1) x[i] = -x[i];
        }
        rt_math_atan2(RT_DTYPE_FLOAT32, y, 0, x, 0, N, out, NULL);
        for (int i = 0; i < N; i++) {
            long double w = atan2l((long double)y[i], (long double)x[i]);
            double err = f32_ulp_error(out[i], w);
            if (err > worst_kind[i % KINDS]) worst_kind[i % KINDS] = err;
            if (err > worst) { worst = err; wy = y[i]; wx = x[i]; }
        }
    }
    printf("atan2 %s%s: %ld pairs, max %.4f ULP at y=%a x=%a; by kind:", argc > 2 ? argv[2] : "(auto)",
           near_half ? " near-half" : "", total, worst, wy, wx);
    for (int k = 0; k < KINDS; k++) printf(" %.3f", worst_kind[k]);
    printf("\n");
    return 0;
}
