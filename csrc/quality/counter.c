/*
 * rt_hash_counter: exact counts of 64-bit keys (string hashes, row hashes,
 * shape hashes) in an open-addressing table with linear probing, kept at
 * most half full so probes stay short. A slot is empty when its count is 0.
 *
 * rt_hll_*: HyperLogLog registers and Ertl's improved estimator.
 */
#include "rt/memory.h"
#include "rt/quality.h"

#include "../core/internal.h"
#include "hash.h"

typedef struct counter_slot {
    uint64_t key;
    int64_t count;
    int64_t first_row;
} counter_slot;

struct rt_hash_counter {
    counter_slot *slots;
    int64_t capacity; /* a power of two */
    int64_t distinct;
    int64_t total;
};

static rt_status alloc_slots(int64_t capacity, counter_slot **out, rt_error *err) {
    void *memory = NULL;
    RT_RETURN_NOT_OK(rt_pool_alloc(capacity * (int64_t)sizeof(counter_slot), &memory, err));
    __builtin_memset(memory, 0, (size_t)capacity * sizeof(counter_slot));
    *out = (counter_slot *)memory;
    return RT_OK;
}

static counter_slot *find_slot(counter_slot *slots, int64_t capacity, uint64_t key) {
    uint64_t mask = (uint64_t)capacity - 1;
    for (uint64_t at = rt_mix64(key) & mask;; at = (at + 1) & mask) {
        counter_slot *slot = &slots[at];
        if (slot->count == 0 || slot->key == key) {
            return slot;
        }
    }
}

static rt_status grow(rt_hash_counter *c, rt_error *err) {
    int64_t capacity = c->capacity * 2;
    counter_slot *slots;
    RT_RETURN_NOT_OK(alloc_slots(capacity, &slots, err));
    for (int64_t i = 0; i < c->capacity; i++) {
        if (c->slots[i].count != 0) {
            *find_slot(slots, capacity, c->slots[i].key) = c->slots[i];
        }
    }
    rt_pool_free(c->slots, NULL);
    c->slots = slots;
    c->capacity = capacity;
    return RT_OK;
}

rt_status rt_hash_counter_new(int64_t expected_distinct, rt_hash_counter **out, rt_error *err) {
    const char *context = "rt_hash_counter_new";
    if (out == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "out must not be NULL");
    }
    int64_t capacity = 1024;
    while (capacity < 2 * expected_distinct && capacity < ((int64_t)1 << 40)) {
        capacity *= 2;
    }
    void *memory = NULL;
    RT_RETURN_NOT_OK(rt_pool_alloc((int64_t)sizeof(rt_hash_counter), &memory, err));
    rt_hash_counter *c = (rt_hash_counter *)memory;
    *c = (rt_hash_counter){NULL, capacity, 0, 0};
    rt_status status = alloc_slots(capacity, &c->slots, err);
    if (status != RT_OK) {
        rt_pool_free(c, NULL);
        return status;
    }
    *out = c;
    return RT_OK;
}

rt_status rt_hash_counter_add(rt_hash_counter *counter, const uint64_t *keys,
                              const uint8_t *validity, int64_t offset, int64_t length,
                              int64_t first_row, rt_error *err) {
    const char *context = "rt_hash_counter_add";
    if (counter == NULL || offset < 0 || length < 0 || (length > 0 && keys == NULL)) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "counter and keys must not be NULL; offset, length >= 0");
    }
    for (int64_t i = 0; i < length; i++) {
        int64_t row = offset + i;
        if (validity != NULL && !((validity[row >> 3] >> (row & 7)) & 1)) {
            continue;
        }
        counter_slot *slot = find_slot(counter->slots, counter->capacity, keys[row]);
        if (slot->count == 0) {
            slot->key = keys[row];
            slot->first_row = first_row + i;
            counter->distinct++;
        }
        slot->count++;
        counter->total++;
        if (2 * counter->distinct > counter->capacity) {
            RT_RETURN_NOT_OK(grow(counter, err));
        }
    }
    return RT_OK;
}

rt_status rt_hash_counter_summary(const rt_hash_counter *counter, rt_hash_summary *out,
                                  rt_error *err) {
    if (counter == NULL || out == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, "rt_hash_counter_summary", "arguments must not be NULL");
    }
    int64_t singletons = 0;
    for (int64_t i = 0; i < counter->capacity; i++) {
        singletons += counter->slots[i].count == 1;
    }
    *out = (rt_hash_summary){counter->total, counter->distinct, singletons};
    return RT_OK;
}

/* Does slot a rank before slot b: more frequent, or as frequent and seen first? */
static int ranks_before(const counter_slot *a, const counter_slot *b) {
    return a->count > b->count || (a->count == b->count && a->first_row < b->first_row);
}

rt_status rt_hash_counter_top(const rt_hash_counter *counter, int64_t k, int64_t *first_rows,
                              int64_t *counts, int64_t *n_out, rt_error *err) {
    const char *context = "rt_hash_counter_top";
    if (counter == NULL || n_out == NULL || k < 0 || (k > 0 && (first_rows == NULL || counts == NULL))) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "counter, first_rows, counts and n_out must not be NULL");
    }
    if (k > 256) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "k must be at most 256");
    }
    *n_out = 0;
    if (k == 0) { /* nothing to rank (the insertion below needs k >= 1) */
        return RT_OK;
    }
    int64_t n = 0;
    counter_slot best[256];
    for (int64_t i = 0; i < counter->capacity; i++) {
        const counter_slot *slot = &counter->slots[i];
        if (slot->count == 0 || (n == k && !ranks_before(slot, &best[k - 1]))) {
            continue;
        }
        int64_t at = n < k ? n++ : k - 1; /* insertion into the short sorted list */
        while (at > 0 && ranks_before(slot, &best[at - 1])) {
            best[at] = best[at - 1];
            at--;
        }
        best[at] = *slot;
    }
    for (int64_t i = 0; i < n; i++) {
        first_rows[i] = best[i].first_row;
        counts[i] = best[i].count;
    }
    *n_out = n;
    return RT_OK;
}

rt_status rt_hash_counter_free(rt_hash_counter *counter, rt_error *err) {
    if (counter == NULL) {
        return RT_OK;
    }
    RT_RETURN_NOT_OK(rt_pool_free(counter->slots, err));
    return rt_pool_free(counter, err);
}

/* ---- HyperLogLog ---- */

static rt_status check_hll(rt_error *err, const char *context, const uint8_t *registers, int32_t precision) {
    if (precision < 4 || precision > 18) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "precision must be in 4..18");
    }
    if (registers == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "registers must not be NULL");
    }
    return RT_OK;
}

rt_status rt_hll_add(uint8_t *registers, int32_t precision, const uint64_t *keys,
                     const uint8_t *validity, int64_t offset, int64_t length, rt_error *err) {
    const char *context = "rt_hll_add";
    RT_RETURN_NOT_OK(check_hll(err, context, registers, precision));
    if (offset < 0 || length < 0 || (length > 0 && keys == NULL)) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "keys must hold offset + length values");
    }
    for (int64_t i = offset; i < offset + length; i++) {
        rt_hll_update(registers, precision, keys[i], validity == NULL || ((validity[i >> 3] >> (i & 7)) & 1));
    }
    return RT_OK;
}

static double sigma(double x) {
    if (x == 1.0) {
        return __builtin_inf();
    }
    double y = 1.0, z = x, previous;
    do {
        x *= x;
        previous = z;
        z += x * y;
        y += y;
    } while (z != previous);
    return z;
}

static double tau(double x) {
    if (x == 0.0 || x == 1.0) {
        return 0.0;
    }
    double y = 1.0, z = 1.0 - x, previous;
    do {
        x = __builtin_sqrt(x);
        previous = z;
        y *= 0.5;
        z -= (1.0 - x) * (1.0 - x) * y;
    } while (z != previous);
    return z / 3.0;
}

rt_status rt_hll_estimate(const uint8_t *registers, int32_t precision, double *out, rt_error *err) {
    const char *context = "rt_hll_estimate";
    RT_RETURN_NOT_OK(check_hll(err, context, registers, precision));
    if (out == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "out must not be NULL");
    }
    int q = 64 - precision;
    int64_t m = (int64_t)1 << precision;
    int64_t histogram[66] = {0};
    for (int64_t i = 0; i < m; i++) {
        int r = registers[i] > q + 1 ? q + 1 : registers[i];
        histogram[r]++;
    }
    double md = (double)m;
    double z = md * tau(1.0 - (double)histogram[q + 1] / md);
    for (int k = q; k >= 1; k--) {
        z = 0.5 * (z + (double)histogram[k]);
    }
    z += md * sigma((double)histogram[0] / md);
    const double alpha_inf = 0.7213475204444817; /* 1 / (2 ln 2) */
    *out = alpha_inf * md * md / z;
    return RT_OK;
}
