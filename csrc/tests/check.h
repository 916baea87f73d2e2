/* A minimal check harness shared by the C test binaries (one per domain). */
#ifndef RT_TESTS_CHECK_H
#define RT_TESTS_CHECK_H

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

static int check_failures = 0;
static int check_count = 0;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        check_count++;                                                                \
        if (!(cond)) {                                                                \
            check_failures++;                                                         \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                             \
    } while (0)

/* Prints the tally and gives main's exit status. */
static inline int check_report(const char *suite) {
    printf("%s: %d checks, %d failures\n", suite, check_count, check_failures);
    return check_failures == 0 ? 0 : 1;
}

/* Deterministic data: a fixed LCG, so a failure can be replayed. */
static uint64_t check_rng_state = 0x9E3779B97F4A7C15ull;
static inline double check_uniform(void) {
    check_rng_state = check_rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(check_rng_state >> 11) / 9007199254740992.0;
}

/* NaN equals NaN; otherwise equal values with the same sign (so -0.0 != +0.0). */
static inline int check_same_value(double a, double b) {
    return (isnan(a) && isnan(b)) || (a == b && signbit(a) == signbit(b));
}

/* Error of `got` in ULPs of the double nearest to `want` (the subnormal ULP below the normal range):
 * 0 where both are NaN or the same infinity, 1e9 for any other NaN or infinity. */
static inline double check_ulp_error(double got, long double want) {
    double w = (double)want;
    if (isnan(got) || isnan(w) || isinf(got) || isinf(w)) {
        return check_same_value(got, w) ? 0.0 : 1e9;
    }
    int e;
    frexp(w == 0 ? DBL_MIN : w, &e);
    double ulp = ldexp(1.0, e - 53 < -1074 ? -1074 : e - 53);
    return (double)(fabsl((long double)got - want) / ulp);
}

/* The same in float32 ULPs of the float nearest to `want`. */
static inline double check_ulp_error32(float got, long double want) {
    float w = (float)want;
    if (isnan(got) || isnan(w) || isinf(got) || isinf(w)) {
        return check_same_value(got, w) ? 0.0 : 1e9;
    }
    int e;
    frexpf(w == 0 ? FLT_MIN : w, &e);
    double ulp = ldexp(1.0, e - 24 < -149 ? -149 : e - 24);
    return (double)(fabsl((long double)got - want) / ulp);
}

#endif /* RT_TESTS_CHECK_H */
