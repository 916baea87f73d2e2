/* C tests of csrc/anomaly: every SIMD level against the scalar reference, naive references, bad input. */
#define _DEFAULT_SOURCE /* M_PI */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rt/rt.h"

static int levels[4], n_levels = 0;

static void find_levels(void) {
    for (int level = 0; level < 4; level++) {
        if (rt_simd_supported(level)) {
            levels[n_levels++] = level;
        }
    }
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double sorted_quantile(const double *s, int64_t n, double p) {
    double h = (double)(n - 1) * p;
    int64_t k = (int64_t)h;
    return k >= n - 1 ? s[n - 1] : s[k] + (s[k + 1] - s[k]) * (h - (double)k);
}

static int close_rel(double a, double b, double rel) {
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
    if (isinf(a) || isinf(b)) return a == b;
    return fabs(a - b) <= rel * fmax(fabs(b), 1e-300);
}

/* Scores are in units of the scale: compare relative to max(|score|, 1), since a score near 0
   is |x - centre| for x near the centre, where the centre's last-bit rounding dominates. */
static int close_score(double a, double b, double rel) {
    return close_rel(a, b, rel) || (isfinite(a) && isfinite(b) && fabs(a - b) <= rel);
}

/* Naive scores: statistics from a sorted copy / two passes, then the definitions. */
static void naive_scores(int method, const double *x, int64_t n, double *out) {
    double *v = malloc(sizeof(double) * (size_t)(n + 1));
    int64_t m = 0;
    for (int64_t i = 0; i < n; i++) if (!isnan(x[i])) v[m++] = x[i];
    qsort(v, (size_t)m, sizeof(double), compare_doubles);
    double lo, hi, scale;
    if (method == RT_ANOMALY_ZSCORE) {
        double mean = 0, ss = 0;
        for (int64_t i = 0; i < m; i++) mean += v[i];
        mean /= (double)m;
        for (int64_t i = 0; i < m; i++) ss += (v[i] - mean) * (v[i] - mean);
        lo = hi = mean;
        scale = sqrt(ss / (double)m);
    } else if (method == RT_ANOMALY_MAD) {
        double med = sorted_quantile(v, m, 0.5);
        double *dev = malloc(sizeof(double) * (size_t)(m + 1));
        for (int64_t i = 0; i < m; i++) dev[i] = fabs(v[i] - med);
        qsort(dev, (size_t)m, sizeof(double), compare_doubles);
        scale = 1.4826 * sorted_quantile(dev, m, 0.5);
        lo = hi = med;
        free(dev);
    } else {
        lo = sorted_quantile(v, m, 0.25);
        hi = sorted_quantile(v, m, 0.75);
        scale = hi - lo;
    }
    for (int64_t i = 0; i < n; i++) {
        double d = fmax(fmax(lo - x[i], x[i] - hi), 0.0);
        out[i] = isnan(x[i]) ? NAN : (scale > 0 ? d / scale : (d > 0 ? INFINITY : 0.0));
    }
    free(v);
}

static void test_statistical(void) {
    enum { N = 2053 };
    static double x[N], want[N], got[N], ref[N];
    static uint8_t flags[N], ref_flags[N];
    for (int i = 0; i < N; i++) {
        x[i] = 100.0 + 5.0 * (check_uniform() - 0.5) + (i % 97 == 0 ? 60.0 : 0.0);
    }
    x[5] = NAN;
    rt_error err;
    for (int method = 1; method <= 3; method++) {
        naive_scores(method, x, N, want);
        rt_anomaly_summary ref_summary;
        rt_force_impl(RT_SIMD_SCALAR, &err);
        CHECK(rt_anomaly_statistical(method, 2.5, RT_DTYPE_FLOAT64, x, NULL, 0, N, ref, ref_flags, &ref_summary, &err) == RT_OK);
        int ok = 1, flagged = 0;
        for (int i = 0; i < N; i++) {
            if (!close_score(ref[i], want[i], 1e-12)) { if (ok) fprintf(stderr, "method %d i %d got %.17g want %.17g\n", method, i, ref[i], want[i]); ok = 0; }
            ok &= ref_flags[i] == (ref[i] > 2.5);
            flagged += ref_flags[i];
        }
        CHECK(ok);
        CHECK(ref_summary.anomalies == flagged && ref_summary.count == N - 1);
        for (int l = 0; l < n_levels; l++) {
            rt_force_impl(levels[l], &err);
            rt_anomaly_summary s;
            CHECK(rt_anomaly_statistical(method, 2.5, RT_DTYPE_FLOAT64, x, NULL, 0, N, got, flags, &s, &err) == RT_OK);
            CHECK(memcmp(got, ref, sizeof got) == 0 && memcmp(flags, ref_flags, sizeof flags) == 0);
            CHECK(s.anomalies == ref_summary.anomalies);
        }
        rt_force_impl(-1, &err);
    }
    /* Validity bitmap and a float32 column: a null is NaN-scored and never flagged. */
    float xf[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 1000};
    uint8_t validity[2] = {0xff, 0x01}; /* element 9 is null */
    double s10[10];
    uint8_t f10[10];
    CHECK(rt_anomaly_statistical(RT_ANOMALY_ZSCORE, 1.0, RT_DTYPE_FLOAT32, xf, validity, 0, 10, s10, f10, NULL, &err) == RT_OK);
    CHECK(isnan(s10[9]) && f10[9] == 0 && close_rel(s10[0], 4.0 / sqrt(60.0 / 9.0), 1e-12));
    /* Constant data: all scores 0, no division by zero; a lone outlier with MAD 0 is +inf. */
    double c[6] = {3, 3, 3, 3, 3, 3};
    CHECK(rt_anomaly_statistical(RT_ANOMALY_MAD, 3.0, RT_DTYPE_FLOAT64, c, NULL, 0, 6, s10, f10, NULL, &err) == RT_OK);
    CHECK(s10[0] == 0.0 && f10[0] == 0);
    c[2] = 4;
    CHECK(rt_anomaly_statistical(RT_ANOMALY_MAD, 3.0, RT_DTYPE_FLOAT64, c, NULL, 0, 6, s10, f10, NULL, &err) == RT_OK);
    CHECK(isinf(s10[2]) && f10[2] == 1 && s10[0] == 0.0);
    /* An infinite value is left out of the z-score's statistics and scores +inf. */
    double with_inf[5] = {1, 2, 3, INFINITY, NAN};
    rt_anomaly_summary si;
    CHECK(rt_anomaly_statistical(RT_ANOMALY_ZSCORE, 3.0, RT_DTYPE_FLOAT64, with_inf, NULL, 0, 5, s10, f10, &si, &err) == RT_OK);
    CHECK(s10[1] == 0.0 && close_rel(s10[0], 1.0 / sqrt(2.0 / 3.0), 1e-14) && isinf(s10[3]) && f10[3] == 1);
    CHECK(si.count == 4 && si.anomalies == 1 && isnan(s10[4]));
    /* A constant column scores 0 everywhere at every SIMD level: its mean is exact, its std 0. */
    static double constant[3000];
    static double constant_scores[3000];
    for (int half = 0; half < 2; half++) {
        for (int i = 0; i < 3000; i++) {
            constant[i] = half ? 1e9 + 0.1 : 0.1;
        }
        for (int level = 0; level < n_levels; level++) {
            rt_force_impl(levels[level], &err);
            CHECK(rt_anomaly_statistical(RT_ANOMALY_ZSCORE, 0.5, RT_DTYPE_FLOAT64, constant, NULL, 0, 3000,
                                         constant_scores, NULL, &si, &err) == RT_OK);
            double worst = 0.0;
            for (int i = 0; i < 3000; i++) {
                worst = constant_scores[i] > worst ? constant_scores[i] : worst;
            }
            CHECK(worst == 0.0 && si.anomalies == 0 && si.scale == 0.0 && si.center == constant[0]);
        }
        rt_force_impl(-1, &err);
    }
    /* Only infinities: no finite statistics, but every infinity still scores +inf. */
    double only_inf[3] = {INFINITY, -INFINITY, NAN};
    CHECK(rt_anomaly_statistical(RT_ANOMALY_ZSCORE, 3.0, RT_DTYPE_FLOAT64, only_inf, NULL, 0, 3, s10, f10, &si, &err) == RT_OK);
    CHECK(isinf(s10[0]) && isinf(s10[1]) && isnan(s10[2]) && f10[0] == 1 && f10[1] == 1 && f10[2] == 0);
    CHECK(si.anomalies == 2 && isnan(si.center));
    /* The median of {0, inf} interpolates to NaN (numpy's lerp): MAD and IQR scores are undefined. */
    double zero_inf[2] = {0, INFINITY};
    CHECK(rt_anomaly_statistical(RT_ANOMALY_MAD, 3.5, RT_DTYPE_FLOAT64, zero_inf, NULL, 0, 2, s10, f10, &si, &err) == RT_OK);
    CHECK(isnan(s10[0]) && isnan(s10[1]) && f10[0] == 0 && f10[1] == 0 && si.anomalies == 0);
    /* Bad input. */
    CHECK(rt_anomaly_statistical(RT_ANOMALY_ZSCORE, 0.0, RT_DTYPE_FLOAT64, c, NULL, 0, 6, s10, NULL, NULL, &err) == RT_ERR_VALIDATION);
    CHECK(strcmp(err.context, "threshold") == 0);
    CHECK(rt_anomaly_statistical(9, 1.0, RT_DTYPE_FLOAT64, c, NULL, 0, 6, s10, NULL, NULL, &err) == RT_ERR_VALIDATION);
    CHECK(rt_anomaly_statistical(1, 1.0, 77, c, NULL, 0, 6, s10, NULL, NULL, &err) == RT_ERR_VALIDATION);
    CHECK(rt_anomaly_statistical(1, 1.0, RT_DTYPE_FLOAT64, NULL, NULL, 0, 0, NULL, NULL, NULL, &err) == RT_OK);
}

/* Scoring against given statistics: the column's own band reproduces rt_anomaly_statistical bit for bit. */
static void test_score_band(void) {
    enum { N = 1031 };
    static double x[N], want[N], got[N];
    static uint8_t want_flags[N], flags[N];
    for (int i = 0; i < N; i++) {
        x[i] = 10.0 + 3.0 * (check_uniform() - 0.5) + (i % 61 == 0 ? 25.0 : 0.0);
    }
    x[7] = NAN;
    rt_error err;
    for (int l = 0; l < n_levels; l++) {
        rt_force_impl(levels[l], &err);
        for (int method = 1; method <= 3; method++) {
            rt_anomaly_summary s;
            CHECK(rt_anomaly_statistical(method, 2.0, RT_DTYPE_FLOAT64, x, NULL, 0, N, want, want_flags, &s, &err) == RT_OK);
            double lo = method == RT_ANOMALY_IQR ? s.q1 : s.center, hi = method == RT_ANOMALY_IQR ? s.q3 : s.center;
            int64_t n_anomalies = -1;
            CHECK(rt_anomaly_score_band(lo, hi, s.scale, 2.0, RT_DTYPE_FLOAT64, x, NULL, 0, N, got, flags, &n_anomalies, &err) == RT_OK);
            CHECK(memcmp(got, want, sizeof got) == 0 && memcmp(flags, want_flags, sizeof flags) == 0);
            CHECK(n_anomalies == s.anomalies);
        }
    }
    rt_force_impl(-1, &err);
    /* Hand fixture: band [1, 3], scale 2, an int32 column with a null and an offset. */
    int32_t xi[6] = {99, 0, 2, 7, 4, -5};
    uint8_t validity[1] = {0x3d}; /* element 1 is null */
    double s5[5];
    uint8_t f5[5];
    int64_t n5 = 0;
    CHECK(rt_anomaly_score_band(1.0, 3.0, 2.0, 1.5, RT_DTYPE_INT32, xi, validity, 1, 5, s5, f5, &n5, &err) == RT_OK);
    CHECK(isnan(s5[0]) && s5[1] == 0.0 && s5[2] == 2.0 && s5[3] == 0.5 && s5[4] == 3.0);
    CHECK(f5[0] == 0 && f5[1] == 0 && f5[2] == 1 && f5[3] == 0 && f5[4] == 1 && n5 == 2);
    /* Scale 0 (constant reference): the band scores 0, anything else +inf. */
    double c3[3] = {2.0, 2.0, 5.0};
    CHECK(rt_anomaly_score_band(2.0, 2.0, 0.0, 3.0, RT_DTYPE_FLOAT64, c3, NULL, 0, 3, s5, NULL, NULL, &err) == RT_OK);
    CHECK(s5[0] == 0.0 && isinf(s5[2]));
    /* Bad statistics name the argument. */
    CHECK(rt_anomaly_score_band(NAN, 1.0, 1.0, 3.0, RT_DTYPE_FLOAT64, c3, NULL, 0, 3, s5, NULL, NULL, &err) == RT_ERR_VALIDATION);
    CHECK(strcmp(err.context, "center") == 0);
    CHECK(rt_anomaly_score_band(2.0, 1.0, 1.0, 3.0, RT_DTYPE_FLOAT64, c3, NULL, 0, 3, s5, NULL, NULL, &err) == RT_ERR_VALIDATION);
    CHECK(rt_anomaly_score_band(1.0, 1.0, -1.0, 3.0, RT_DTYPE_FLOAT64, c3, NULL, 0, 3, s5, NULL, NULL, &err) == RT_ERR_VALIDATION);
    CHECK(strcmp(err.context, "scale") == 0);
    CHECK(rt_anomaly_score_band(1.0, 1.0, INFINITY, 3.0, RT_DTYPE_FLOAT64, c3, NULL, 0, 3, s5, NULL, NULL, &err) == RT_ERR_VALIDATION);
    CHECK(rt_anomaly_score_band(1.0, 1.0, 1.0, 0.0, RT_DTYPE_FLOAT64, c3, NULL, 0, 3, s5, NULL, NULL, &err) == RT_ERR_VALIDATION);
    CHECK(strcmp(err.context, "threshold") == 0);
    CHECK(rt_anomaly_score_band(1.0, 1.0, 1.0, 3.0, RT_DTYPE_FLOAT64, c3, NULL, 0, 3, NULL, NULL, NULL, &err) == RT_ERR_VALIDATION);
    CHECK(rt_anomaly_score_band(1.0, 1.0, 1.0, 3.0, 77, c3, NULL, 0, 3, s5, NULL, NULL, &err) == RT_ERR_VALIDATION);
    int64_t none = -1;
    CHECK(rt_anomaly_score_band(1.0, 1.0, 1.0, 3.0, RT_DTYPE_FLOAT64, NULL, NULL, 0, 0, NULL, NULL, &none, &err) == RT_OK);
    CHECK(none == 0);
}

/* Statistics alone, then the scoring pass in slices (as threads run it): the bits of one call. */
static void test_score_summary(void) {
    enum { N = 2053, CUT = 777 };
    static double x[N + 1], want[N], got[N]; /* the column is x[1..N]: offset 1 */
    static uint8_t want_flags[N], flags[N], validity[(N + 1 + 7) / 8];
    for (int i = 1; i <= N; i++) {
        x[i] = 4.0 + (check_uniform() - 0.5) + (i % 97 == 0 ? 9.0 : 0.0);
    }
    for (int i = 0; i < N + 1; i++) { /* bit i + 1 is element i: a null every 31st */
        if (i == 0 || (i - 1) % 31 != 5) {
            validity[i / 8] |= (uint8_t)(1u << (i % 8));
        }
    }
    rt_error err;
    for (int method = 1; method <= 3; method++) {
        rt_anomaly_summary full, stats;
        CHECK(rt_anomaly_statistical(method, 2.5, RT_DTYPE_FLOAT64, x, validity, 1, N, want, want_flags, &full, &err) == RT_OK);
        CHECK(rt_anomaly_statistical(method, 2.5, RT_DTYPE_FLOAT64, x, validity, 1, N, NULL, NULL, &stats, &err) == RT_OK);
        CHECK(stats.count == 0 && stats.anomalies == 0 && stats.center == full.center && stats.scale == full.scale);
        int64_t a[2] = {-1, -1}, b[2] = {-1, -1};
        CHECK(rt_anomaly_score_summary(method, 2.5, &stats, RT_DTYPE_FLOAT64, x, validity, 1, CUT, got, flags, a, &err) == RT_OK);
        CHECK(rt_anomaly_score_summary(method, 2.5, &stats, RT_DTYPE_FLOAT64, x, validity, 1 + CUT, N - CUT, got + CUT,
                                       flags + CUT, b, &err) == RT_OK);
        CHECK(memcmp(got, want, sizeof got) == 0 && memcmp(flags, want_flags, sizeof flags) == 0);
        CHECK(a[0] + b[0] == full.anomalies && a[1] + b[1] == full.count && full.anomalies > 0);
    }
    /* A value on a band edge of -0.0 scores +0 at every level (MAXPD would keep -0), as the scalar code does. */
    double zeros[19] = {0};
    double zero_scores[19];
    for (int l = 0; l < n_levels; l++) {
        rt_force_impl(levels[l], &err);
        CHECK(rt_anomaly_score_band(-0.0, 1.0, 2.0, 3.0, RT_DTYPE_FLOAT64, zeros, NULL, 0, 19, zero_scores, NULL, NULL, &err) == RT_OK);
        for (int i = 0; i < 19; i++) {
            CHECK(zero_scores[i] == 0.0 && !signbit(zero_scores[i]));
        }
    }
    rt_force_impl(-1, &err);
    /* Statistics alone need a summary and take no flags; scoring needs a summary. */
    rt_anomaly_summary s;
    CHECK(rt_anomaly_statistical(1, 3.0, RT_DTYPE_FLOAT64, x, NULL, 0, 3, NULL, NULL, NULL, &err) == RT_ERR_VALIDATION);
    CHECK(rt_anomaly_statistical(1, 3.0, RT_DTYPE_FLOAT64, x, NULL, 0, 3, NULL, flags, &s, &err) == RT_ERR_VALIDATION);
    CHECK(rt_anomaly_score_summary(1, 3.0, NULL, RT_DTYPE_FLOAT64, x, NULL, 0, 3, got, NULL, NULL, &err) == RT_ERR_VALIDATION);
    CHECK(rt_anomaly_score_summary(2, 0.0, &s, RT_DTYPE_FLOAT64, x, NULL, 0, 3, got, NULL, NULL, &err) == RT_ERR_VALIDATION);
}

/* Above 262,144 values IQR and MAD use sampled brackets: their fences equal the copy-and-select ones. */
static void test_large_quantiles(void) {
    enum { N = 300007 };
    static double x[N], scores[N];
    rt_error err;
    for (int variant = 0; variant < 3; variant++) {
        for (int i = 0; i < N; i++) {
            double u = check_uniform();
            x[i] = variant == 1 ? (double)(int)(u * 3.0) : (variant == 2 && i % 10 == 0 ? NAN : u * u * 100.0);
        }
        static const double probs[3] = {0.25, 0.5, 0.75};
        double q[3], median, mad;
        CHECK(rt_stats_quantiles(RT_DTYPE_FLOAT64, x, NULL, 0, N, 1, probs, 3, q, &err) == RT_OK);
        CHECK(rt_stats_median_mad(RT_DTYPE_FLOAT64, x, NULL, 0, N, 1, &median, &mad, &err) == RT_OK);
        for (int l = 0; l < n_levels; l++) {
            rt_force_impl(levels[l], &err);
            rt_anomaly_summary s;
            CHECK(rt_anomaly_statistical(RT_ANOMALY_IQR, 1.5, RT_DTYPE_FLOAT64, x, NULL, 0, N, scores, NULL, &s, &err) == RT_OK);
            CHECK(s.q1 == q[0] && s.q3 == q[2] && s.center == q[1]);
            CHECK(rt_anomaly_statistical(RT_ANOMALY_MAD, 3.5, RT_DTYPE_FLOAT64, x, NULL, 0, N, scores, NULL, &s, &err) == RT_OK);
            CHECK(s.center == median && s.scale == 1.4826 * mad);
        }
        rt_force_impl(-1, &err);
    }
}

static void test_stream(void) {
    enum { N = 5000, W = 50 };
    static double x[N], scores[N];
    for (int i = 0; i < N; i++) {
        x[i] = 1e9 + 10.0 * check_uniform() + (i % 501 == 0 ? 100.0 : 0.0);
    }
    x[777] = NAN;
    rt_error err;
    void *d = NULL, *d2 = NULL;
    CHECK(rt_anomaly_detector_new(3.0, W, &d, &err) == RT_OK);
    int ok = 1;
    double window[W];
    int fill = 0, head = 0;
    for (int i = 0; i < N; i++) {
        rt_anomaly_record rec;
        CHECK(rt_anomaly_detector_update(d, x[i], &rec, &err) == RT_OK);
        ok &= rec.index == i;
        if (isnan(x[i])) {
            ok &= isnan(rec.score) && !rec.is_anomaly;
            continue;
        }
        if (fill == W) {
            /* Values minus 1e9 are exact here: the reference works on small numbers. */
            double shifted = 0, ss = 0;
            for (int j = 0; j < W; j++) shifted += window[j] - 1e9;
            shifted /= W;
            for (int j = 0; j < W; j++) ss += (window[j] - 1e9 - shifted) * (window[j] - 1e9 - shifted);
            double std = sqrt(ss / W);
            ok &= close_rel(rec.mean, shifted + 1e9, 1e-15) && close_rel(rec.std, std, 1e-9);
            ok &= close_rel(rec.score, fabs((x[i] - 1e9) - shifted) / std, 1e-9);
        } else {
            ok &= isnan(rec.score) && !rec.is_anomaly; /* warm-up */
        }
        window[head] = x[i];
        head = (head + 1) % W;
        fill += fill < W;
    }
    CHECK(ok);
    /* Serialise mid-stream: the copy continues exactly like the original, through update_many. */
    int64_t nbytes = 0;
    CHECK(rt_anomaly_detector_serialized_size(d, &nbytes, &err) == RT_OK);
    uint8_t *bytes = malloc((size_t)nbytes);
    CHECK(rt_anomaly_detector_serialize(d, bytes, nbytes, &err) == RT_OK);
    CHECK(rt_anomaly_detector_deserialize(bytes, nbytes, &d2, &err) == RT_OK);
    int64_t n_a = 0, n_b = 0;
    static double scores2[N];
    CHECK(rt_anomaly_detector_update_many(d, RT_DTYPE_FLOAT64, x, NULL, 0, N, scores, NULL, &n_a, &err) == RT_OK);
    CHECK(rt_anomaly_detector_update_many(d2, RT_DTYPE_FLOAT64, x, NULL, 0, N, scores2, NULL, &n_b, &err) == RT_OK);
    CHECK(n_a == n_b && n_a >= 9 && memcmp(scores, scores2, sizeof scores) == 0);
    /* update_many's register-resident loop gives the bits of one update() per value. */
    void *one = NULL, *many = NULL;
    CHECK(rt_anomaly_detector_new(3.0, 7, &one, &err) == RT_OK && rt_anomaly_detector_new(3.0, 7, &many, &err) == RT_OK);
    CHECK(rt_anomaly_detector_update_many(many, RT_DTYPE_FLOAT64, x, NULL, 0, N, scores2, NULL, &n_b, &err) == RT_OK);
    int same = 1;
    for (int i = 0; i < N; i++) {
        rt_anomaly_record r;
        rt_anomaly_detector_update(one, x[i], &r, &err);
        same &= check_same_value(r.score, scores2[i]);
    }
    rt_anomaly_record ra, rb;
    rt_anomaly_detector_last(one, &ra, &err);
    rt_anomaly_detector_last(many, &rb, &err);
    CHECK(same && memcmp(&ra, &rb, sizeof ra) == 0);
    rt_anomaly_detector_free(one, &err);
    rt_anomaly_detector_free(many, &err);
    /* A count that would overflow (or any counters that do not add up) is refused even when resealed. */
    int64_t huge = INT64_MAX;
    memcpy(bytes + RT_ENVELOPE_HEADER_BYTES + 5 * 8, &huge, 8);
    CHECK(rt_anomaly_detector_deserialize(bytes, nbytes, &d2, &err) == RT_ERR_VALIDATION);
    CHECK(strstr(err.message, "checksum") != NULL);
    CHECK(rt_envelope_seal(bytes, nbytes, 0x44535452u, 2, nbytes - RT_ENVELOPE_HEADER_BYTES, &err) == RT_OK);
    CHECK(rt_anomaly_detector_deserialize(bytes, nbytes, &d2, &err) == RT_ERR_VALIDATION);
    CHECK(strstr(err.message, "inconsistent detector counters") != NULL);
    bytes[0] ^= 1;
    CHECK(rt_anomaly_detector_deserialize(bytes, nbytes, &d2, &err) == RT_ERR_VALIDATION);
    CHECK(strstr(err.message, "wrong magic") != NULL);
    CHECK(rt_anomaly_detector_deserialize(bytes, nbytes - 1, &d2, &err) == RT_ERR_VALIDATION);
    free(bytes);
    rt_anomaly_detector_stats st;
    CHECK(rt_anomaly_detector_statistics(d, &st, &err) == RT_OK);
    CHECK(st.count == 2 * N && st.missing == 2 && st.window_fill == W);
    /* A constant stream never flags; the first different value is +inf. */
    void *c = NULL;
    CHECK(rt_anomaly_detector_new(3.0, 4, &c, &err) == RT_OK);
    for (int i = 0; i < 10; i++) CHECK(rt_anomaly_detector_push(c, 2.5) == 0);
    CHECK(rt_anomaly_detector_push(c, 2.6) == 1);
    rt_anomaly_record last;
    CHECK(rt_anomaly_detector_last(c, &last, &err) == RT_OK && isinf(last.score) && last.std == 0.0);
    /* Bad input. */
    void *bad = NULL;
    CHECK(rt_anomaly_detector_new(3.0, 1, &bad, &err) == RT_ERR_VALIDATION && strcmp(err.context, "window_size") == 0);
    CHECK(rt_anomaly_detector_new(-1.0, 10, &bad, &err) == RT_ERR_VALIDATION && strcmp(err.context, "threshold") == 0);
    CHECK(rt_anomaly_detector_set_threshold(c, NAN, &err) == RT_ERR_VALIDATION);
    CHECK(rt_anomaly_detector_push(NULL, 1.0) == -1);
    CHECK(rt_anomaly_detector_free(c, &err) == RT_OK);
    CHECK(rt_anomaly_detector_free(d, &err) == RT_OK);
    CHECK(rt_anomaly_detector_free(d2, &err) == RT_OK);
}

static void test_iforest(void) {
    enum { N = 3001, D = 5 };
    static double x[N * D], ref[N], got[N];
    for (int i = 0; i < N * D; i++) {
        x[i] = check_uniform() + ((i / D) % 300 == 0 ? 4.0 : 0.0);
    }
    x[7] = NAN; /* NaN is handled: it goes right */
    rt_error err;
    void *forest = NULL;
    CHECK(rt_iforest_fit(x, N, D, 50, 256, 42, &forest, &err) == RT_OK);
    rt_iforest_info info;
    CHECK(rt_iforest_info_get(forest, &info, &err) == RT_OK);
    CHECK(info.n_trees == 50 && info.max_samples == 256 && info.max_depth == 8 && info.n_nodes <= 50 * 511);
    rt_force_impl(RT_SIMD_SCALAR, &err);
    CHECK(rt_iforest_score(forest, x, N, D, 1, ref, &err) == RT_OK);
    for (int l = 0; l < n_levels; l++) {
        rt_force_impl(levels[l], &err);
        for (int threads = 1; threads <= 3; threads++) {
            CHECK(rt_iforest_score(forest, x, N, D, threads, got, &err) == RT_OK);
            CHECK(memcmp(got, ref, sizeof got) == 0);
        }
        CHECK(rt_iforest_score(forest, x + D, 7, D, 1, got, &err) == RT_OK); /* tail shorter than a vector */
        CHECK(memcmp(got, ref + 1, 7 * sizeof(double)) == 0);
    }
    rt_force_impl(-1, &err);
    /* Outlying rows (every 300th) score higher than the typical row. */
    double inlier = 0, outlier = 0;
    for (int i = 0; i < N; i++) {
        if (i % 300 == 0) outlier += ref[i] / 11.0; else inlier += ref[i] / (N - 11.0);
        CHECK(ref[i] > 0.0 && ref[i] <= 1.0);
    }
    CHECK(outlier > inlier + 0.15);
    /* Same seed, same forest; the serialised copy scores identically. */
    void *again = NULL, *copy = NULL;
    CHECK(rt_iforest_fit(x, N, D, 50, 256, 42, &again, &err) == RT_OK);
    CHECK(rt_iforest_score(again, x, N, D, 1, got, &err) == RT_OK && memcmp(got, ref, sizeof got) == 0);
    int64_t nbytes = 0;
    CHECK(rt_iforest_serialized_size(forest, &nbytes, &err) == RT_OK);
    uint8_t *bytes = malloc((size_t)nbytes);
    CHECK(rt_iforest_serialize(forest, bytes, nbytes, &err) == RT_OK);
    CHECK(rt_iforest_deserialize(bytes, nbytes, &copy, &err) == RT_OK);
    CHECK(rt_iforest_score(copy, x, N, D, 1, got, &err) == RT_OK && memcmp(got, ref, sizeof got) == 0);
    /* A corrupted child index is caught by the checksum; resealed, by the structure check: never followed. */
    int64_t first_node = RT_ENVELOPE_HEADER_BYTES + 8 * (4 + 50 + 1);
    int32_t right = 100000;
    memcpy(bytes + first_node + 12, &right, 4);
    void *broken = NULL;
    CHECK(rt_iforest_deserialize(bytes, nbytes, &broken, &err) == RT_ERR_VALIDATION);
    CHECK(strstr(err.message, "checksum") != NULL && strcmp(err.context, "rt_iforest_deserialize") == 0);
    CHECK(rt_envelope_seal(bytes, nbytes, 0x46495452u, 2, nbytes - RT_ENVELOPE_HEADER_BYTES, &err) == RT_OK);
    CHECK(rt_iforest_deserialize(bytes, nbytes, &broken, &err) == RT_ERR_VALIDATION);
    CHECK(strstr(err.message, "malformed tree node") != NULL);
    CHECK(rt_iforest_deserialize(bytes, nbytes - 8, &broken, &err) == RT_ERR_VALIDATION);
    CHECK(strstr(err.message, "truncated") != NULL);
    /* A leaf whose stored path length is not depth + c(n) (scores outside (0, 1], found by fuzz_iforest). */
    CHECK(rt_iforest_serialize(forest, bytes, nbytes, &err) == RT_OK);
    int64_t leaf = first_node;
    for (int32_t feature = 0; feature >= 0; leaf += 16) {
        memcpy(&feature, bytes + leaf + 8, 4);
    }
    leaf -= 16;
    double path;
    memcpy(&path, bytes + leaf, 8);
    path = -path;
    memcpy(bytes + leaf, &path, 8);
    CHECK(rt_envelope_seal(bytes, nbytes, 0x46495452u, 2, nbytes - RT_ENVELOPE_HEADER_BYTES, &err) == RT_OK);
    CHECK(rt_iforest_deserialize(bytes, nbytes, &broken, &err) == RT_ERR_VALIDATION);
    CHECK(strstr(err.message, "path length") != NULL);
    free(bytes);
    /* Explanations: the outlier rows were isolated by some feature with a positive share. */
    int32_t top[N];
    double share[N];
    CHECK(rt_iforest_explain(forest, x, N, D, top, share, &err) == RT_OK);
    CHECK(top[300] >= 0 && top[300] < D && share[300] > 0.0 && share[300] <= 1.0);
    /* Bad input. */
    void *bad = NULL;
    CHECK(rt_iforest_fit(x, N, D, 0, 256, 1, &bad, &err) == RT_ERR_VALIDATION && strcmp(err.context, "n_estimators") == 0);
    CHECK(rt_iforest_fit(x, 0, D, 10, 256, 1, &bad, &err) == RT_ERR_VALIDATION);
    CHECK(rt_iforest_score(forest, x, N, D + 1, 1, got, &err) == RT_ERR_VALIDATION);
    CHECK(rt_iforest_free(forest, &err) == RT_OK && rt_iforest_free(again, &err) == RT_OK);
    CHECK(rt_iforest_free(copy, &err) == RT_OK);
}

/* Trees deeper than the complete layout allows (psi 9000: depth 14) take the sparse kernels. */
static void test_deep_forest(void) {
    enum { N = 9000, D = 2 };
    static double x[N * D], ref[N], got[N];
    for (int i = 0; i < N * D; i++) {
        x[i] = check_uniform();
    }
    rt_error err;
    void *forest = NULL;
    CHECK(rt_iforest_fit(x, N, D, 3, N, 5, &forest, &err) == RT_OK);
    rt_force_impl(RT_SIMD_SCALAR, &err);
    CHECK(rt_iforest_score(forest, x, N, D, 1, ref, &err) == RT_OK);
    for (int l = 0; l < n_levels; l++) {
        rt_force_impl(levels[l], &err);
        CHECK(rt_iforest_score(forest, x, N, D, 2, got, &err) == RT_OK);
        CHECK(memcmp(got, ref, sizeof got) == 0);
    }
    rt_force_impl(-1, &err);
    rt_iforest_free(forest, &err);
}

/* A hand-built tree: root splits feature 0 at 0.5; left is a leaf of 3 rows, right a leaf of 1. */
static void test_hand_tree(void) {
    int64_t start[2] = {0, 3};
    int32_t feature[3] = {0, -1, -1}, right[3] = {2, 0, 0};
    double threshold[3] = {0.5, 0, 0};
    int64_t counts[3] = {4, 3, 1};
    rt_error err;
    void *f = NULL;
    CHECK(rt_iforest_from_trees(1, 1, 4, start, feature, right, threshold, counts, &f, &err) == RT_OK);
    double x[2] = {0.1, 0.9}, s[2];
    CHECK(rt_iforest_score(f, x, 2, 1, 1, s, &err) == RT_OK);
    double c4 = 2.0 * (log(3.0) + 0.5772156649015329) - 1.5, c3 = 2.0 * (log(2.0) + 0.5772156649015329) - 4.0 / 3.0;
    CHECK(close_rel(s[0], pow(2.0, -(1.0 + c3) / c4), 1e-14));
    CHECK(close_rel(s[1], pow(2.0, -1.0 / c4), 1e-14));
    CHECK(close_rel(rt_iforest_average_path_length(256.0), 2.0 * (log(255.0) + 0.5772156649015329) - 2.0 * 255.0 / 256.0, 1e-15));
    int32_t cyclic[3] = {0, -1, -1}, back[3] = {0, 0, 0};
    void *bad = NULL;
    CHECK(rt_iforest_from_trees(1, 1, 4, start, cyclic, back, threshold, counts, &bad, &err) == RT_ERR_VALIDATION);
    /* max_samples near 2^63 (as hostile bytes may say) once shifted 1 past bit 62 (found by fuzz_iforest). */
    void *huge = NULL;
    CHECK(rt_iforest_from_trees(1, 1, INT64_MAX, start, feature, right, threshold, counts, &huge, &err) == RT_OK);
    rt_iforest_free(huge, &err);
    rt_iforest_free(f, &err);
}

static void test_seasonal(void) {
    enum { N = 480, P = 24 };
    static double x[N], trend[N], season[N], resid[N], scores[N];
    for (int i = 0; i < N; i++) {
        x[i] = 0.01 * i + sin(2.0 * M_PI * i / P);
    }
    x[300] += 5.0;
    rt_stl_params p = {.period = P, .seasonal = 7, .trend = 47, .low_pass = 25, .seasonal_deg = 1, .trend_deg = 1,
                       .low_pass_deg = 1, .robust = 0, .seasonal_jump = 1, .trend_jump = 5, .low_pass_jump = 3,
                       .inner = 2, .outer = 0};
    rt_error err;
    CHECK(rt_anomaly_stl(x, N, &p, trend, season, resid, &err) == RT_OK);
    int ok = 1, largest = 0;
    for (int i = 0; i < N; i++) {
        ok &= fabs(trend[i] + season[i] + resid[i] - x[i]) < 1e-12;
        largest = fabs(resid[i]) > fabs(resid[largest]) ? i : largest;
    }
    CHECK(ok && largest == 300 && resid[300] > 3.0);
    /* Robust passes (values checked against statsmodels in the Python tests) keep the identity. */
    p.robust = 1;
    p.inner = 1;
    p.outer = 15;
    CHECK(rt_anomaly_stl(x, N, &p, trend, season, resid, &err) == RT_OK);
    ok = 1;
    for (int i = 0; i < N; i++) {
        ok &= fabs(trend[i] + season[i] + resid[i] - x[i]) < 1e-12;
    }
    CHECK(ok);
    /* Causal: the spike stands out, and no point before it is affected by it. */
    static double prefix[N];
    CHECK(rt_anomaly_seasonal_causal(x, N, P, 3, 48, NULL, scores, &err) == RT_OK);
    CHECK(rt_anomaly_seasonal_causal(x, 300, P, 3, 48, NULL, prefix, &err) == RT_OK);
    CHECK(memcmp(prefix, scores, 300 * sizeof(double)) == 0);
    CHECK(isnan(scores[0]) && isnan(scores[4 * P - 1]) && scores[300] > 20.0);
    /* Bad parameters. */
    rt_stl_params bad = p;
    bad.seasonal = 8;
    CHECK(rt_anomaly_stl(x, N, &bad, trend, season, resid, &err) == RT_ERR_VALIDATION && strcmp(err.context, "seasonal") == 0);
    bad = p;
    bad.period = N;
    CHECK(rt_anomaly_stl(x, N, &bad, trend, season, resid, &err) == RT_ERR_VALIDATION && strcmp(err.context, "period") == 0);
    x[3] = NAN;
    CHECK(rt_anomaly_stl(x, N, &p, trend, season, resid, &err) == RT_ERR_VALIDATION);
    CHECK(rt_anomaly_seasonal_causal(x, N, 1, 3, 48, NULL, scores, &err) == RT_ERR_VALIDATION);
}

int main(void) {
    find_levels();
    test_statistical();
    test_score_band();
    test_score_summary();
    test_large_quantiles();
    test_stream();
    test_iforest();
    test_hand_tree();
    test_deep_forest();
    test_seasonal();
    return check_report("anomaly");
}
