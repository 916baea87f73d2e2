/*
 * Isolation Forest scoring: the path length of every row in every tree.
 *
 * Rows go through the forest in blocks of ROW_BLOCK: for each tree (8 KiB
 * for 256 samples, so it stays in L1) every row of the block walks from the
 * root to a leaf. The SIMD variants walk 4 (AVX2) or 8 (AVX-512) rows at
 * once with gathers: node value and feature/right words from the node
 * array, the row's feature value from x; lanes that reach a leaf add its
 * path length and drop out of the mask. Each row adds its trees' path
 * lengths in tree order in every variant, so all variants give the same
 * bits as the scalar reference. n_threads > 1 splits the rows into
 * contiguous ranges, one per thread (native builds; wasm has no threads).
 */
#include "rt/anomaly.h"
#include "rt/simd.h"

#include "iforest_internal.h"

#if RT_ARCH_X86
#include <immintrin.h>
#endif
#if !defined(__wasm__)
#include <pthread.h>
#define RT_HAVE_THREADS 1
#else
#define RT_HAVE_THREADS 0
#endif

#define ROW_BLOCK 256

/* Scalar reference: one row, one tree at a time. */
static void sums_scalar(const iforest *f, const double *x, int64_t n, double *sums) {
    const int64_t d = f->n_features;
    for (int64_t t = 0; t < f->n_trees; t++) {
        const iforest_node *nodes = f->nodes;
        int64_t root = f->tree_start[t];
        for (int64_t i = 0; i < n; i++) {
            const double *row = x + i * d;
            int64_t k = root;
            while (nodes[k].feature >= 0) {
                k = row[nodes[k].feature] <= nodes[k].value ? k + 1 : nodes[k].right;
            }
            sums[i] += nodes[k].value;
        }
    }
}

/*
 * Four rows walked in lock step without branches on the data: the portable
 * variant for targets without gathers (wasm simd128 has none), where the
 * gain is from four independent load chains in flight instead of one.
 */
static void sums_interleaved(const iforest *f, const double *x, int64_t n, double *sums) {
    const int64_t d = f->n_features;
    const iforest_node *nodes = f->nodes;
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const double *r0 = x + i * d, *r1 = r0 + d, *r2 = r1 + d, *r3 = r2 + d;
        for (int64_t t = 0; t < f->n_trees; t++) {
            int64_t root = f->tree_start[t];
            int64_t k0 = root, k1 = root, k2 = root, k3 = root;
            for (;;) {
                const iforest_node *a = &nodes[k0], *b = &nodes[k1], *c = &nodes[k2], *e = &nodes[k3];
                int done = (a->feature < 0) & (b->feature < 0) & (c->feature < 0) & (e->feature < 0);
                if (done) {
                    break;
                }
                /* A leaf stays put: its feature is -1, so it never moves. */
                if (a->feature >= 0) k0 = r0[a->feature] <= a->value ? k0 + 1 : a->right;
                if (b->feature >= 0) k1 = r1[b->feature] <= b->value ? k1 + 1 : b->right;
                if (c->feature >= 0) k2 = r2[c->feature] <= c->value ? k2 + 1 : c->right;
                if (e->feature >= 0) k3 = r3[e->feature] <= e->value ? k3 + 1 : e->right;
            }
            sums[i] += nodes[k0].value;
            sums[i + 1] += nodes[k1].value;
            sums[i + 2] += nodes[k2].value;
            sums[i + 3] += nodes[k3].value;
        }
    }
    sums_scalar(f, x + i * d, n - i, sums + i);
}

#if RT_ARCH_X86
RT_TARGET_AVX2 static void sums_avx2(const iforest *f, const double *x, int64_t n, double *sums) {
    const int64_t d = f->n_features;
    const double *node_values = &f->nodes[0].value;
    const long long *node_meta = (const long long *)&f->nodes[0].feature;
    const __m256i low32 = _mm256_set1_epi64x(0xffffffffLL), one = _mm256_set1_epi64x(1);
    const __m256i row_step = _mm256_set_epi64x(3 * d * 8, 2 * d * 8, d * 8, 0);
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const __m256i row_offsets = _mm256_add_epi64(row_step, _mm256_set1_epi64x(i * d * 8));
        __m256d sum = _mm256_loadu_pd(sums + i);
        for (int64_t t = 0; t < f->n_trees; t++) {
            __m256i k = _mm256_set1_epi64x(f->tree_start[t]);
            __m256i active = _mm256_set1_epi64x(-1);
            for (;;) {
                __m256i node_offsets = _mm256_slli_epi64(k, 4);
                __m256d value = _mm256_i64gather_pd(node_values, node_offsets, 1);
                __m256i meta = _mm256_i64gather_epi64(node_meta, node_offsets, 1);
                __m256i feature = _mm256_and_si256(meta, low32);
                __m256i leaf = _mm256_and_si256(active, _mm256_cmpeq_epi64(feature, low32));
                sum = _mm256_add_pd(sum, _mm256_and_pd(_mm256_castsi256_pd(leaf), value));
                active = _mm256_andnot_si256(leaf, active);
                if (_mm256_testz_si256(active, active)) {
                    break;
                }
                __m256i x_offsets = _mm256_add_epi64(row_offsets, _mm256_slli_epi64(feature, 3));
                __m256d xv = _mm256_mask_i64gather_pd(_mm256_setzero_pd(), x, x_offsets,
                                                      _mm256_castsi256_pd(active), 1);
                __m256d left = _mm256_cmp_pd(xv, value, _CMP_LE_OQ);
                __m256i next = _mm256_castpd_si256(_mm256_blendv_pd(
                    _mm256_castsi256_pd(_mm256_srli_epi64(meta, 32)),
                    _mm256_castsi256_pd(_mm256_add_epi64(k, one)), left));
                k = _mm256_castpd_si256(_mm256_blendv_pd(_mm256_castsi256_pd(k), _mm256_castsi256_pd(next),
                                                         _mm256_castsi256_pd(active)));
            }
        }
        _mm256_storeu_pd(sums + i, sum);
    }
    sums_scalar(f, x + i * d, n - i, sums + i);
}

RT_TARGET_AVX512 static void sums_avx512(const iforest *f, const double *x, int64_t n, double *sums) {
    const int64_t d = f->n_features;
    const double *node_values = &f->nodes[0].value;
    const long long *node_meta = (const long long *)&f->nodes[0].feature;
    const __m512i low32 = _mm512_set1_epi64(0xffffffffLL), one = _mm512_set1_epi64(1);
    const __m512i row_step = _mm512_mullo_epi64(_mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0), _mm512_set1_epi64(d * 8));
    for (int64_t i = 0; i < n; i += 8) {
        const __mmask8 live = n - i >= 8 ? (__mmask8)0xff : (__mmask8)((1u << (n - i)) - 1u);
        const __m512i row_offsets = _mm512_add_epi64(row_step, _mm512_set1_epi64(i * d * 8));
        __m512d sum = _mm512_maskz_loadu_pd(live, sums + i);
        for (int64_t t = 0; t < f->n_trees; t++) {
            __m512i k = _mm512_set1_epi64(f->tree_start[t]);
            __mmask8 active = live;
            for (;;) {
                __m512i node_offsets = _mm512_slli_epi64(k, 4);
                __m512d value = _mm512_mask_i64gather_pd(_mm512_setzero_pd(), active, node_offsets, node_values, 1);
                __m512i meta = _mm512_mask_i64gather_epi64(_mm512_setzero_si512(), active, node_offsets, node_meta, 1);
                __m512i feature = _mm512_and_si512(meta, low32);
                __mmask8 leaf = _mm512_mask_cmpeq_epi64_mask(active, feature, low32);
                sum = _mm512_mask_add_pd(sum, leaf, sum, value);
                active &= (__mmask8)~leaf;
                if (active == 0) {
                    break;
                }
                __m512i x_offsets = _mm512_add_epi64(row_offsets, _mm512_slli_epi64(feature, 3));
                __m512d xv = _mm512_mask_i64gather_pd(_mm512_setzero_pd(), active, x_offsets, x, 1);
                __mmask8 left = _mm512_mask_cmp_pd_mask(active, xv, value, _CMP_LE_OQ);
                __m512i next = _mm512_mask_blend_epi64(left, _mm512_srli_epi64(meta, 32), _mm512_add_epi64(k, one));
                k = _mm512_mask_blend_epi64(active, k, next);
            }
        }
        _mm512_mask_storeu_pd(sums + i, live, sum);
    }
}
#endif

/*
 * Complete-layout kernels: every row takes exactly complete_depth steps,
 * node = 2 node + 1 + (x > threshold), with no leaf test and no data-
 * dependent branch; LANES rows walk two trees together, so sixteen
 * independent load chains overlap (more measured slower: register spills).
 * The leaf values and the per-row order of additions are those of the
 * sparse walk, so the sums are bit for bit the scalar reference's.
 */
#define LANES 8
#define DEFINE_COMPLETE_KERNEL(name, attributes)                                                   \
    attributes static void name(const iforest *f, const double *x, int64_t n, double *sums) {     \
        const int64_t d = f->n_features, depth = f->complete_depth;                                \
        const int64_t internal = ((int64_t)1 << depth) - 1;                                        \
        int64_t t = 0;                                                                              \
        for (; t + 2 <= f->n_trees; t += 2) { /* two trees per row group: 16 chains in flight */   \
            const int32_t *fa = f->complete_feature + t * internal, *fb = fa + internal;           \
            const double *ta = f->complete_threshold + t * internal, *tb = ta + internal;          \
            const double *la = f->complete_leaf + t * (internal + 1), *lb = la + internal + 1;     \
            int64_t i = 0;                                                                          \
            for (; i + LANES <= n; i += LANES) {                                                   \
                int64_t na[LANES] = {0}, nb[LANES] = {0};                                           \
                for (int64_t level = 0; level < depth; level++) {                                  \
                    for (int k = 0; k < LANES; k++) {                                               \
                        const double *row = x + (i + k) * d;                                        \
                        na[k] = 2 * na[k] + 1 + !(row[fa[na[k]]] <= ta[na[k]]);                     \
                        nb[k] = 2 * nb[k] + 1 + !(row[fb[nb[k]]] <= tb[nb[k]]);                     \
                    }                                                                               \
                }                                                                                   \
                for (int k = 0; k < LANES; k++) {                                                   \
                    sums[i + k] += la[na[k] - internal];                                            \
                    sums[i + k] += lb[nb[k] - internal];                                            \
                }                                                                                   \
            }                                                                                       \
            for (; i < n; i++) {                                                                    \
                int64_t p = 0, q = 0;                                                               \
                for (int64_t level = 0; level < depth; level++) {                                  \
                    p = 2 * p + 1 + !(x[i * d + fa[p]] <= ta[p]);                                   \
                    q = 2 * q + 1 + !(x[i * d + fb[q]] <= tb[q]);                                   \
                }                                                                                   \
                sums[i] += la[p - internal];                                                        \
                sums[i] += lb[q - internal];                                                        \
            }                                                                                       \
        }                                                                                           \
        for (; t < f->n_trees; t++) {                                                              \
            const int32_t *feature = f->complete_feature + t * internal;                           \
            const double *threshold = f->complete_threshold + t * internal;                        \
            const double *leaf = f->complete_leaf + t * (internal + 1);                            \
            for (int64_t i = 0; i < n; i++) {                                                       \
                int64_t at = 0;                                                                     \
                for (int64_t level = 0; level < depth; level++) {                                  \
                    at = 2 * at + 1 + !(x[i * d + feature[at]] <= threshold[at]);                   \
                }                                                                                   \
                sums[i] += leaf[at - internal];                                                     \
            }                                                                                       \
        }                                                                                           \
    }

DEFINE_COMPLETE_KERNEL(complete_portable, )

#if RT_ARCH_X86
DEFINE_COMPLETE_KERNEL(complete_avx2, RT_TARGET_AVX2)

DEFINE_COMPLETE_KERNEL(complete_avx512, RT_TARGET_AVX512)
#endif

void rt_iforest_path_sums(const iforest *f, const double *x, int64_t n, double *sums) {
    int32_t level = rt_simd_active();
    if (f->complete_depth == 0 || level == RT_SIMD_SCALAR) {
        switch (level) { /* deep trees: the sparse walks */
#if RT_ARCH_X86
        case RT_SIMD_AVX512:
            sums_avx512(f, x, n, sums);
            return;
        case RT_SIMD_AVX2:
            sums_avx2(f, x, n, sums);
            return;
#endif
        case RT_SIMD_WASM128:
            sums_interleaved(f, x, n, sums);
            return;
        default:
            sums_scalar(f, x, n, sums);
            return;
        }
    }
    switch (level) {
#if RT_ARCH_X86
    case RT_SIMD_AVX512:
        complete_avx512(f, x, n, sums);
        return;
    case RT_SIMD_AVX2:
        complete_avx2(f, x, n, sums);
        return;
#endif
    default:
        complete_portable(f, x, n, sums);
    }
}

typedef struct score_job {
    const iforest *forest;
    const double *x;
    int64_t n_rows;
    double *scores;
} score_job;

/* Scores rows block by block: path sums, then 2^(-sum / (n_trees c(psi))) as scikit-learn. */
static void score_rows(const score_job *job) {
    const iforest *f = job->forest;
    const double denominator = (double)f->n_trees * rt_iforest_average_path_length((double)f->max_samples);
    double sums[ROW_BLOCK];
    for (int64_t start = 0; start < job->n_rows; start += ROW_BLOCK) {
        int64_t count = job->n_rows - start < ROW_BLOCK ? job->n_rows - start : ROW_BLOCK;
        for (int64_t i = 0; i < count; i++) {
            sums[i] = 0.0;
        }
        rt_iforest_path_sums(f, job->x + start * f->n_features, count, sums);
        for (int64_t i = 0; i < count; i++) {
            /* c(1) = 0: a forest grown on one row scores every row 2^0 = 1, as scikit-learn does. */
            job->scores[start + i] = denominator > 0.0 ? rt_exp2(-sums[i] / denominator) : 1.0;
        }
    }
}

#if RT_HAVE_THREADS
static void *score_thread(void *arg) {
    score_rows((const score_job *)arg);
    return NULL;
}
#endif

/* Fewer rows than this per thread are not worth a thread. */
#define MIN_ROWS_PER_THREAD 4096
#define MAX_THREADS 256

rt_status rt_iforest_score(const void *handle, const double *x, int64_t n_rows, int64_t n_features,
                           int32_t n_threads, double *scores, rt_error *err) {
    const char *context = "rt_iforest_score";
    const iforest *f = iforest_of(handle);
    if (f == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, "forest", "not an isolation forest handle");
    }
    if (n_rows < 0 || (n_rows > 0 && (x == NULL || scores == NULL))) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "n_rows must be >= 0 and x, scores not NULL");
    }
    if (n_features != f->n_features) {
        return rt_fail(err, RT_ERR_VALIDATION, "x", "x has a different number of features than the forest was fitted on");
    }
    if (n_threads < 1) {
        return rt_fail(err, RT_ERR_VALIDATION, "n_jobs", "n_jobs must be at least 1");
    }
    int64_t threads = n_threads > MAX_THREADS ? MAX_THREADS : n_threads;
    if (threads > n_rows / MIN_ROWS_PER_THREAD) {
        threads = n_rows / MIN_ROWS_PER_THREAD > 1 ? n_rows / MIN_ROWS_PER_THREAD : 1;
    }
#if RT_HAVE_THREADS
    if (threads > 1) {
        score_job jobs[MAX_THREADS];
        pthread_t ids[MAX_THREADS];
        int started[MAX_THREADS];
        int64_t per = (n_rows + threads - 1) / threads;
        for (int64_t t = 0; t < threads; t++) {
            int64_t start = t * per, end = start + per < n_rows ? start + per : n_rows;
            jobs[t] = (score_job){f, x + start * n_features, end - start, scores + start};
            /* The caller's thread takes the first range; if a thread cannot start, do its range here. */
            started[t] = t > 0 && pthread_create(&ids[t], NULL, score_thread, &jobs[t]) == 0;
        }
        score_rows(&jobs[0]);
        for (int64_t t = 1; t < threads; t++) {
            if (started[t]) {
                pthread_join(ids[t], NULL);
            } else {
                score_rows(&jobs[t]);
            }
        }
        return RT_OK;
    }
#endif
    score_job job = {f, x, n_rows, scores};
    score_rows(&job);
    return RT_OK;
}
