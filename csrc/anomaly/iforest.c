/*
 * Isolation Forest (Liu, Ting and Zhou 2008) as scikit-learn grows it:
 * sub-sample of psi rows without replacement per tree, a random non-constant
 * feature per node (drawn without replacement until one varies), a uniform
 * threshold in [min, max), depth capped at ceil(log2(psi)), and at a leaf
 * the path length depth + c(n). Fitting is cheap (100 trees of 256 rows);
 * the work is in scoring, which lives in iforest_score.c.
 */
#include "rt/anomaly.h"
#include "rt/memory.h"

#include "iforest_internal.h"
#include "../serial/envelope.h"

/* scikit-learn's FEATURE_THRESHOLD: a feature whose range is this small counts as constant. */
#define CONSTANT_RANGE 1e-7
#define EULER_GAMMA 0.5772156649015329
#define MAX_NODES 2000000000LL

double rt_iforest_average_path_length(double n) {
    if (n <= 1.0) {
        return 0.0;
    }
    if (n <= 2.0) {
        return 1.0;
    }
    return 2.0 * (rt_log(n - 1.0) + EULER_GAMMA) - 2.0 * (n - 1.0) / n;
}

/* ---- random numbers: xoshiro256**, seeded per tree through splitmix64 ---- */

typedef struct rng {
    uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static rng rng_seeded(uint64_t seed, uint64_t stream) {
    uint64_t state = seed ^ (stream * 0xD1B54A32D192ED03ull);
    rng r;
    for (int i = 0; i < 4; i++) {
        r.s[i] = splitmix64(&state);
    }
    return r;
}

static uint64_t rng_next(rng *r) {
    uint64_t *s = r->s;
    uint64_t x = s[1] * 5;
    uint64_t result = ((x << 7) | (x >> 57)) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return result;
}

/* Uniform in [0, 1). */
static double rng_uniform(rng *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }

/* Uniform integer in [0, n). */
static int64_t rng_below(rng *r, int64_t n) { return (int64_t)(rng_uniform(r) * (double)n); }

/* ---- growing ---- */

typedef struct builder {
    const double *sample;  /* psi x n_features, the tree's rows */
    int64_t n_features;
    int64_t max_depth;
    int64_t *rows;         /* psi row numbers into sample, partitioned in place */
    int32_t *features;     /* n_features, shuffled to draw without replacement */
    iforest_node *nodes;   /* this tree's nodes (at most 2 psi - 1) */
    int64_t *counts;
    int64_t n_nodes;
    rng random;
} builder;

static int64_t add_leaf(builder *b, int64_t depth, int64_t n) {
    int64_t k = b->n_nodes++;
    b->nodes[k] = (iforest_node){.value = (double)depth + rt_iforest_average_path_length((double)n), .feature = -1};
    b->counts[k] = n;
    return k;
}

/* Range of feature f over rows [lo, hi), NaN ignored; returns 0 if it has no valid value. */
static int feature_range(const builder *b, int64_t lo, int64_t hi, int32_t f, double *min, double *max) {
    double a = rt_inf(), z = -rt_inf();
    for (int64_t i = lo; i < hi; i++) {
        double v = b->sample[b->rows[i] * b->n_features + f];
        a = v < a ? v : a;
        z = v > z ? v : z;
    }
    *min = a;
    *max = z;
    return a <= z;
}

/* Draws features without replacement until one varies; -1 if none does. */
static int32_t pick_feature(builder *b, int64_t lo, int64_t hi, double *min, double *max) {
    int64_t d = b->n_features;
    for (int64_t k = 0; k < d; k++) {
        int64_t j = k + rng_below(&b->random, d - k);
        int32_t f = b->features[j];
        b->features[j] = b->features[k];
        b->features[k] = f;
        if (feature_range(b, lo, hi, f, min, max) && *max > *min + CONSTANT_RANGE) {
            return f;
        }
    }
    return -1;
}

static int64_t grow(builder *b, int64_t lo, int64_t hi, int64_t depth) {
    int64_t n = hi - lo;
    double min, max;
    int32_t f = -1;
    if (depth < b->max_depth && n > 1) {
        f = pick_feature(b, lo, hi, &min, &max);
    }
    if (f < 0) {
        return add_leaf(b, depth, n);
    }
    double threshold = min + rng_uniform(&b->random) * (max - min);
    if (threshold >= max) {
        threshold = min; /* as scikit-learn: keep max on the right */
    }
    /* Partition: x <= threshold to the left, larger values and NaN to the right. */
    int64_t i = lo, j = hi - 1;
    while (i <= j) {
        double v = b->sample[b->rows[i] * b->n_features + f];
        if (v <= threshold) {
            i++;
        } else {
            int64_t t = b->rows[i];
            b->rows[i] = b->rows[j];
            b->rows[j--] = t;
        }
    }
    int64_t k = b->n_nodes++;
    b->counts[k] = n;
    grow(b, lo, i, depth + 1);
    int64_t right = grow(b, i, hi, depth + 1);
    b->nodes[k] = (iforest_node){.value = threshold, .feature = f, .right = (int32_t)right};
    return k;
}

/* ---- the forest's memory: one pool block ---- */

static int64_t align64(int64_t n) { return (n + 63) & ~(int64_t)63; }

static rt_status forest_alloc(int64_t n_trees, int64_t n_nodes, iforest **out, rt_error *err) {
    int64_t head = align64((int64_t)sizeof(iforest));
    int64_t starts = align64((n_trees + 1) * 8);
    int64_t per_node = align64(n_nodes * (int64_t)sizeof(iforest_node)) + 2 * align64(n_nodes * 8);
    void *memory = NULL;
    RT_RETURN_NOT_OK(rt_pool_alloc(head + starts + per_node, &memory, err));
    uint8_t *p = (uint8_t *)memory;
    iforest *f = (iforest *)p;
    *f = (iforest){.magic = IFOREST_MAGIC, .n_trees = n_trees, .n_nodes = n_nodes};
    f->tree_start = (int64_t *)(p + head);
    f->nodes = (iforest_node *)(p + head + starts);
    f->n_samples = (int64_t *)(p + head + starts + align64(n_nodes * (int64_t)sizeof(iforest_node)));
    f->split_bits = (double *)((uint8_t *)f->n_samples + align64(n_nodes * 8));
    *out = f;
    return RT_OK;
}

/*
 * Depth of the tree rooted at sparse node `root`, or -1 once it exceeds
 * `cap` (an explicit stack of at most cap + 1 pending right children, so a
 * hostile deserialised chain cannot exhaust the C stack).
 */
static int64_t tree_depth(const iforest *f, int64_t root, int64_t cap) {
    int64_t stack_node[IFOREST_COMPLETE_MAX_DEPTH + 2], stack_level[IFOREST_COMPLETE_MAX_DEPTH + 2];
    int64_t top = 0, deepest = 0;
    stack_node[top] = root;
    stack_level[top++] = 0;
    while (top > 0) {
        int64_t k = stack_node[--top], level = stack_level[top];
        while (f->nodes[k].feature >= 0) {
            if (level + 1 > cap) {
                return -1;
            }
            stack_node[top] = f->nodes[k].right;
            stack_level[top++] = level + 1;
            k++;
            level++;
        }
        deepest = level > deepest ? level : deepest;
    }
    return deepest;
}

/* Complete node i at `level` repeats a leaf value: +inf thresholds above, the value at every leaf. */
static void pad_leaf(iforest *f, int32_t *feature, double *threshold, double *leaf, int64_t i, int64_t level,
                     double value) {
    int64_t depth = f->complete_depth;
    if (level == depth) {
        leaf[i - (((int64_t)1 << depth) - 1)] = value;
        return;
    }
    feature[i] = 0;
    threshold[i] = rt_inf(); /* x <= inf goes left, NaN right: both reach the same value */
    pad_leaf(f, feature, threshold, leaf, 2 * i + 1, level + 1, value);
    pad_leaf(f, feature, threshold, leaf, 2 * i + 2, level + 1, value);
}

static void fill_complete(iforest *f, int32_t *feature, double *threshold, double *leaf, int64_t k, int64_t i,
                          int64_t level) {
    const iforest_node *node = &f->nodes[k];
    if (node->feature < 0) {
        pad_leaf(f, feature, threshold, leaf, i, level, node->value);
        return;
    }
    feature[i] = node->feature;
    threshold[i] = node->value;
    fill_complete(f, feature, threshold, leaf, k + 1, 2 * i + 1, level + 1);
    fill_complete(f, feature, threshold, leaf, node->right, 2 * i + 2, level + 1);
}

/* Builds the complete layout when the trees are shallow enough (see iforest_internal.h). */
static rt_status build_complete(iforest *f, rt_error *err) {
    int64_t depth = 1;
    for (int64_t t = 0; t < f->n_trees; t++) {
        int64_t d = tree_depth(f, f->tree_start[t], IFOREST_COMPLETE_MAX_DEPTH);
        if (d < 0) {
            return RT_OK; /* the sparse kernels handle deep trees */
        }
        depth = d > depth ? d : depth;
    }
    int64_t internal = ((int64_t)1 << depth) - 1, leaves = internal + 1;
    int64_t feature_bytes = align64(f->n_trees * internal * 4), threshold_bytes = align64(f->n_trees * internal * 8);
    void *block = NULL;
    RT_RETURN_NOT_OK(rt_pool_alloc(feature_bytes + threshold_bytes + f->n_trees * leaves * 8, &block, err));
    f->complete_block = block;
    f->complete_depth = depth;
    f->complete_feature = (int32_t *)block;
    f->complete_threshold = (double *)((uint8_t *)block + feature_bytes);
    f->complete_leaf = (double *)((uint8_t *)block + feature_bytes + threshold_bytes);
    for (int64_t t = 0; t < f->n_trees; t++) {
        fill_complete(f, f->complete_feature + t * internal, f->complete_threshold + t * internal,
                      f->complete_leaf + t * leaves, f->tree_start[t], 0, 0);
    }
    return RT_OK;
}

/* Fills split_bits and max_depth from the tree structure and counts, then the complete layout. */
static rt_status forest_finish(iforest *f, rt_error *err) {
    static const double inv_ln2 = 1.4426950408889634;
    for (int64_t t = 0; t < f->n_trees; t++) {
        int64_t start = f->tree_start[t], end = f->tree_start[t + 1];
        f->split_bits[start] = 0.0;
        /* depth via the preorder property: a node's children come after it */
        for (int64_t k = start; k < end; k++) {
            const iforest_node *node = &f->nodes[k];
            if (node->feature < 0) {
                continue;
            }
            int64_t parent = f->n_samples[k];
            int64_t children[2] = {k + 1, node->right};
            for (int c = 0; c < 2; c++) {
                int64_t n = f->n_samples[children[c]];
                f->split_bits[children[c]] =
                    n > 0 && parent > 0 ? rt_log((double)parent / (double)n) * inv_ln2 : 0.0;
            }
        }
    }
    int64_t psi = f->max_samples, d = 0;
    while (d < 62 && ((int64_t)1 << d) < psi) { /* ceil(log2(psi)); psi comes from bytes: bound the shift */
        d++;
    }
    f->max_depth = d;
    return build_complete(f, err);
}

static void release(void *p) {
    if (p != NULL) {
        rt_pool_free(p, NULL);
    }
}

static rt_status check_matrix(rt_error *err, const char *context, const double *x, int64_t n_rows,
                              int64_t n_features) {
    if (n_rows < 0 || n_features < 1 || n_features > 1000000) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "n_rows must be >= 0 and n_features in [1, 10^6]");
    }
    if (n_rows > 0 && x == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "x must not be NULL");
    }
    return RT_OK;
}

rt_status rt_iforest_fit(const double *x, int64_t n_rows, int64_t n_features, int32_t n_trees,
                         int64_t max_samples, uint64_t seed, void **out, rt_error *err) {
    const char *context = "rt_iforest_fit";
    RT_RETURN_NOT_OK(check_matrix(err, context, x, n_rows, n_features));
    if (n_rows < 1) {
        return rt_fail(err, RT_ERR_VALIDATION, "x", "cannot fit an isolation forest on zero rows");
    }
    if (n_trees < 1) {
        return rt_fail(err, RT_ERR_VALIDATION, "n_estimators", "n_estimators must be at least 1");
    }
    if (max_samples < 1) {
        return rt_fail(err, RT_ERR_VALIDATION, "max_samples", "max_samples must be at least 1");
    }
    if (out == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "out must not be NULL");
    }
    int64_t psi = max_samples < n_rows ? max_samples : n_rows;
    int64_t tree_nodes = 2 * psi - 1;
    if (tree_nodes * (int64_t)n_trees > MAX_NODES) {
        return rt_fail(err, RT_ERR_VALIDATION, "max_samples", "forest too large: n_estimators * 2 * max_samples exceeds 2e9 nodes");
    }
    /* Scratch: permutation of all rows, the tree's sample, its row order, features, nodes. */
    int64_t *perm = NULL, *rows = NULL, *counts = NULL, *starts = NULL;
    double *sample = NULL;
    int32_t *features = NULL;
    iforest_node *nodes = NULL;
    iforest *forest = NULL;
    rt_status status = RT_OK;
    if ((status = rt_pool_alloc(n_rows * 8, (void **)&perm, err)) != RT_OK ||
        (status = rt_pool_alloc(psi * 8, (void **)&rows, err)) != RT_OK ||
        (status = rt_pool_alloc(psi * n_features * 8, (void **)&sample, err)) != RT_OK ||
        (status = rt_pool_alloc(n_features * 4, (void **)&features, err)) != RT_OK ||
        (status = rt_pool_alloc(tree_nodes * n_trees * (int64_t)sizeof(iforest_node), (void **)&nodes, err)) != RT_OK ||
        (status = rt_pool_alloc(tree_nodes * n_trees * 8, (void **)&counts, err)) != RT_OK ||
        (status = rt_pool_alloc(((int64_t)n_trees + 1) * 8, (void **)&starts, err)) != RT_OK) {
        goto done;
    }
    for (int64_t i = 0; i < n_rows; i++) {
        perm[i] = i;
    }
    int64_t total = 0;
    for (int32_t t = 0; t < n_trees; t++) {
        rng random = rng_seeded(seed, (uint64_t)t + 1);
        /* Partial Fisher-Yates: perm stays a permutation, so later trees draw uniformly too. */
        for (int64_t i = 0; i < psi; i++) {
            int64_t j = i + rng_below(&random, n_rows - i);
            int64_t r = perm[j];
            perm[j] = perm[i];
            perm[i] = r;
            __builtin_memcpy(sample + i * n_features, x + r * n_features, (size_t)n_features * 8);
            rows[i] = i;
        }
        for (int64_t f = 0; f < n_features; f++) {
            features[f] = (int32_t)f;
        }
        builder b = {.sample = sample, .n_features = n_features, .rows = rows, .features = features,
                     .nodes = nodes + total, .counts = counts + total, .random = random};
        while (((int64_t)1 << b.max_depth) < psi) {
            b.max_depth++;
        }
        grow(&b, 0, psi, 0);
        for (int64_t k = 0; k < b.n_nodes; k++) { /* local right indices -> absolute */
            if (b.nodes[k].feature >= 0) {
                b.nodes[k].right += (int32_t)total;
            }
        }
        starts[t] = total;
        total += b.n_nodes;
    }
    starts[n_trees] = total;
    if ((status = forest_alloc(n_trees, total, &forest, err)) != RT_OK) {
        goto done;
    }
    forest->n_features = n_features;
    forest->max_samples = psi;
    __builtin_memcpy(forest->tree_start, starts, ((size_t)n_trees + 1) * 8);
    __builtin_memcpy(forest->nodes, nodes, (size_t)total * sizeof(iforest_node));
    __builtin_memcpy(forest->n_samples, counts, (size_t)total * 8);
    if ((status = forest_finish(forest, err)) != RT_OK) {
        rt_iforest_free(forest, NULL);
        goto done;
    }
    *out = forest;
done:
    release(perm);
    release(rows);
    release(sample);
    release(features);
    release(nodes);
    release(counts);
    release(starts);
    return status;
}

rt_status rt_iforest_free(void *handle, rt_error *err) {
    if (handle == NULL) {
        return RT_OK;
    }
    iforest *f = (iforest *)iforest_of(handle);
    if (f == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, "forest", "not an isolation forest handle");
    }
    f->magic = 0;
    if (f->complete_block != NULL) {
        rt_pool_free(f->complete_block, NULL);
    }
    return rt_pool_free(f, err);
}

rt_status rt_iforest_info_get(const void *handle, rt_iforest_info *out, rt_error *err) {
    const iforest *f = iforest_of(handle);
    if (f == NULL || out == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, "forest", "not an isolation forest handle, or out is NULL");
    }
    *out = (rt_iforest_info){.n_trees = f->n_trees, .n_features = f->n_features, .max_samples = f->max_samples,
                             .n_nodes = f->n_nodes, .max_depth = f->max_depth};
    return RT_OK;
}

/* ---- building from explicit trees (and from serialised bytes) ---- */

/*
 * Checks that every tree is a proper preorder tree (children after their
 * parent, inside the tree, features in range), so scoring always ends.
 */
static rt_status check_structure(const iforest *f, rt_error *err, const char *context) {
    if (f->tree_start[0] != 0 || f->tree_start[f->n_trees] != f->n_nodes) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "tree offsets do not cover the nodes");
    }
    for (int64_t t = 0; t < f->n_trees; t++) {
        int64_t start = f->tree_start[t], end = f->tree_start[t + 1];
        if (end <= start) {
            return rt_fail(err, RT_ERR_VALIDATION, context, "a tree has no nodes");
        }
        for (int64_t k = start; k < end; k++) {
            const iforest_node *node = &f->nodes[k];
            int bad_leaf = node->feature < 0 && (node->feature != -1 || node->value != node->value);
            int bad_split = node->feature >= 0 && (node->feature >= f->n_features || k + 1 >= end ||
                                                   node->right <= k + 1 || node->right >= end ||
                                                   node->value != node->value);
            if (bad_leaf || bad_split || f->n_samples[k] < 0) {
                return rt_fail(err, RT_ERR_VALIDATION, context, "malformed tree node");
            }
        }
    }
    return RT_OK;
}

/*
 * A leaf's value is its path length, depth + c(n_samples), depths from the
 * preorder walk. With check = 0 the values are set; with check != 0 (bytes
 * from outside) each stored value must equal it, so no leaf can carry a
 * made-up path length (scores outside (0, 1], wrong numbers).
 */
static rt_status leaf_path_lengths(iforest *f, int check, rt_error *err, const char *context) {
    for (int64_t t = 0; t < f->n_trees; t++) {
        int64_t start = f->tree_start[t], end = f->tree_start[t + 1];
        f->split_bits[start] = 0.0; /* reused as a depth scratch until forest_finish */
        for (int64_t k = start; k < end; k++) {
            iforest_node *node = &f->nodes[k];
            double depth = f->split_bits[k];
            if (node->feature >= 0) {
                f->split_bits[k + 1] = f->split_bits[node->right] = depth + 1.0;
                continue;
            }
            double path = depth + rt_iforest_average_path_length((double)f->n_samples[k]);
            if (check && node->value != path) {
                return rt_fail(err, RT_ERR_VALIDATION, context,
                               "a leaf's path length does not match its depth and sample count");
            }
            node->value = path;
        }
    }
    return RT_OK;
}

rt_status rt_iforest_from_trees(int32_t n_trees, int64_t n_features, int64_t max_samples,
                                const int64_t *tree_start, const int32_t *feature,
                                const int32_t *right, const double *threshold,
                                const int64_t *n_samples, void **out, rt_error *err) {
    const char *context = "rt_iforest_from_trees";
    if (n_trees < 1 || n_features < 1 || max_samples < 1 || tree_start == NULL || out == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "n_trees, n_features, max_samples must be >= 1");
    }
    for (int64_t t = 0; t < n_trees; t++) {
        if (tree_start[t] < 0 || tree_start[t + 1] <= tree_start[t]) {
            return rt_fail(err, RT_ERR_VALIDATION, context, "tree_start must start at 0 and increase");
        }
    }
    int64_t n_nodes = tree_start[n_trees];
    if (tree_start[0] != 0 || n_nodes < n_trees || n_nodes > MAX_NODES || feature == NULL || right == NULL || threshold == NULL ||
        n_samples == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "bad node count or NULL node arrays");
    }
    iforest *f;
    RT_RETURN_NOT_OK(forest_alloc(n_trees, n_nodes, &f, err));
    f->n_features = n_features;
    f->max_samples = max_samples;
    __builtin_memcpy(f->tree_start, tree_start, (size_t)(n_trees + 1) * 8);
    for (int64_t t = 0; t < n_trees; t++) {
        for (int64_t k = tree_start[t]; k < tree_start[t + 1]; k++) {
            /* local -> absolute right index; out-of-range ones become -1 and fail the check */
            int64_t absolute = feature[k] >= 0 ? (int64_t)right[k] + tree_start[t] : 0;
            absolute = absolute >= 0 && absolute < n_nodes ? absolute : -1;
            f->nodes[k] = (iforest_node){.value = threshold[k], .feature = feature[k], .right = (int32_t)absolute};
            f->n_samples[k] = n_samples[k];
        }
    }
    rt_status status = check_structure(f, err, context);
    if (status != RT_OK) {
        rt_iforest_free(f, NULL);
        return status;
    }
    leaf_path_lengths(f, 0, NULL, context);
    status = forest_finish(f, err);
    if (status != RT_OK) {
        rt_iforest_free(f, NULL);
        return status;
    }
    *out = f;
    return RT_OK;
}

/*
 * Serialised form: the envelope of rt/serial.h (magic "RTIF", FOREST_FORMAT),
 * whose payload is 4 header words (n_trees, n_features, max_samples,
 * n_nodes), tree_start, then per node value, feature|right, n_samples.
 */
enum { FOREST_HEADER_WORDS = 4, FOREST_FORMAT = 2 };

static int64_t forest_payload_bytes(int64_t n_trees, int64_t n_nodes) {
    return 8 * (FOREST_HEADER_WORDS + n_trees + 1 + 3 * n_nodes);
}

rt_status rt_iforest_serialized_size(const void *handle, int64_t *nbytes, rt_error *err) {
    const iforest *f = iforest_of(handle);
    if (f == NULL || nbytes == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, "forest", "not an isolation forest handle, or nbytes is NULL");
    }
    *nbytes = RT_ENVELOPE_HEADER_BYTES + forest_payload_bytes(f->n_trees, f->n_nodes);
    return RT_OK;
}

rt_status rt_iforest_serialize(const void *handle, uint8_t *out, int64_t capacity, rt_error *err) {
    int64_t nbytes = 0;
    RT_RETURN_NOT_OK(rt_iforest_serialized_size(handle, &nbytes, err));
    const iforest *f = iforest_of(handle);
    if (out == NULL || capacity < nbytes) {
        return rt_fail(err, RT_ERR_VALIDATION, "rt_iforest_serialize", "output buffer is too small");
    }
    int64_t header[FOREST_HEADER_WORDS] = {f->n_trees, f->n_features, f->max_samples, f->n_nodes};
    uint8_t *p = out + RT_ENVELOPE_HEADER_BYTES;
    __builtin_memcpy(p, header, sizeof header);
    p += sizeof header;
    __builtin_memcpy(p, f->tree_start, (size_t)(f->n_trees + 1) * 8);
    p += (f->n_trees + 1) * 8;
    __builtin_memcpy(p, f->nodes, (size_t)f->n_nodes * sizeof(iforest_node));
    p += f->n_nodes * (int64_t)sizeof(iforest_node);
    __builtin_memcpy(p, f->n_samples, (size_t)f->n_nodes * 8);
    return rt_envelope_seal(out, capacity, IFOREST_MAGIC, FOREST_FORMAT, nbytes - RT_ENVELOPE_HEADER_BYTES, err);
}

rt_status rt_iforest_deserialize(const uint8_t *data, int64_t nbytes, void **out, rt_error *err) {
    const char *context = "rt_iforest_deserialize";
    int64_t payload_len = 0;
    if (out == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "out must not be NULL");
    }
    RT_RETURN_NOT_OK(rt_envelope_check(context, data, nbytes, IFOREST_MAGIC, FOREST_FORMAT, FOREST_FORMAT, NULL,
                                       &payload_len, err));
    const uint8_t *p = data + RT_ENVELOPE_HEADER_BYTES;
    int64_t header[FOREST_HEADER_WORDS];
    if (payload_len < (int64_t)sizeof header) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "payload shorter than the forest header");
    }
    __builtin_memcpy(header, p, sizeof header);
    int64_t n_trees = header[0], n_features = header[1], psi = header[2], n_nodes = header[3];
    if (n_trees < 1 || n_trees > MAX_NODES || n_features < 1 || n_features > 1000000 || psi < 1 ||
        n_nodes < n_trees || n_nodes > MAX_NODES) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "bad forest header (tree, feature or node count)");
    }
    if (payload_len != forest_payload_bytes(n_trees, n_nodes)) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "payload length does not match the tree and node counts");
    }
    iforest *f;
    RT_RETURN_NOT_OK(forest_alloc(n_trees, n_nodes, &f, err));
    f->n_features = n_features;
    f->max_samples = psi;
    p += sizeof header;
    __builtin_memcpy(f->tree_start, p, (size_t)(n_trees + 1) * 8);
    p += (n_trees + 1) * 8;
    __builtin_memcpy(f->nodes, p, (size_t)n_nodes * sizeof(iforest_node));
    p += n_nodes * (int64_t)sizeof(iforest_node);
    __builtin_memcpy(f->n_samples, p, (size_t)n_nodes * 8);
    rt_status status = check_structure(f, err, context);
    if (status == RT_OK) {
        status = leaf_path_lengths(f, 1, err, context);
    }
    if (status == RT_OK) {
        status = forest_finish(f, err);
    }
    if (status != RT_OK) {
        rt_iforest_free(f, NULL);
        return status;
    }
    *out = f;
    return RT_OK;
}

/* ---- scoring and explaining ---- */

rt_status rt_iforest_explain(const void *handle, const double *x, int64_t n_rows, int64_t n_features,
                             int32_t *top_feature, double *share, rt_error *err) {
    const char *context = "rt_iforest_explain";
    const iforest *f = iforest_of(handle);
    if (f == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, "forest", "not an isolation forest handle");
    }
    RT_RETURN_NOT_OK(check_matrix(err, context, x, n_rows, n_features));
    if (n_features != f->n_features) {
        return rt_fail(err, RT_ERR_VALIDATION, "x", "x has a different number of features than the forest was fitted on");
    }
    if (n_rows > 0 && (top_feature == NULL || share == NULL)) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "outputs must not be NULL");
    }
    double *credit = NULL;
    RT_RETURN_NOT_OK(rt_pool_alloc(n_features * 8, (void **)&credit, err));
    for (int64_t i = 0; i < n_rows; i++) {
        const double *row = x + i * n_features;
        for (int64_t j = 0; j < n_features; j++) {
            credit[j] = 0.0;
        }
        for (int64_t t = 0; t < f->n_trees; t++) {
            int64_t k = f->tree_start[t];
            while (f->nodes[k].feature >= 0) {
                const iforest_node *node = &f->nodes[k];
                k = row[node->feature] <= node->value ? k + 1 : node->right;
                credit[node->feature] += f->split_bits[k];
            }
        }
        int32_t best = 0;
        double total = 0.0;
        for (int64_t j = 0; j < n_features; j++) {
            total += credit[j];
            best = credit[j] > credit[best] ? (int32_t)j : best;
        }
        top_feature[i] = best;
        share[i] = total > 0.0 ? credit[best] / total : 0.0;
    }
    rt_pool_free(credit, NULL);
    return RT_OK;
}

rt_status rt_anomaly_isolation_forest(const double *x, int64_t n_rows, int64_t n_features, int32_t n_trees,
                                      uint64_t seed, double *scores, rt_error *err) {
    void *forest = NULL;
    RT_RETURN_NOT_OK(rt_iforest_fit(x, n_rows, n_features, n_trees, 256, seed, &forest, err));
    rt_status status = rt_iforest_score(forest, x, n_rows, n_features, 1, scores, err);
    rt_iforest_free(forest, NULL);
    return status;
}
