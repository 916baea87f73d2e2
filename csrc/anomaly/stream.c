/*
 * Streaming z-score detector: each value is scored against the mean and
 * population std of the previous window_size valid values, then joins the
 * window. The window is a ring buffer with running sums of (x - anchor) and
 * (x - anchor)^2, so an update is O(1). Sums of shifted values lose digits
 * when values are far from the anchor and the subtractions of leaving values
 * accumulate rounding, so every window_size updates the sums are recomputed
 * exactly from the buffer around a new anchor (the newest value: a member of
 * the window, so a constant window gives exactly zero variance). That keeps
 * the cost O(1) amortised and the drift bounded by one window's rounding.
 */
#include "rt/anomaly.h"
#include "rt/memory.h"
#include "rt/simd.h"

#include "anomaly_internal.h"
#include "../serial/envelope.h"

#if RT_ARCH_X86
#include <immintrin.h>
#endif

#define DETECTOR_MAGIC 0x44535452u /* "RTSD" */
#define DETECTOR_FORMAT 2

typedef struct detector {
    uint32_t magic;
    uint32_t reserved;
    double threshold;
    int64_t window_size;
    int64_t head; /* next ring slot to write */
    int64_t fill; /* valid values in the window */
    int64_t since_anchor;
    int64_t count;
    int64_t anomalies;
    int64_t missing;
    double anchor;
    double sum;   /* of (x - anchor) over the window */
    double sumsq; /* of (x - anchor)^2 over the window */
    rt_anomaly_record last;
    double ring[]; /* window_size values */
} detector;

/*
 * Serialised form: the envelope of rt/serial.h (magic "RTSD", DETECTOR_FORMAT)
 * whose payload is a fixed header of 8-byte fields, then the ring (little
 * endian, as both targets are).
 */
enum { HEADER_FIELDS = 13 };

static rt_status check_threshold(double threshold, rt_error *err) {
    if (!(threshold > 0.0) || threshold == rt_inf()) {
        return rt_fail(err, RT_ERR_VALIDATION, "threshold", "threshold must be a finite number > 0");
    }
    return RT_OK;
}

static detector *as_detector(const void *handle) {
    detector *d = (detector *)handle;
    return d != NULL && d->magic == DETECTOR_MAGIC ? d : NULL;
}

static rt_status allocate(int64_t window_size, detector **out, rt_error *err) {
    void *memory = NULL;
    RT_RETURN_NOT_OK(rt_pool_alloc((int64_t)sizeof(detector) + window_size * (int64_t)sizeof(double), &memory, err));
    *out = (detector *)memory;
    return RT_OK;
}

rt_status rt_anomaly_detector_new(double threshold, int64_t window_size, void **out, rt_error *err) {
    RT_RETURN_NOT_OK(check_threshold(threshold, err));
    if (window_size < 2 || window_size > ((int64_t)1 << 40)) {
        return rt_fail(err, RT_ERR_VALIDATION, "window_size", "window_size must be at least 2 (and at most 2^40)");
    }
    if (out == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, "rt_anomaly_detector_new", "out must not be NULL");
    }
    detector *d;
    RT_RETURN_NOT_OK(allocate(window_size, &d, err));
    *d = (detector){.magic = DETECTOR_MAGIC, .threshold = threshold, .window_size = window_size};
    d->last = (rt_anomaly_record){.index = -1, .value = rt_nan(), .score = rt_nan(), .mean = rt_nan(), .std = rt_nan()};
    *out = d;
    return RT_OK;
}

rt_status rt_anomaly_detector_free(void *handle, rt_error *err) {
    if (handle == NULL) {
        return RT_OK;
    }
    detector *d = as_detector(handle);
    if (d == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, "detector", "not a streaming detector handle");
    }
    d->magic = 0; /* a second free or a stale handle is caught, not undefined */
    return rt_pool_free(d, err);
}

rt_status rt_anomaly_detector_set_threshold(void *handle, double threshold, rt_error *err) {
    detector *d = as_detector(handle);
    if (d == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, "detector", "not a streaming detector handle");
    }
    RT_RETURN_NOT_OK(check_threshold(threshold, err));
    d->threshold = threshold;
    return RT_OK;
}

static void reanchor(detector *d) {
    double anchor = d->ring[(d->head + d->window_size - 1) % d->window_size];
    double sum = 0.0, sumsq = 0.0;
    for (int64_t i = 0; i < d->fill; i++) {
        double dev = d->ring[i] - anchor;
        sum += dev;
        sumsq += dev * dev;
    }
    d->anchor = anchor;
    d->sum = sum;
    d->sumsq = sumsq;
    d->since_anchor = 0;
}

static void window_mean_std(const detector *d, double *mean, double *std) {
    double n = (double)d->fill;
    double shift = d->sum / n;
    double var = d->sumsq / n - shift * shift;
    *mean = d->anchor + shift;
    *std = rt_sqrt(var > 0.0 ? var : 0.0);
}

/* Adds a valid value to the window (the ring is full once fill == window_size). */
static inline void window_add(detector *d, double value) {
    if (d->fill == 0) {
        d->anchor = value;
    }
    double dev = value - d->anchor;
    if (d->fill == d->window_size) {
        double old = d->ring[d->head] - d->anchor;
        d->sum -= old;
        d->sumsq -= old * old;
    } else {
        d->fill++;
    }
    d->ring[d->head] = value;
    d->head = d->head + 1 == d->window_size ? 0 : d->head + 1;
    d->sum += dev;
    d->sumsq += dev * dev;
    if (++d->since_anchor >= d->window_size) {
        reanchor(d);
    }
}

/* Scores a value against the current window; returns whether it is an anomaly. */
static inline int32_t push_value(detector *d, double value, rt_anomaly_record *rec) {
    rec->index = d->count++;
    rec->value = value;
    rec->is_anomaly = 0;
    rec->reserved = 0;
    if (value != value) {
        d->missing++;
        rec->score = rec->mean = rec->std = rt_nan();
        return 0;
    }
    if (d->fill == d->window_size) {
        /* The same operations as push_steady (multiplying by 1 / window_size), so the same bits. */
        const double inv_window = 1.0 / (double)d->window_size;
        double shift = d->sum * inv_window;
        double var = d->sumsq * inv_window - shift * shift;
        double std = rt_sqrt(var > 0.0 ? var : 0.0);
        /* In anchored coordinates: value - anchor is exact for nearby values, the rounded mean is not. */
        double dev = __builtin_fabs((value - d->anchor) - shift); /* fabs: -0.0 becomes +0.0 too */
        rec->mean = d->anchor + shift;
        rec->std = std;
        rec->score = std > 0.0 ? dev / std : (dev > 0.0 ? rt_inf() : 0.0);
        rec->is_anomaly = rec->score > d->threshold;
        d->anomalies += rec->is_anomaly;
    } else {
        rec->score = rec->mean = rec->std = rt_nan(); /* warm-up: never flagged */
    }
    window_add(d, value);
    return rec->is_anomaly;
}

int32_t rt_anomaly_detector_push(void *handle, double value) {
    detector *d = as_detector(handle);
    if (d == NULL) {
        return -1;
    }
    return push_value(d, value, &d->last);
}

rt_status rt_anomaly_detector_update(void *handle, double value, rt_anomaly_record *out, rt_error *err) {
    detector *d = as_detector(handle);
    if (d == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, "detector", "not a streaming detector handle");
    }
    push_value(d, value, &d->last);
    if (out != NULL) {
        *out = d->last;
    }
    return RT_OK;
}

rt_status rt_anomaly_detector_last(const void *handle, rt_anomaly_record *out, rt_error *err) {
    const detector *d = as_detector(handle);
    if (d == NULL || out == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, "detector", "not a streaming detector handle, or out is NULL");
    }
    *out = d->last;
    return RT_OK;
}

/*
 * Second half of push_steady: score = dev / sqrt(var) (0 or +inf for a zero
 * std) and the flags, for a chunk. sqrt and division are correctly rounded
 * in every variant, so the bits equal update()'s. dev is NaN for missing values.
 */
static int64_t finish_scores_scalar(const double *dev, const double *var, int64_t n, double threshold,
                                    double *scores, uint8_t *flags) {
    int64_t hits = 0;
    for (int64_t i = 0; i < n; i++) {
        double std = rt_sqrt(var[i]);
        double d = dev[i];
        double score = std > 0.0 ? d / std : (d > 0.0 ? rt_inf() : d); /* d is 0 or NaN here */
        int32_t hit = score > threshold;
        hits += hit;
        if (scores != NULL) scores[i] = score;
        if (flags != NULL) flags[i] = (uint8_t)hit;
    }
    return hits;
}

#if RT_ARCH_X86
RT_TARGET_AVX512 static int64_t finish_scores_avx512(const double *dev, const double *var, int64_t n,
                                                     double threshold, double *scores, uint8_t *flags) {
    const __m512d thr = _mm512_set1_pd(threshold), zero = _mm512_setzero_pd(), inf = _mm512_set1_pd(rt_inf());
    const __m128i one = _mm_set1_epi8(1);
    int64_t hits = 0, i = 0;
    for (; i + 8 <= n; i += 8) {
        __m512d d = _mm512_loadu_pd(dev + i);
        __m512d std = _mm512_sqrt_pd(_mm512_loadu_pd(var + i));
        __mmask8 positive = _mm512_cmp_pd_mask(std, zero, _CMP_GT_OQ);
        __m512d degenerate = _mm512_mask_blend_pd(_mm512_cmp_pd_mask(d, zero, _CMP_GT_OQ), d, inf);
        __m512d score = _mm512_mask_blend_pd(positive, degenerate, _mm512_div_pd(d, std));
        __mmask8 hit = _mm512_cmp_pd_mask(score, thr, _CMP_GT_OQ);
        hits += __builtin_popcount((unsigned)hit);
        if (scores != NULL) _mm512_storeu_pd(scores + i, score);
        if (flags != NULL) _mm_storel_epi64((__m128i *)(flags + i), _mm_maskz_mov_epi8((__mmask16)hit, one));
    }
    return hits + finish_scores_scalar(dev + i, var + i, n - i, threshold, scores ? scores + i : NULL,
                                       flags ? flags + i : NULL);
}

RT_TARGET_AVX2 static int64_t finish_scores_avx2(const double *dev, const double *var, int64_t n,
                                                 double threshold, double *scores, uint8_t *flags) {
    const __m256d thr = _mm256_set1_pd(threshold), zero = _mm256_setzero_pd(), inf = _mm256_set1_pd(rt_inf());
    int64_t hits = 0, i = 0;
    for (; i + 4 <= n; i += 4) {
        __m256d d = _mm256_loadu_pd(dev + i);
        __m256d std = _mm256_sqrt_pd(_mm256_loadu_pd(var + i));
        __m256d positive = _mm256_cmp_pd(std, zero, _CMP_GT_OQ);
        __m256d degenerate = _mm256_blendv_pd(d, inf, _mm256_cmp_pd(d, zero, _CMP_GT_OQ));
        __m256d score = _mm256_blendv_pd(degenerate, _mm256_div_pd(d, std), positive);
        int mask = _mm256_movemask_pd(_mm256_cmp_pd(score, thr, _CMP_GT_OQ));
        hits += __builtin_popcount((unsigned)mask);
        if (scores != NULL) _mm256_storeu_pd(scores + i, score);
        if (flags != NULL) {
            for (int k = 0; k < 4; k++) flags[i + k] = (uint8_t)((mask >> k) & 1);
        }
    }
    return hits + finish_scores_scalar(dev + i, var + i, n - i, threshold, scores ? scores + i : NULL,
                                       flags ? flags + i : NULL);
}
#endif

static int64_t finish_scores(const double *dev, const double *var, int64_t n, double threshold, double *scores,
                             uint8_t *flags) {
    switch (rt_simd_active()) {
#if RT_ARCH_X86
    case RT_SIMD_AVX512:
        return finish_scores_avx512(dev, var, n, threshold, scores, flags);
    case RT_SIMD_AVX2:
        return finish_scores_avx2(dev, var, n, threshold, scores, flags);
#endif
    default:
        return finish_scores_scalar(dev, var, n, threshold, scores, flags);
    }
}

/*
 * push_value over values once the window is full, in chunks: a sequential
 * pass with the detector's state in registers computes each value's
 * deviation and window variance (only additions and multiplications on the
 * loop-carried path), then finish_scores does the square roots and
 * divisions several lanes at a time. Same operations on the same operands
 * as update(), so the same bits.
 */
static void push_steady(detector *d, const double *x, int64_t n, double *scores, uint8_t *flags) {
    const int64_t window = d->window_size;
    const double inv_window = 1.0 / (double)window;
    double anchor = d->anchor, sum = d->sum, sumsq = d->sumsq;
    double *ring = d->ring;
    int64_t head = d->head, since = d->since_anchor, missing = 0;
    double dev[RT_ANOMALY_BLOCK], var[RT_ANOMALY_BLOCK];
    for (int64_t start = 0; start < n; start += RT_ANOMALY_BLOCK) {
        int64_t count = n - start < RT_ANOMALY_BLOCK ? n - start : RT_ANOMALY_BLOCK;
        for (int64_t i = 0; i < count; i++) {
            double value = x[start + i];
            if (value != value) {
                missing++;
                dev[i] = value; /* NaN score, never flagged */
                var[i] = 1.0;
                continue;
            }
            double shift = sum * inv_window;
            double v = sumsq * inv_window - shift * shift;
            dev[i] = __builtin_fabs((value - anchor) - shift);
            var[i] = v > 0.0 ? v : 0.0;
            double added = value - anchor, old = ring[head] - anchor;
            sum -= old;
            sumsq -= old * old;
            ring[head] = value;
            head = head + 1 == window ? 0 : head + 1;
            sum += added;
            sumsq += added * added;
            if (++since >= window) {
                d->head = head;
                reanchor(d);
                anchor = d->anchor;
                sum = d->sum;
                sumsq = d->sumsq;
                since = 0;
            }
        }
        d->anomalies += finish_scores(dev, var, count, d->threshold, scores ? scores + start : NULL,
                                      flags ? flags + start : NULL);
    }
    d->anchor = anchor;
    d->sum = sum;
    d->sumsq = sumsq;
    d->head = head;
    d->since_anchor = since;
    d->count += n;
    d->missing += missing;
}

rt_status rt_anomaly_detector_update_many(void *handle, int32_t dtype, const void *data,
                                          const uint8_t *validity, int64_t offset, int64_t length,
                                          double *scores, uint8_t *flags, int64_t *n_anomalies,
                                          rt_error *err) {
    const char *context = "rt_anomaly_detector_update_many";
    detector *d = as_detector(handle);
    if (d == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, "detector", "not a streaming detector handle");
    }
    RT_RETURN_NOT_OK(rt_anomaly_check_column(err, context, dtype, data, offset, length));
    int64_t before = d->anomalies;
    double block[RT_ANOMALY_BLOCK];
    rt_anomaly_record rec = d->last;
    for (int64_t start = 0; start < length; start += RT_ANOMALY_BLOCK) {
        int64_t count = length - start < RT_ANOMALY_BLOCK ? length - start : RT_ANOMALY_BLOCK;
        const double *x = rt_column_block_view(dtype, data, validity, offset, start, count, block);
        int64_t i = 0;
        for (; i < count; i++) {
            /* Warm-up and the stream's last value go through push_value (the last keeps its record). */
            int is_last = start + i == length - 1;
            if (d->fill == d->window_size && !is_last) {
                int64_t run = count - i - (start + count == length ? 1 : 0);
                push_steady(d, x + i, run, scores ? scores + start + i : NULL, flags ? flags + start + i : NULL);
                i += run - 1;
                continue;
            }
            int32_t hit = push_value(d, x[i], &rec);
            if (scores != NULL) {
                scores[start + i] = rec.score;
            }
            if (flags != NULL) {
                flags[start + i] = (uint8_t)hit;
            }
        }
    }
    d->last = rec;
    if (n_anomalies != NULL) {
        *n_anomalies = d->anomalies - before;
    }
    return RT_OK;
}

rt_status rt_anomaly_detector_statistics(const void *handle, rt_anomaly_detector_stats *out, rt_error *err) {
    const detector *d = as_detector(handle);
    if (d == NULL || out == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, "detector", "not a streaming detector handle, or out is NULL");
    }
    *out = (rt_anomaly_detector_stats){
        .count = d->count, .anomalies = d->anomalies, .missing = d->missing,
        .window_size = d->window_size, .window_fill = d->fill, .threshold = d->threshold,
        .mean = rt_nan(), .std = rt_nan(),
    };
    if (d->fill > 0) {
        window_mean_std(d, &out->mean, &out->std);
    }
    return RT_OK;
}

/* ---- serialisation ---- */

typedef union field {
    int64_t i;
    double f;
} field;

rt_status rt_anomaly_detector_serialized_size(const void *handle, int64_t *nbytes, rt_error *err) {
    const detector *d = as_detector(handle);
    if (d == NULL || nbytes == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, "detector", "not a streaming detector handle, or nbytes is NULL");
    }
    *nbytes = RT_ENVELOPE_HEADER_BYTES + (HEADER_FIELDS + d->window_size) * 8;
    return RT_OK;
}

rt_status rt_anomaly_detector_serialize(const void *handle, uint8_t *out, int64_t capacity, rt_error *err) {
    int64_t nbytes = 0;
    RT_RETURN_NOT_OK(rt_anomaly_detector_serialized_size(handle, &nbytes, err));
    const detector *d = (const detector *)handle;
    if (out == NULL || capacity < nbytes) {
        return rt_fail(err, RT_ERR_VALIDATION, "rt_anomaly_detector_serialize", "output buffer is too small");
    }
    field h[HEADER_FIELDS] = {
        {.f = d->threshold}, {.i = d->window_size}, {.i = d->head}, {.i = d->fill}, {.i = d->since_anchor},
        {.i = d->count}, {.i = d->anomalies}, {.i = d->missing}, {.f = d->anchor}, {.f = d->sum},
        {.f = d->sumsq}, {.i = d->last.index}, {.f = d->last.value},
    };
    uint8_t *payload = out + RT_ENVELOPE_HEADER_BYTES;
    __builtin_memcpy(payload, h, sizeof h);
    __builtin_memcpy(payload + sizeof h, d->ring, (size_t)d->window_size * sizeof(double));
    return rt_envelope_seal(out, capacity, DETECTOR_MAGIC, DETECTOR_FORMAT, nbytes - RT_ENVELOPE_HEADER_BYTES, err);
}

/*
 * The counters of a serialised header as a real stream leaves them: counts
 * within [0, 2^62] that add up, the ring filled from slot 0 during warm-up,
 * the anchor age below the window, and the last record the latest value.
 */
static int counters_consistent(const field *h, int64_t window) {
    int64_t head = h[2].i, fill = h[3].i, since_anchor = h[4].i, count = h[5].i, anomalies = h[6].i;
    int64_t missing = h[7].i, last_index = h[11].i;
    return count >= 0 && count <= ((int64_t)1 << 62) && anomalies >= 0 && missing >= 0 &&
           anomalies <= count - missing && fill <= count - missing && since_anchor >= 0 && since_anchor < window &&
           (fill == window || head == fill) && last_index == count - 1;
}

rt_status rt_anomaly_detector_deserialize(const uint8_t *data, int64_t nbytes, void **out, rt_error *err) {
    const char *context = "rt_anomaly_detector_deserialize";
    int64_t payload_len = 0;
    if (out == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "out must not be NULL");
    }
    RT_RETURN_NOT_OK(rt_envelope_check(context, data, nbytes, DETECTOR_MAGIC, DETECTOR_FORMAT, DETECTOR_FORMAT,
                                       NULL, &payload_len, err));
    const uint8_t *payload = data + RT_ENVELOPE_HEADER_BYTES;
    field h[HEADER_FIELDS];
    if (payload_len < (int64_t)sizeof h) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "payload shorter than the detector header");
    }
    __builtin_memcpy(h, payload, sizeof h);
    int64_t window = h[1].i;
    if (window < 2 || window > ((int64_t)1 << 40) || h[2].i < 0 || h[2].i >= window || h[3].i < 0 ||
        h[3].i > window || check_threshold(h[0].f, NULL) != RT_OK) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "bad detector header (window, position or threshold)");
    }
    if (payload_len != (HEADER_FIELDS + window) * 8) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "payload length does not match the window size");
    }
    if (!counters_consistent(h, window)) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "inconsistent detector counters (count, anomalies, missing, fill)");
    }
    detector *d;
    RT_RETURN_NOT_OK(allocate(window, &d, err));
    *d = (detector){
        .magic = DETECTOR_MAGIC, .threshold = h[0].f, .window_size = window, .head = h[2].i,
        .fill = h[3].i, .since_anchor = h[4].i, .count = h[5].i, .anomalies = h[6].i,
        .missing = h[7].i, .anchor = h[8].f, .sum = h[9].f, .sumsq = h[10].f,
    };
    __builtin_memcpy(d->ring, payload + sizeof h, (size_t)window * sizeof(double));
    /* The last record is recomputed lazily: only index and value are kept. */
    d->last = (rt_anomaly_record){.index = h[11].i, .value = h[12].f, .score = rt_nan(),
                                  .mean = rt_nan(), .std = rt_nan()};
    *out = d;
    return RT_OK;
}
