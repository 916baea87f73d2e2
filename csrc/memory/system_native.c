/* Native builds take memory from the C library. */
#ifndef __wasm__

#include <stdatomic.h>
#include <stdlib.h>

#include "system.h"

static _Atomic int64_t taken = 0; /* bytes held from the C library */
static _Atomic int64_t limit = 0; /* rt_system_set_limit; 0 = no cap */

void *rt_system_alloc(int64_t nbytes) {
    int64_t total = atomic_fetch_add(&taken, nbytes) + nbytes;
    int64_t cap = atomic_load(&limit);
    void *ptr = cap > 0 && total > cap ? NULL : aligned_alloc(64, (size_t)nbytes);
    if (ptr == NULL) {
        atomic_fetch_sub(&taken, nbytes);
    }
    return ptr;
}

void rt_system_free(void *ptr, int64_t nbytes) {
    if (ptr != NULL) {
        atomic_fetch_sub(&taken, nbytes);
        free(ptr);
    }
}

void rt_system_set_limit(int64_t max_bytes) {
    atomic_store(&limit, max_bytes > 0 ? max_bytes : 0);
}

int64_t rt_system_max_bytes(void) {
    return (int64_t)1 << 46;
}

#endif
