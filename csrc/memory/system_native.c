/* Native builds take memory from the C library. */
#ifndef __wasm__

#include <stdlib.h>

#include "system.h"

void *rt_system_alloc(int64_t nbytes) {
    /* C11 wants the size to be a multiple of the alignment. */
    return aligned_alloc(64, ((size_t)nbytes + 63) & ~(size_t)63);
}

void rt_system_free(void *ptr, int64_t nbytes) {
    (void)nbytes;
    free(ptr);
}

int64_t rt_system_max_bytes(void) {
    return (int64_t)1 << 46;
}

#endif
