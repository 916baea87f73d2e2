/*
 * Isolation forests from bytes. Mode 0 hands the input to
 * rt_iforest_deserialize as is (envelope checks: magic, version, length,
 * checksum); mode 1 seals the input as the payload of a correct envelope, so
 * the forest's own structure checks are what the fuzzer meets; mode 2 builds
 * a forest with rt_iforest_from_trees from node arrays taken from the input.
 * A forest that loads is scored, explained and serialised again: the bytes
 * must round-trip exactly, and scores lie in (0, 1].
 */
#include "fuzz_input.h"

enum { IFOREST_MAGIC = 0x46495452, IFOREST_FORMAT = 2, MAX_ROWS = 8, MAX_TREES = 16, MAX_NODES = 64 };

static void exercise(void *forest, fuzz_input *in) {
    rt_iforest_info info;
    fuzz_require(rt_iforest_info_get(forest, &info, NULL) == RT_OK);
    int64_t n_rows = fuzz_below(in, MAX_ROWS + 1), n_features = info.n_features;
    if (n_features <= 64) {
        double *x = malloc((size_t)(n_rows * n_features + 1) * sizeof(double));
        for (int64_t i = 0; i < n_rows * n_features; i++) {
            x[i] = (fuzz_u8(in) & 1) ? fuzz_double(in) : (double)(int8_t)fuzz_u8(in);
        }
        double *scores = malloc((size_t)(n_rows + 1) * sizeof(double));
        double *share = malloc((size_t)(n_rows + 1) * sizeof(double));
        int32_t *top = malloc((size_t)(n_rows + 1) * sizeof(int32_t));
        if (rt_iforest_score(forest, x, n_rows, n_features, 1 + (fuzz_u8(in) & 1), scores, NULL) == RT_OK) {
            for (int64_t i = 0; i < n_rows; i++) {
                fuzz_require(scores[i] > 0.0 && scores[i] <= 1.0);
            }
        }
        if (rt_iforest_explain(forest, x, n_rows, n_features, top, share, NULL) == RT_OK) {
            for (int64_t i = 0; i < n_rows; i++) {
                fuzz_require(top[i] >= 0 && top[i] < n_features);
            }
        }
        free(x);
        free(scores);
        free(share);
        free(top);
    }
}

/* Serialises, reloads and serialises again: the two byte strings must be equal. */
static void round_trip(void *forest, const uint8_t *expected, int64_t expected_nbytes) {
    int64_t nbytes = 0;
    fuzz_require(rt_iforest_serialized_size(forest, &nbytes, NULL) == RT_OK);
    uint8_t *bytes = malloc((size_t)nbytes);
    fuzz_require(rt_iforest_serialize(forest, bytes, nbytes, NULL) == RT_OK);
    if (expected != NULL) {
        fuzz_require(nbytes == expected_nbytes && memcmp(bytes, expected, (size_t)nbytes) == 0);
    }
    void *again = NULL;
    fuzz_require(rt_iforest_deserialize(bytes, nbytes, &again, NULL) == RT_OK);
    rt_iforest_free(again, NULL);
    free(bytes);
}

static void *from_trees(fuzz_input *in) {
    int32_t n_trees = (int32_t)fuzz_below(in, MAX_TREES) - 1;
    int64_t n_features = fuzz_below(in, 6) - 1, max_samples = fuzz_below(in, 300) - 1;
    int64_t tree_start[MAX_TREES + 1] = {0};
    int64_t n_nodes = 0;
    for (int32_t t = 0; t < (n_trees > 0 ? n_trees : 0); t++) {
        n_nodes += fuzz_below(in, 8) - (fuzz_u8(in) == 0xFF); /* rarely an empty or shrinking tree */
        tree_start[t + 1] = n_nodes;
    }
    size_t count = (size_t)(n_nodes > 0 ? n_nodes : 1);
    if (n_nodes > MAX_NODES) {
        return NULL;
    }
    int32_t *feature = malloc(count * 4), *right = malloc(count * 4);
    double *threshold = malloc(count * 8);
    int64_t *n_samples = malloc(count * 8);
    for (size_t k = 0; k < count; k++) {
        feature[k] = (int32_t)(int8_t)fuzz_u8(in) % 8;
        right[k] = (int32_t)(int8_t)fuzz_u8(in);
        threshold[k] = (fuzz_u8(in) & 1) ? fuzz_double(in) : (double)(int8_t)fuzz_u8(in);
        n_samples[k] = (int64_t)(int16_t)fuzz_bits(in, 2);
    }
    void *forest = NULL;
    rt_iforest_from_trees(n_trees, n_features, max_samples, tree_start, feature, right, threshold, n_samples,
                          &forest, NULL);
    free(feature);
    free(right);
    free(threshold);
    free(n_samples);
    return forest;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int initialised = 0;
    if (!initialised) {
        rt_pool_set_enabled(0);
        initialised = 1;
    }
    int64_t pool_before = fuzz_pool_in_use();
    fuzz_input in = fuzz_begin(data, size);
    uint8_t mode = fuzz_u8(&in) % 3;
    void *forest = NULL;
    uint8_t *sealed = NULL;
    int64_t sealed_nbytes = 0;
    if (mode == 2) {
        forest = from_trees(&in);
    } else {
        /* the bytes after a 2-byte length prefix are the envelope or payload; the rest drives the checks */
        int64_t nbytes = (int64_t)fuzz_bits(&in, 2);
        size_t available;
        const uint8_t *rest = fuzz_rest(&in, &available);
        nbytes = nbytes < (int64_t)available ? nbytes : (int64_t)available;
        if (mode == 0) {
            sealed = malloc((size_t)(nbytes > 0 ? nbytes : 1));
            memcpy(sealed, rest, (size_t)nbytes);
            sealed_nbytes = nbytes;
        } else {
            sealed_nbytes = RT_ENVELOPE_HEADER_BYTES + nbytes;
            sealed = malloc((size_t)sealed_nbytes);
            memcpy(sealed + RT_ENVELOPE_HEADER_BYTES, rest, (size_t)nbytes);
            fuzz_require(rt_envelope_seal(sealed, sealed_nbytes, IFOREST_MAGIC, IFOREST_FORMAT, nbytes, NULL) == RT_OK);
        }
        in.pos += (size_t)nbytes;
        rt_error err;
        rt_status status = rt_iforest_deserialize(sealed, sealed_nbytes, &forest, &err);
        fuzz_require(status == RT_OK || (status == RT_ERR_VALIDATION && err.message[0] != '\0') ||
                     status == RT_ERR_MEMORY);
    }
    if (forest != NULL) {
        exercise(forest, &in);
        round_trip(forest, sealed, sealed_nbytes);
        fuzz_require(rt_iforest_free(forest, NULL) == RT_OK);
    }
    free(sealed);
    fuzz_require(fuzz_pool_in_use() == pool_before);
    return 0;
}
