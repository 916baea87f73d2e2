/*
 * Exact distinct values, values occurring once and the mode of unsorted
 * keys, by hash partitioning. Counts do not need key order, so the keys are
 * split on the top bits of a hash rather than of their value: the split is
 * even whatever the values look like (the exponent bits of floats make a
 * split on value bits lopsided), and one level always suffices.
 *
 *  - integer keys: min and max first; a range of at most 2^22 values no
 *    wider than 4 times the count (small integers, booleans, timestamps in
 *    whole days) is counted directly, one counter a value; all-equal keys
 *    are one value (float keys skip this pass: a narrow range of doubles
 *    is rare);
 *  - otherwise a histogram of the hash's top bits (up to MAX_PART_BITS, so
 *    about PART_KEYS keys a partition) and one scatter put equal keys into
 *    the same partition, and each partition is counted in an
 *    open-addressing table (linear probing, at most half full) sized to it,
 *    so the table stays in the L2 cache. Table slots carry the number of
 *    the partition that filled them, so the table is cleared once, not
 *    once per partition. Fewer than 2 * PART_KEYS keys are counted in one
 *    table without the scatter, and so are more keys with few distinct
 *    values: the keys are first counted in one table of 2^FEW_BITS slots,
 *    and only when it gets half full (2^14 distinct values, typically
 *    within the first 20,000 keys) is that count dropped and the keys
 *    partitioned.
 *
 * The partition is the top bits of a multiply-shift hash (an xor-shift
 * first, so keys that differ only in their top bits spread too), the table
 * slot the top bits of a second one with another multiplier. A poor spread
 * only costs time (a table grows when a partition holds more distinct keys
 * than expected; keys built against both hashes make long probes); the
 * counts are exact whatever the hash.
 */
#include "rt/memory.h"
#include "rt/quality.h"

#include "../core/internal.h"
#include "keys.h"

enum {
    PART_KEYS = 1 << 14,  /* keys a partition is meant to hold: its table (2^15 slots of 16 bytes) fits L2 */
    MAX_PART_BITS = 10,   /* at most 1024 partitions, so the scatter writes to few places at once */
    MIN_TABLE_BITS = 4,
    FEW_BITS = 15,        /* the table tried first: up to 2^14 distinct keys need no partitions */
    DIRECT_BITS = 22      /* widest range counted one counter a value */
};

#define COUNT_MULTIPLIER 0x9E3779B97F4A7C15ull
#define SLOT_MULTIPLIER 0xD6E8FEB86659FD93ull

/* A table slot: a key and its count, tagged with 1 + the partition that filled it (other tags: empty). */
typedef struct slot {
    uint64_t key;
    uint64_t tagged; /* tag << COUNT_BITS | count */
} slot;

#define COUNT_BITS 40
#define COUNT_MASK ((1ull << COUNT_BITS) - 1)

typedef struct counts {
    slot *table;
    int table_bits; /* the table holds 2^table_bits slots */
    int overflowed; /* count_partition stopped: more distinct keys than its table takes (may_grow = 0) */
    rt_key_tally tally;
} counts;

/* A key's partition: the top bits of this hash. */
static inline uint64_t count_hash(uint64_t key) {
    return (key ^ (key >> 29)) * COUNT_MULTIPLIER;
}

/*
 * A key's first slot in a table of 2^bits: the top bits of a second multiply-shift hash, so that keys
 * sharing the first hash's top bits beyond the partition's (built to, or by chance) still spread.
 */
static inline uint64_t slot_of(uint64_t key, int bits) {
    return ((key ^ (key >> 32)) * SLOT_MULTIPLIER) >> (64 - bits);
}

static int ceil_log2(uint64_t x) {
    return x <= 1 ? 0 : 64 - __builtin_clzll(x - 1);
}

/* A zeroed table of 2^bits slots in place of the current one (whose slots are dropped). */
static rt_status new_table(counts *c, int bits, rt_error *err) {
    void *memory = NULL;
    int64_t bytes = ((int64_t)1 << bits) * (int64_t)sizeof(slot);
    RT_RETURN_NOT_OK(rt_pool_alloc(bytes, &memory, err));
    __builtin_memset(memory, 0, (size_t)bytes);
    rt_pool_free(c->table, NULL);
    c->table = (slot *)memory;
    c->table_bits = bits;
    return RT_OK;
}

static slot *find_slot(slot *table, uint64_t mask, uint64_t at, uint64_t key, uint64_t tag) {
    while ((table[at].tagged >> COUNT_BITS) == tag && table[at].key != key) {
        at = (at + 1) & mask;
    }
    return &table[at];
}

/* Moves the partition's slots into a table twice as large (a partition with more distinct keys than expected). */
static rt_status grow_table(counts *c, int bits, uint64_t tag, rt_error *err) {
    slot *old = c->table;
    int64_t old_size = (int64_t)1 << bits;
    c->table = NULL;
    rt_status status = new_table(c, c->table_bits > bits + 1 ? c->table_bits : bits + 1, err);
    if (status != RT_OK) {
        c->table = old;
        return status;
    }
    uint64_t mask = ((uint64_t)1 << (bits + 1)) - 1;
    for (int64_t i = 0; i < old_size; i++) {
        if ((old[i].tagged >> COUNT_BITS) == tag) {
            *find_slot(c->table, mask, slot_of(old[i].key, bits + 1), old[i].key, tag) = old[i];
        }
    }
    rt_pool_free(old, NULL);
    return RT_OK;
}

/*
 * Counts keys[0..m) - every copy of a key is among them - in the table's first 2^bits slots, tagged
 * `tag`. The distinct values, singletons and mode are kept up to date while counting (no branch on
 * whether a key is new), so the table is never scanned. When the table gets more than half full it
 * grows, or, if may_grow is 0, the count stops with c->overflowed set and c's counts unchanged.
 */
static rt_status count_partition(counts *c, const uint64_t *keys, int64_t m, int bits, uint64_t tag,
                                 int may_grow, rt_error *err) {
    rt_key_tally tally = c->tally; /* a local copy (its fields stay in registers), kept if the count ends */
    int64_t before = tally.distinct;
    int64_t limit = (int64_t)1 << (bits - 1);
    slot *table = c->table;
    uint64_t mask = ((uint64_t)1 << bits) - 1;
    for (int64_t i = 0; i < m; i++) {
        uint64_t key = keys[i];
        slot *s = find_slot(table, mask, slot_of(key, bits), key, tag);
        int64_t count = (int64_t)((s->tagged >> COUNT_BITS) == tag ? s->tagged & COUNT_MASK : 0) + 1;
        s->key = key;
        s->tagged = tag << COUNT_BITS | (uint64_t)count;
        rt_key_tally_step(&tally, key, count);
        if (tally.distinct - before > limit) { /* more than half full: twice the slots */
            if (!may_grow) {
                c->overflowed = 1;
                return RT_OK;
            }
            RT_RETURN_NOT_OK(grow_table(c, bits, tag, err));
            bits++;
            limit *= 2;
            table = c->table;
            mask = mask * 2 + 1;
        }
    }
    c->tally = tally;
    return RT_OK;
}

/* The table for partitions of at most `largest` keys (expected about `typical`): half full at most. */
static int table_bits_for(int64_t largest, int64_t typical) {
    int64_t cap = largest < 4 * typical ? largest : 4 * typical; /* larger ones grow their table as needed */
    int bits = ceil_log2((uint64_t)(2 * cap));
    return bits < MIN_TABLE_BITS ? MIN_TABLE_BITS : bits;
}

/* Histogram on the hash's top part_bits, scatter into `spare`, then each partition in the table. */
static rt_status count_partitioned(counts *c, const uint64_t *keys, int64_t n, int part_bits, uint64_t *spare,
                                   int64_t *start, rt_error *err) {
    int64_t parts = (int64_t)1 << part_bits;
    int shift = 64 - part_bits;
    __builtin_memset(start, 0, (size_t)(parts + 1) * sizeof(int64_t));
    int64_t *hist = start + 1;
    for (int64_t i = 0; i < n; i++) {
        hist[count_hash(keys[i]) >> shift]++;
    }
    int64_t largest = 0;
    for (int64_t p = 0; p < parts; p++) {
        largest = hist[p] > largest ? hist[p] : largest;
        hist[p] += start[p]; /* start[p + 1] = keys before partition p + 1 */
    }
    int64_t *fill = start + parts + 1; /* where the next key of each partition goes */
    __builtin_memcpy(fill, start, (size_t)parts * sizeof(int64_t));
    for (int64_t i = 0; i < n; i++) {
        uint64_t key = keys[i];
        spare[fill[count_hash(key) >> shift]++] = key;
    }
    int bits = table_bits_for(largest, n >> part_bits);
    RT_RETURN_NOT_OK(new_table(c, bits, err));
    for (int64_t p = 0; p < parts; p++) {
        int64_t m = start[p + 1] - start[p];
        int wanted = table_bits_for(m, n >> part_bits);
        if (wanted > c->table_bits) {
            RT_RETURN_NOT_OK(new_table(c, wanted, err));
        }
        /* a table sized to the partition: a smaller one uses the first slots (tags keep partitions apart) */
        RT_RETURN_NOT_OK(count_partition(c, spare + start[p], m, wanted, (uint64_t)p + 1, 1, err));
    }
    return RT_OK;
}

/* One counter per value of [min, min + 2^bits). */
static rt_status count_directly(counts *c, const uint64_t *keys, int64_t n, uint64_t min, int bits, rt_error *err) {
    void *memory = NULL;
    uint64_t size = (uint64_t)1 << bits;
    RT_RETURN_NOT_OK(rt_pool_alloc((int64_t)size * (int64_t)sizeof(uint32_t), &memory, err));
    uint32_t *counters = (uint32_t *)memory;
    __builtin_memset(counters, 0, (size_t)size * sizeof(uint32_t));
    for (int64_t i = 0; i < n; i++) {
        counters[keys[i] - min]++;
    }
    for (uint64_t v = 0; v < size; v++) {
        if (counters[v] != 0) {
            rt_key_tally_add(&c->tally, min + v, counters[v]);
        }
    }
    rt_pool_free(memory, NULL);
    return RT_OK;
}

static rt_status count_hashed(counts *c, const uint64_t *keys, int64_t n, rt_error *err) {
    if (n < 2 * PART_KEYS) {
        RT_RETURN_NOT_OK(new_table(c, table_bits_for(n, n), err));
        return count_partition(c, keys, n, c->table_bits, 1, 1, err);
    }
    /* Few distinct values (rounded prices, codes): one table in cache takes them all, no partitions. */
    RT_RETURN_NOT_OK(new_table(c, FEW_BITS, err));
    RT_RETURN_NOT_OK(count_partition(c, keys, n, FEW_BITS, 1, 0, err));
    if (!c->overflowed) {
        return RT_OK;
    }
    int part_bits = ceil_log2((uint64_t)(n / PART_KEYS));
    part_bits = part_bits > MAX_PART_BITS ? MAX_PART_BITS : part_bits;
    int64_t parts = (int64_t)1 << part_bits;
    void *spare = NULL, *start = NULL;
    RT_RETURN_NOT_OK(rt_pool_alloc(n * (int64_t)sizeof(uint64_t), &spare, err));
    rt_status status = rt_pool_alloc((2 * parts + 1) * (int64_t)sizeof(int64_t), &start, err);
    if (status == RT_OK) {
        status = count_partitioned(c, keys, n, part_bits, (uint64_t *)spare, (int64_t *)start, err);
    }
    rt_pool_free(start, NULL);
    rt_pool_free(spare, NULL);
    return status;
}

/* Integer keys: a narrow range is counted directly, all-equal keys at once; float keys are hashed. */
static rt_status count_keys(counts *c, int32_t key_kind, const uint64_t *keys, int64_t n, rt_error *err) {
    if (key_kind == RT_KEY_FLOAT) { /* a narrow range of doubles is rare: no pass to look for one */
        return count_hashed(c, keys, n, err);
    }
    uint64_t min = keys[0], max = keys[0];
    for (int64_t i = 1; i < n; i++) {
        min = keys[i] < min ? keys[i] : min;
        max = keys[i] > max ? keys[i] : max;
    }
    if (min == max) {
        rt_key_tally_add(&c->tally, min, n);
        return RT_OK;
    }
    int bits = 64 - __builtin_clzll(max - min); /* max - min < 2^bits */
    if (bits <= DIRECT_BITS && ((int64_t)1 << bits) <= 4 * n && n < ((int64_t)1 << 32)) {
        return count_directly(c, keys, n, min, bits, err);
    }
    return count_hashed(c, keys, n, err);
}

rt_status rt_quality_key_counts(int32_t key_kind, const uint64_t *keys, int64_t n, rt_key_profile *out,
                                rt_error *err) {
    const char *context = "rt_quality_key_counts";
    if (n < 0 || n > (int64_t)COUNT_MASK || (n > 0 && keys == NULL) || out == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "keys must hold n (< 2^40) values and out must not be NULL");
    }
    if (key_kind != RT_KEY_FLOAT && key_kind != RT_KEY_INT) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "unknown key kind");
    }
    *out = (rt_key_profile){n, 0, 0, 0, __builtin_nan(""), 0};
    if (n == 0) {
        return RT_OK;
    }
    counts c = {0};
    rt_status status = count_keys(&c, key_kind, keys, n, err);
    rt_pool_free(c.table, NULL);
    if (status == RT_OK) {
        *out = (rt_key_profile){n, c.tally.distinct, c.tally.singletons, c.tally.mode_count,
                                rt_key_value(key_kind, c.tally.mode_key), c.tally.mode_key};
    }
    return status;
}
