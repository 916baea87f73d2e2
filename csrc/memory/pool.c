#include "rt/memory.h"

#include <stdatomic.h>

#include "../core/internal.h"
#include "system.h"

/*
 * Layout of a pool block: a 64-byte header, then the caller's bytes. The
 * header keeps the buffer 64-byte aligned and lets rt_pool_free find the
 * size class without being told the size.
 */
#define HEADER_BYTES 64
#define CLASS_COUNT 192
#define MAGIC_LIVE 0x52545f504f4f4c31ull /* "RT_POOL1" */
#define MAGIC_FREE 0x52545f4652454531ull /* "RT_FREE1" */
#define SMALL_LIMIT 1024
#define MEDIUM_LIMIT (1024 * 1024)

typedef struct block_header {
    uint64_t magic;
    int64_t class_bytes;
    int32_t class_index;
    int32_t padding;
    struct block_header *next;
} block_header;

_Static_assert(sizeof(block_header) <= HEADER_BYTES, "header must fit its slot");

enum category { SMALL = 0, MEDIUM = 1, LARGE = 2 };

typedef struct pool {
    atomic_flag lock;
    int64_t fail_countdown; /* rt_pool_fail_after: 0 = off */
    block_header *free_lists[CLASS_COUNT];
    int64_t cached_per_category[3];
    rt_pool_stats stats;
} pool;

#ifdef __wasm__
#define DEFAULT_MAX_CACHED_BYTES ((int64_t)256 << 20)
#else
#define DEFAULT_MAX_CACHED_BYTES ((int64_t)1 << 30)
#endif

static pool the_pool = {
    .lock = ATOMIC_FLAG_INIT,
    .stats = {.max_buffers = 64, .max_cached_bytes = DEFAULT_MAX_CACHED_BYTES, .enabled = 1},
};

/* Critical sections are a few pointer moves, so a spin lock beats a mutex and needs no libc. */
static void lock(void) {
    while (atomic_flag_test_and_set_explicit(&the_pool.lock, memory_order_acquire)) {
    }
}

static void unlock(void) {
    atomic_flag_clear_explicit(&the_pool.lock, memory_order_release);
}

/* Four classes per power of two above 64 bytes: 64, 80, 96, 112, 128, 160, ... */
static int32_t size_class(int64_t nbytes, int64_t *class_bytes) {
    if (nbytes <= 64) {
        *class_bytes = 64;
        return 0;
    }
    int power = 63 - __builtin_clzll((unsigned long long)(nbytes - 1)); /* 2^power < n <= 2^(power+1) */
    int64_t step = (int64_t)1 << (power - 2);
    int64_t steps = (nbytes + step - 1) / step; /* 5..8 */
    *class_bytes = steps * step;
    return (int32_t)((power - 6) * 4 + (steps - 4));
}

/* Bytes asked of the system for a class: header included, a multiple of 64 so the next block stays aligned. */
static int64_t block_bytes(int64_t class_bytes) {
    return (class_bytes + HEADER_BYTES + 63) & ~(int64_t)63;
}

static enum category category_of(int64_t class_bytes) {
    if (class_bytes < SMALL_LIMIT) {
        return SMALL;
    }
    return class_bytes < MEDIUM_LIMIT ? MEDIUM : LARGE;
}

static void note_in_use(int64_t delta) {
    the_pool.stats.bytes_in_use += delta;
    if (the_pool.stats.bytes_in_use > the_pool.stats.peak_bytes_in_use) {
        the_pool.stats.peak_bytes_in_use = the_pool.stats.bytes_in_use;
    }
}

static void count_cached(enum category cat, int64_t class_bytes, int64_t sign) {
    the_pool.cached_per_category[cat] += sign;
    the_pool.stats.cached_bytes += sign * class_bytes;
}

/* Takes a cached block of this class, or NULL. Called with the lock held. */
static block_header *take_cached(int32_t class_index) {
    block_header *block = the_pool.free_lists[class_index];
    if (block != NULL) {
        the_pool.free_lists[class_index] = block->next;
        count_cached(category_of(block->class_bytes), block->class_bytes, -1);
    }
    return block;
}

rt_status rt_pool_alloc(int64_t nbytes, void **out, rt_error *err) {
    const char *context = "rt_pool_alloc";
    if (out == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "out must not be NULL");
    }
    *out = NULL;
    if (nbytes < 0) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "nbytes must not be negative");
    }
    const char *too_large = "request exceeds the largest possible buffer";
    if (nbytes > rt_system_max_bytes()) { /* checked first so size_class cannot overflow */
        return rt_fail(err, RT_ERR_MEMORY, context, too_large);
    }
    int64_t class_bytes;
    int32_t class_index = size_class(nbytes, &class_bytes);
    if (block_bytes(class_bytes) > rt_system_max_bytes()) {
        return rt_fail(err, RT_ERR_MEMORY, context, too_large);
    }

    lock();
    if (the_pool.fail_countdown > 0 && --the_pool.fail_countdown == 0) {
        unlock();
        return rt_fail(err, RT_ERR_MEMORY, context, "allocation failed (injected by rt_pool_fail_after)");
    }
    block_header *block = take_cached(class_index);
    if (block != NULL) {
        the_pool.stats.hits++;
        the_pool.stats.memory_saved_bytes += class_bytes;
    }
    unlock();

    if (block == NULL) {
        block = (block_header *)rt_system_alloc(block_bytes(class_bytes));
        if (block == NULL && rt_pool_gc() > 0) { /* cached blocks of other classes may make room */
            block = (block_header *)rt_system_alloc(block_bytes(class_bytes));
        }
        if (block == NULL) {
            return rt_fail(err, RT_ERR_MEMORY, context, "the system allocator is out of memory");
        }
        block->class_bytes = class_bytes;
        block->class_index = class_index;
        lock();
        the_pool.stats.misses++;
        unlock();
    }
    block->magic = MAGIC_LIVE;
    block->next = NULL;
    lock();
    the_pool.stats.allocations++;
    note_in_use(class_bytes);
    unlock();
    *out = (unsigned char *)block + HEADER_BYTES;
    return RT_OK;
}

static block_header *header_of(const void *ptr) {
    return (block_header *)((unsigned char *)ptr - HEADER_BYTES);
}

int64_t rt_pool_capacity(const void *ptr) {
    if (ptr == NULL || ((uintptr_t)ptr & 63) != 0) {
        return -1;
    }
    const block_header *block = header_of(ptr);
    return block->magic == MAGIC_LIVE ? block->class_bytes : -1;
}

/* Whether a freed block may stay cached. Called with the lock held. */
static int cache_has_room(int64_t class_bytes) {
    const rt_pool_stats *s = &the_pool.stats;
    return s->enabled && the_pool.cached_per_category[category_of(class_bytes)] < s->max_buffers &&
           s->cached_bytes + class_bytes <= s->max_cached_bytes;
}

rt_status rt_pool_free(void *ptr, rt_error *err) {
    if (ptr == NULL) {
        return RT_OK;
    }
    if (rt_pool_capacity(ptr) < 0) {
        return rt_fail(err, RT_ERR_VALIDATION, "rt_pool_free",
                       "pointer is not a live pool buffer (foreign pointer or double free)");
    }
    block_header *block = header_of(ptr);
    int64_t class_bytes = block->class_bytes;
    block->magic = MAGIC_FREE;
    lock();
    the_pool.stats.frees++;
    note_in_use(-class_bytes);
    int keep = cache_has_room(class_bytes);
    if (keep) {
        block->next = the_pool.free_lists[block->class_index];
        the_pool.free_lists[block->class_index] = block;
        count_cached(category_of(class_bytes), class_bytes, +1);
    }
    unlock();
    if (!keep) {
        rt_system_free(block, block_bytes(class_bytes));
    }
    return RT_OK;
}

/* Whether the cache is over a limit with `block` in it. Called with the lock held. */
static int over_limits(const block_header *block) {
    const rt_pool_stats *s = &the_pool.stats;
    return !s->enabled || s->cached_bytes > s->max_cached_bytes ||
           the_pool.cached_per_category[category_of(block->class_bytes)] > s->max_buffers;
}

/* Releases cached blocks, largest classes first, until the cache fits its limits (or all). */
static int64_t trim_cache(int everything) {
    int64_t released = 0;
    for (int32_t c = CLASS_COUNT - 1; c >= 0; c--) {
        for (;;) {
            lock();
            block_header *block = the_pool.free_lists[c];
            int release = block != NULL && (everything || over_limits(block));
            if (release) {
                take_cached(c);
            }
            unlock();
            if (!release) {
                break;
            }
            released += block->class_bytes;
            rt_system_free(block, block_bytes(block->class_bytes));
        }
    }
    return released;
}

int64_t rt_pool_gc(void) {
    return trim_cache(1);
}

rt_status rt_pool_init(int64_t max_buffers, int64_t max_cached_bytes, rt_error *err) {
    if (max_buffers < 0 || max_cached_bytes < 0) {
        return rt_fail(err, RT_ERR_VALIDATION, "rt_pool_init",
                       "max_buffers and max_cached_bytes must not be negative");
    }
    lock();
    the_pool.stats.max_buffers = max_buffers;
    the_pool.stats.max_cached_bytes = max_cached_bytes;
    unlock();
    trim_cache(0);
    return RT_OK;
}

void rt_pool_set_enabled(int32_t enabled) {
    lock();
    the_pool.stats.enabled = enabled != 0;
    unlock();
    if (!enabled) {
        rt_pool_gc();
    }
}

void rt_pool_get_stats(rt_pool_stats *out) {
    if (out == NULL) {
        return;
    }
    lock();
    *out = the_pool.stats;
    out->cached_small = the_pool.cached_per_category[SMALL];
    out->cached_medium = the_pool.cached_per_category[MEDIUM];
    out->cached_large = the_pool.cached_per_category[LARGE];
    unlock();
}

void rt_pool_reset_stats(void) {
    lock();
    rt_pool_stats *s = &the_pool.stats;
    s->allocations = s->hits = s->misses = s->frees = s->memory_saved_bytes = 0;
    s->peak_bytes_in_use = s->bytes_in_use;
    unlock();
}

void rt_pool_set_memory_limit(int64_t max_bytes) {
    rt_system_set_limit(max_bytes);
}

void rt_pool_fail_after(int64_t n) {
    lock();
    the_pool.fail_countdown = n > 0 ? n : 0;
    unlock();
}
