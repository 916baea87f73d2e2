/*
 * The buffer pool every kernel output lives in.
 *
 * Buffers are 64-byte aligned and rounded up to a size class (four classes
 * per power of two, so at most 25% is wasted). A freed buffer is cached on
 * its class's free list and handed out again by the next request of that
 * class, which avoids the page faults and zeroing of a fresh allocation.
 * Statistics group classes as small (< 1 KiB), medium (< 1 MiB) and large.
 * All functions are thread-safe.
 */
#ifndef RT_MEMORY_H
#define RT_MEMORY_H

#include "rt/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rt_pool_stats {
    int64_t allocations;        /* rt_pool_alloc calls that succeeded */
    int64_t hits;               /* served from a cached buffer */
    int64_t misses;             /* served by the system allocator */
    int64_t frees;
    int64_t memory_saved_bytes; /* bytes served from the cache */
    int64_t bytes_in_use;       /* capacity of live buffers */
    int64_t peak_bytes_in_use;
    int64_t cached_bytes;       /* capacity of cached (free) buffers */
    int64_t cached_small;       /* cached buffers per category */
    int64_t cached_medium;
    int64_t cached_large;
    int64_t max_buffers;        /* cache limit per category */
    int64_t max_cached_bytes;   /* cache limit in bytes */
    int64_t enabled;
} rt_pool_stats;

/*
 * Sets the cache limits: at most `max_buffers` cached buffers per category
 * and `max_cached_bytes` cached bytes in all. Cached buffers beyond the new
 * limits are released. The pool also works without this call (defaults:
 * 64 buffers, 1 GiB natively and 256 MiB in wasm).
 */
rt_status rt_pool_init(int64_t max_buffers, int64_t max_cached_bytes, rt_error *err);

/* Allocates a buffer of at least `nbytes` bytes (0 is allowed) into *out. */
rt_status rt_pool_alloc(int64_t nbytes, void **out, rt_error *err);

/*
 * Returns a buffer to the pool. NULL is ignored; a pointer the pool did not
 * hand out, or one freed twice, is a validation error and is not touched.
 */
rt_status rt_pool_free(void *ptr, rt_error *err);

/* Usable size of a live pool buffer, or -1 for a foreign pointer. */
int64_t rt_pool_capacity(const void *ptr);

/* Releases every cached buffer to the system; returns the bytes released. */
int64_t rt_pool_gc(void);

/* Turns caching on (1) or off (0); turning it off releases the cache. */
void rt_pool_set_enabled(int32_t enabled);

/* Copies the current statistics into *out. */
void rt_pool_get_stats(rt_pool_stats *out);

/* Zeroes the counters (allocations, hits, misses, frees, saved, peak). */
void rt_pool_reset_stats(void);

/*
 * Caps the memory the pool may take from the system at `max_bytes` (0 = no
 * cap): in wasm, the size linear memory may grow to; natively, the bytes held
 * from the C library. An allocation that would pass the cap fails with
 * RT_ERR_MEMORY (after releasing the cache and retrying); nothing traps.
 * Memory already taken is kept.
 */
void rt_pool_set_memory_limit(int64_t max_bytes);

/*
 * Test hook: the n-th rt_pool_alloc from now (1 = the next one) fails with
 * RT_ERR_MEMORY, as if the system were out of memory; 0 turns it off. Lets
 * tests prove that every caller handles allocation failure without leaking.
 */
void rt_pool_fail_after(int64_t n);

#ifdef __cplusplus
}
#endif

#endif /* RT_MEMORY_H */
