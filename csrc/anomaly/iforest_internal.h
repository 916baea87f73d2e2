/* The flat layout of a fitted isolation forest, shared by fit and scoring. */
#ifndef RT_IFOREST_INTERNAL_H
#define RT_IFOREST_INTERNAL_H

#include <stdint.h>

#include "anomaly_internal.h"

/*
 * One node in 16 bytes, trees in preorder (left child = next node), so a
 * path walks forward through memory and a whole 256-sample tree (at most
 * 511 nodes, 8 KiB) sits in L1 while a block of rows goes through it.
 * Internal node: value = threshold, feature >= 0, right = absolute index of
 * the right child. Leaf: value = depth + c(n samples), feature = -1.
 */
typedef struct iforest_node {
    double value;
    int32_t feature;
    int32_t right;
} iforest_node;

typedef struct iforest {
    uint32_t magic;
    uint32_t reserved;
    int64_t n_trees;
    int64_t n_features;
    int64_t max_samples;
    int64_t n_nodes;
    int64_t max_depth;
    int64_t *tree_start;   /* n_trees + 1: tree t owns nodes [tree_start[t], tree_start[t + 1]) */
    iforest_node *nodes;   /* n_nodes */
    int64_t *n_samples;    /* n_nodes: training rows that reached each node */
    double *split_bits;    /* n_nodes: log2(n_samples[parent] / n_samples[node]); 0 at roots */
    /*
     * The same trees as complete binary trees of depth D (leaves above depth
     * D padded: their subtree repeats the leaf value under +inf thresholds),
     * level by level: node i has children 2i + 1 and 2i + 2. Every row then
     * takes exactly D steps with no test for leaves, which the fast kernels
     * exploit. Only built when D <= IFOREST_COMPLETE_MAX_DEPTH (0 otherwise).
     */
    int64_t complete_depth;
    int32_t *complete_feature;   /* n_trees x (2^D - 1) */
    double *complete_threshold;  /* n_trees x (2^D - 1) */
    double *complete_leaf;       /* n_trees x 2^D */
    void *complete_block;        /* the pool block holding the three arrays */
} iforest;

#define IFOREST_COMPLETE_MAX_DEPTH 12

#define IFOREST_MAGIC 0x46495452u /* "RTIF" */

static inline const iforest *iforest_of(const void *handle) {
    const iforest *f = (const iforest *)handle;
    return f != NULL && f->magic == IFOREST_MAGIC ? f : NULL;
}

/* Sum over trees of the leaf value (path length) of rows [0, n_rows): the SIMD kernels. */
void rt_iforest_path_sums(const iforest *forest, const double *x, int64_t n_rows, double *sums);

#endif /* RT_IFOREST_INTERNAL_H */
