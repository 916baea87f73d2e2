/*
 * Exact quantiles, distinct values, values occurring once and the mode of
 * unsorted order-preserving keys, without sorting them.
 *
 * The keys of a range are counted in a histogram on the top bits of
 * key - min (8 to 16 bits, about 16 keys a bucket); neighbouring buckets are
 * grouped into partitions of about max(PART_MIN, n / MAX_PARTS) keys and the
 * keys scattered into their partitions, in key order. Equal keys land in the
 * same partition, so each partition is then profiled on its own:
 *  - at most LEAF_MAX keys: counted in a small open-addressing hash table
 *    that stays in cache, and the wanted order statistics found by
 *    quickselect (only in the partitions that hold a wanted rank);
 *  - a larger partition: the same steps again on its own min and max (a
 *    partition of one bucket is 8 or more bits narrower than its parent, one
 *    of several buckets holds at most 1/256 of its parent's keys, so 64-bit
 *    keys need at most 8 + 7 levels);
 *  - a range of at most 2^22 values no wider than 4 times its count (small
 *    integers, timestamps in whole days) is counted directly, one counter a
 *    value, which gives every count and order statistic at once.
 * Each level reads its keys three times (min/max, histogram, scatter) and
 * moves them once; typical data needs one or two levels, against the
 * 7 to 9 passes of a radix sort of 64-bit keys. When only quantiles are
 * wanted, only the partitions holding a wanted rank are gathered.
 */
#include "rt/memory.h"
#include "rt/quality.h"

#include "../core/internal.h"
#include "../stats/select.h"
#include "keys.h"

enum {
    LEAF_MAX = 1024, /* partitions this small are hashed (counts fit in 16 bits) */
    PART_MIN = 512,  /* buckets are grouped into partitions of about max(PART_MIN, n / MAX_PARTS) keys, */
    MAX_PARTS = 256, /* so a scatter writes to at most about this many places at once */
    MIN_HIST_BITS = 8,
    MAX_HIST_BITS = 16,
    DIRECT_MAX_BITS = 22,
    MAX_DEPTH = 16,
    TABLE_SLOTS = 4 * LEAF_MAX
};

#define HASH_MULTIPLIER 0x9E3779B97F4A7C15ull

/* One recursion depth's workspace (allocated on first use). */
typedef struct level {
    int64_t *hist;       /* keys per bucket */
    int32_t *part_of;    /* partition of each bucket; -1: not gathered */
    int64_t *part_start; /* first key of each partition, then the end */
    int64_t *fill;       /* where the next key of each partition goes */
} level;

typedef struct job {
    int32_t want_counts;
    const int64_t *ranks; /* wanted order statistics, ascending and distinct */
    uint64_t *rank_keys;  /* their keys, found */
    uint64_t *table_keys; /* the leaf hash table: keys, and their counts (0: empty slot) */
    uint16_t *table_counts;
    uint32_t *direct; /* counters of the direct count, 2^DIRECT_MAX_BITS */
    level levels[MAX_DEPTH];
    rt_key_tally tally;
} job;

static int floor_log2(uint64_t x) {
    return 63 - __builtin_clzll(x);
}

/* Ranks r_lo..r_hi (relative to `base`) of a leaf by successive selections, each right of the last. */
static void select_ranks(job *j, uint64_t *keys, int64_t n, int64_t base, int64_t r_lo, int64_t r_hi) {
    int64_t lo = 0;
    for (int64_t r = r_lo; r < r_hi; r++) {
        int64_t k = j->ranks[r] - base;
        rt_select_kth_key(keys, lo, n - 1, k);
        j->rank_keys[r] = keys[k];
        lo = k + 1;
    }
}

/*
 * Counts a leaf's keys in the hash table (linear probing, at most a quarter full, so a probe
 * rarely goes on and the branch is predictable). Distinct values, singletons and the mode are
 * kept up to date while counting, so the table is never scanned; only the counts are cleared.
 */
static void hash_leaf(job *j, const uint64_t *keys, int64_t n) {
    int bits = floor_log2((uint64_t)(4 * n - 1)) + 1; /* 2^bits >= 4n */
    bits = bits < 4 ? 4 : bits;
    uint64_t mask = ((uint64_t)1 << bits) - 1;
    uint64_t *slot_keys = j->table_keys;
    uint16_t *counts = j->table_counts;
    __builtin_memset(counts, 0, ((size_t)mask + 1) * sizeof(uint16_t));
    rt_key_tally tally = j->tally; /* a local copy: its fields stay in registers */
    for (int64_t i = 0; i < n; i++) {
        uint64_t key = keys[i];
        uint64_t at = ((key ^ (key >> 29)) * HASH_MULTIPLIER) >> (64 - bits);
        while (((0u - counts[at]) >> 31) & (slot_keys[at] != key)) { /* occupied by another key: one branch */
            at = (at + 1) & mask;
        }
        slot_keys[at] = key;
        rt_key_tally_step(&tally, key, ++counts[at]);
    }
    j->tally = tally;
}

static void key_range(const uint64_t *keys, int64_t n, uint64_t *min, uint64_t *max) {
    uint64_t lo = keys[0], hi = keys[0];
    for (int64_t i = 1; i < n; i++) {
        lo = keys[i] < lo ? keys[i] : lo;
        hi = keys[i] > hi ? keys[i] : hi;
    }
    *min = lo;
    *max = hi;
}

/* One counter per value of [min, min + 2^bits): every count and order statistic in one scan. */
static rt_status count_directly(job *j, const uint64_t *keys, int64_t n, uint64_t min, int bits, int64_t base,
                                int64_t r_lo, int64_t r_hi, rt_error *err) {
    if (j->direct == NULL) {
        void *memory = NULL;
        RT_RETURN_NOT_OK(rt_pool_alloc(((int64_t)1 << DIRECT_MAX_BITS) * (int64_t)sizeof(uint32_t), &memory, err));
        j->direct = (uint32_t *)memory;
    }
    uint32_t *counts = j->direct;
    uint64_t size = (uint64_t)1 << bits;
    __builtin_memset(counts, 0, (size_t)size * sizeof(uint32_t));
    for (int64_t i = 0; i < n; i++) {
        counts[keys[i] - min]++;
    }
    int64_t seen = 0, r = r_lo;
    for (uint64_t v = 0; v < size; v++) {
        int64_t count = counts[v];
        if (count == 0) {
            continue;
        }
        if (j->want_counts) {
            rt_key_tally_add(&j->tally, min + v, count);
        }
        seen += count;
        while (r < r_hi && j->ranks[r] - base < seen) {
            j->rank_keys[r++] = min + v;
        }
    }
    return RT_OK;
}

static rt_status level_at(job *j, int depth, level **out, rt_error *err) {
    level *lv = &j->levels[depth];
    if (lv->hist == NULL) {
        int64_t buckets = (int64_t)1 << MAX_HIST_BITS;
        int64_t bytes = buckets * (int64_t)(sizeof(int64_t) + sizeof(int32_t)) + 2 * (buckets + 1) * (int64_t)sizeof(int64_t);
        void *memory = NULL;
        RT_RETURN_NOT_OK(rt_pool_alloc(bytes, &memory, err));
        lv->hist = (int64_t *)memory;
        lv->part_start = lv->hist + buckets;
        lv->fill = lv->part_start + buckets + 1;
        lv->part_of = (int32_t *)(lv->fill + buckets + 1);
    }
    *out = lv;
    return RT_OK;
}

/*
 * Groups buckets into partitions of about `target` keys (a bucket larger than that is a
 * partition of its own) and returns how many.
 */
static int64_t group_buckets(level *lv, int64_t buckets, int64_t target) {
    int64_t parts = 0, run = 0, seen = 0;
    lv->part_start[0] = 0;
    for (int64_t b = 0; b < buckets; b++) {
        int64_t count = lv->hist[b];
        if (run > 0 && run + count > target) {
            lv->part_start[++parts] = seen;
            run = 0;
        }
        lv->part_of[b] = (int32_t)parts;
        run += count;
        seen += count;
    }
    lv->part_start[++parts] = seen;
    return parts;
}

/* Without counts, only partitions holding a wanted rank are gathered: the others get partition -1. */
static void skip_unwanted(job *j, level *lv, int64_t parts, int64_t buckets, int64_t base, int64_t r_lo,
                          int64_t r_hi) {
    for (int64_t p = 0; p < parts; p++) {
        lv->fill[p] = -1;
    }
    int64_t p = 0;
    for (int64_t r = r_lo; r < r_hi; r++) {
        while (lv->part_start[p + 1] <= j->ranks[r] - base) {
            p++;
        }
        lv->fill[p] = 0;
    }
    for (int64_t b = 0; b < buckets; b++) {
        lv->part_of[b] = lv->fill[lv->part_of[b]] < 0 ? -1 : lv->part_of[b];
    }
}

static rt_status profile_range(job *j, uint64_t *keys, uint64_t *spare, int64_t n, int64_t base, int64_t r_lo,
                               int64_t r_hi, int depth, rt_error *err);

/* Histogram, partitions, scatter into `spare`, then each partition on its own (one level deeper). */
static rt_status split_range(job *j, uint64_t *keys, uint64_t *spare, int64_t n, uint64_t min, int bits,
                             int64_t base, int64_t r_lo, int64_t r_hi, int depth, rt_error *err) {
    level *lv = NULL;
    RT_RETURN_NOT_OK(level_at(j, depth, &lv, err));
    int hist_bits = floor_log2((uint64_t)n) - 4;
    hist_bits = hist_bits < MIN_HIST_BITS ? MIN_HIST_BITS : hist_bits > MAX_HIST_BITS ? MAX_HIST_BITS : hist_bits;
    hist_bits = hist_bits > bits ? bits : hist_bits;
    int shift = bits - hist_bits;
    int64_t buckets = (int64_t)1 << hist_bits;
    int64_t *hist = lv->hist;
    __builtin_memset(hist, 0, (size_t)buckets * sizeof(int64_t));
    for (int64_t i = 0; i < n; i++) {
        hist[(keys[i] - min) >> shift]++;
    }
    int64_t target = n / MAX_PARTS > PART_MIN ? n / MAX_PARTS : PART_MIN;
    int64_t parts = group_buckets(lv, buckets, target);
    if (!j->want_counts) {
        skip_unwanted(j, lv, parts, buckets, base, r_lo, r_hi);
    }
    for (int64_t p = 0; p < parts; p++) {
        lv->fill[p] = lv->part_start[p];
    }
    const int32_t *restrict part_of = lv->part_of;
    int64_t *restrict fill = lv->fill;
    uint64_t *restrict out = spare;
    if (j->want_counts) {
        for (int64_t i = 0; i < n; i++) {
            uint64_t key = keys[i];
            out[fill[part_of[(key - min) >> shift]]++] = key;
        }
    } else {
        for (int64_t i = 0; i < n; i++) {
            uint64_t key = keys[i];
            int32_t p = part_of[(key - min) >> shift];
            if (p >= 0) {
                out[fill[p]++] = key;
            }
        }
    }
    int64_t r = r_lo;
    for (int64_t p = 0; p < parts; p++) {
        int64_t start = lv->part_start[p], size = lv->part_start[p + 1] - start;
        int64_t r_end = r;
        while (r_end < r_hi && j->ranks[r_end] - base < start + size) {
            r_end++;
        }
        if (size > 0 && (j->want_counts || r_end > r)) {
            RT_RETURN_NOT_OK(profile_range(j, spare + start, keys + start, size, base + start, r, r_end, depth + 1, err));
        }
        r = r_end;
    }
    return RT_OK;
}

/*
 * Profiles keys[0..n), whose order statistics are base..base + n - 1 of the whole; ranks
 * r_lo..r_hi fall inside. `spare` holds n keys of scratch.
 */
static rt_status profile_range(job *j, uint64_t *keys, uint64_t *spare, int64_t n, int64_t base, int64_t r_lo,
                               int64_t r_hi, int depth, rt_error *err) {
    if (n <= LEAF_MAX) {
        if (j->want_counts) {
            hash_leaf(j, keys, n);
        }
        select_ranks(j, keys, n, base, r_lo, r_hi);
        return RT_OK;
    }
    uint64_t min, max;
    key_range(keys, n, &min, &max);
    if (min == max) {
        if (j->want_counts) {
            rt_key_tally_add(&j->tally, min, n);
        }
        for (int64_t r = r_lo; r < r_hi; r++) {
            j->rank_keys[r] = min;
        }
        return RT_OK;
    }
    int bits = floor_log2(max - min) + 1;
    if (bits <= DIRECT_MAX_BITS && ((int64_t)1 << bits) <= 4 * n && n < ((int64_t)1 << 32)) {
        return count_directly(j, keys, n, min, bits, base, r_lo, r_hi, err);
    }
    if (depth >= MAX_DEPTH) { /* cannot happen: each level narrows the range or divides the count */
        return rt_fail(err, RT_ERR_COMPUTATION, "rt_quality_key_profile", "recursion too deep");
    }
    return split_range(j, keys, spare, n, min, bits, base, r_lo, r_hi, depth, err);
}

/* The order statistics the quantiles need (floor and ceiling of (n - 1) p), ascending and distinct. */
static int64_t wanted_ranks(int64_t n, const double *probs, int64_t n_probs, int64_t *ranks) {
    int64_t count = 0;
    for (int64_t i = 0; i < n_probs; i++) {
        int64_t k = (int64_t)((double)(n - 1) * probs[i]);
        ranks[count++] = k;
        if (k < n - 1) {
            ranks[count++] = k + 1;
        }
    }
    for (int64_t a = 1; a < count; a++) { /* insertion sort: a handful of ranks */
        int64_t v = ranks[a], b = a - 1;
        while (b >= 0 && ranks[b] > v) {
            ranks[b + 1] = ranks[b];
            b--;
        }
        ranks[b + 1] = v;
    }
    int64_t kept = 0;
    for (int64_t a = 0; a < count; a++) {
        if (kept == 0 || ranks[a] != ranks[kept - 1]) {
            ranks[kept++] = ranks[a];
        }
    }
    return kept;
}

static uint64_t key_of_rank(const job *j, int64_t n_ranks, int64_t rank) {
    int64_t lo = 0, hi = n_ranks - 1;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (j->ranks[mid] < rank) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return j->rank_keys[lo];
}

static void interpolate(const job *j, int64_t n_ranks, int32_t key_kind, int64_t n, const double *probs,
                        int64_t n_probs, double *quantiles) {
    for (int64_t i = 0; i < n_probs; i++) {
        double h = (double)(n - 1) * probs[i];
        int64_t k = (int64_t)h;
        double below = rt_key_value(key_kind, key_of_rank(j, n_ranks, k));
        if (k >= n - 1) {
            quantiles[i] = below;
        } else {
            quantiles[i] = rt_key_lerp(below, rt_key_value(key_kind, key_of_rank(j, n_ranks, k + 1)), h - (double)k);
        }
    }
}

static void free_job(job *j, void *ranks_memory, void *spare) {
    for (int d = 0; d < MAX_DEPTH; d++) {
        rt_pool_free(j->levels[d].hist, NULL);
    }
    rt_pool_free(j->direct, NULL);
    rt_pool_free(j->table_keys, NULL);
    rt_pool_free(ranks_memory, NULL);
    rt_pool_free(spare, NULL);
}

static rt_status check_arguments(int32_t key_kind, const uint64_t *keys, int64_t n, const double *probs,
                                 int64_t n_probs, const double *quantiles, rt_error *err) {
    const char *context = "rt_quality_key_profile";
    if (n < 0 || (n > 0 && keys == NULL) || n_probs < 0 || (n_probs > 0 && (probs == NULL || quantiles == NULL))) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "keys, probs and quantiles must hold n, n_probs values");
    }
    if (key_kind != RT_KEY_FLOAT && key_kind != RT_KEY_INT) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "unknown key kind");
    }
    for (int64_t i = 0; i < n_probs; i++) {
        if (!(probs[i] >= 0.0 && probs[i] <= 1.0)) {
            return rt_fail(err, RT_ERR_VALIDATION, context, "quantile probabilities must be in [0, 1]");
        }
    }
    return RT_OK;
}

static rt_status run_job(job *j, uint64_t *keys, int64_t n, int64_t n_ranks, void **spare, rt_error *err) {
    void *memory = NULL;
    int64_t slots = TABLE_SLOTS;
    RT_RETURN_NOT_OK(rt_pool_alloc(slots * (int64_t)(sizeof(uint64_t) + sizeof(uint16_t)), &memory, err));
    j->table_keys = (uint64_t *)memory;
    j->table_counts = (uint16_t *)(j->table_keys + slots);
    if (n > LEAF_MAX) {
        RT_RETURN_NOT_OK(rt_pool_alloc(n * (int64_t)sizeof(uint64_t), spare, err));
    }
    return profile_range(j, keys, (uint64_t *)*spare, n, 0, 0, n_ranks, 0, err);
}

rt_status rt_quality_key_profile(int32_t key_kind, uint64_t *keys, int64_t n, const double *probs,
                                 int64_t n_probs, double *quantiles, rt_key_profile *out, rt_error *err) {
    RT_RETURN_NOT_OK(check_arguments(key_kind, keys, n, probs, n_probs, quantiles, err));
    double nan = __builtin_nan("");
    if (out != NULL) {
        *out = (rt_key_profile){n, 0, 0, 0, nan, 0};
    }
    if (n == 0) {
        for (int64_t i = 0; i < n_probs; i++) {
            quantiles[i] = nan;
        }
        return RT_OK;
    }
    if (out == NULL && n_probs == 0) {
        return RT_OK;
    }
    void *ranks_memory = NULL, *spare = NULL;
    RT_RETURN_NOT_OK(rt_pool_alloc(4 * n_probs * (int64_t)sizeof(int64_t) + 1, &ranks_memory, err));
    job j = {0};
    j.want_counts = out != NULL;
    int64_t *ranks = (int64_t *)ranks_memory;
    int64_t n_ranks = wanted_ranks(n, probs, n_probs, ranks);
    j.ranks = ranks;
    j.rank_keys = (uint64_t *)(ranks + 2 * n_probs);
    rt_status status = run_job(&j, keys, n, n_ranks, &spare, err);
    if (status == RT_OK) {
        interpolate(&j, n_ranks, key_kind, n, probs, n_probs, quantiles);
        if (out != NULL) {
            *out = (rt_key_profile){n, j.tally.distinct, j.tally.singletons, j.tally.mode_count,
                                    rt_key_value(key_kind, j.tally.mode_key), j.tally.mode_key};
        }
    }
    free_job(&j, ranks_memory, spare);
    return status;
}
