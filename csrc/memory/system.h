/* Where the pool gets memory from: libc natively, linear memory in wasm. */
#ifndef RT_MEMORY_SYSTEM_H
#define RT_MEMORY_SYSTEM_H

#include <stdint.h>

/* Returns `nbytes` (a multiple of 64, as C11's aligned_alloc wants) bytes aligned to 64, or NULL. */
void *rt_system_alloc(int64_t nbytes);

/* Gives back a block of `nbytes` bytes from rt_system_alloc. */
void rt_system_free(void *ptr, int64_t nbytes);

/* Caps the bytes taken from the system (0 = no cap); rt_system_alloc returns NULL beyond it. */
void rt_system_set_limit(int64_t max_bytes);

/* Largest request the system allocator can ever satisfy. */
int64_t rt_system_max_bytes(void);

#endif /* RT_MEMORY_SYSTEM_H */
