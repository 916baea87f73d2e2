/* Native builds take memory from the C library. */
#ifndef __wasm__

#include <stdlib.h>

#include "system.h"

void *rt_system_alloc(int64_t nbytes) {
    return aligned_alloc(64, (size_t)nbytes);
}

void rt_system_free(void *ptr, int64_t nbytes) {
    (void)nbytes;
    free(ptr);
}

int64_t rt_system_max_bytes(void) {
    return (int64_t)1 << 46;
}

#endif
