/*
 * The wasm build has no libc: memory comes from a bump pointer over linear
 * memory grown with memory.grow. Linear memory never shrinks, so freed blocks
 * go on free lists by exact size (the pool only frees its own class sizes)
 * and a block at the top of the heap lowers the bump pointer instead.
 */
#ifdef __wasm__

#include <stddef.h>

#include "system.h"

#define PAGE_BYTES 65536
#define FREE_LIST_SLOTS 256

extern unsigned char __heap_base;

typedef struct free_block {
    struct free_block *next;
} free_block;

static uintptr_t heap_top = 0;
static uintptr_t memory_limit = 0; /* rt_system_set_limit: linear memory may not grow past it; 0 = no cap */
static int64_t free_sizes[FREE_LIST_SLOTS];
static free_block *free_heads[FREE_LIST_SLOTS];

static int free_slot(int64_t nbytes, int create) {
    for (int i = 0; i < FREE_LIST_SLOTS; i++) {
        if (free_sizes[i] == nbytes) {
            return i;
        }
    }
    if (!create) {
        return -1;
    }
    for (int i = 0; i < FREE_LIST_SLOTS; i++) {
        if (free_sizes[i] == 0) {
            free_sizes[i] = nbytes;
            return i;
        }
    }
    return -1;
}

static int grow_to(uintptr_t end) {
    uintptr_t have = (uintptr_t)__builtin_wasm_memory_size(0) * PAGE_BYTES;
    if (end <= have) {
        return 1;
    }
    uintptr_t pages = (end - have + PAGE_BYTES - 1) / PAGE_BYTES;
    if (memory_limit != 0 && have + pages * PAGE_BYTES > memory_limit) {
        return 0;
    }
    return __builtin_wasm_memory_grow(0, pages) != (size_t)-1;
}

void *rt_system_alloc(int64_t nbytes) {
    if (nbytes <= 0 || nbytes > rt_system_max_bytes()) {
        return NULL;
    }
    int slot = free_slot(nbytes, 0);
    if (slot >= 0 && free_heads[slot] != NULL) {
        free_block *block = free_heads[slot];
        free_heads[slot] = block->next;
        return block;
    }
    if (heap_top == 0) {
        heap_top = ((uintptr_t)&__heap_base + 63) & ~(uintptr_t)63;
    }
    uintptr_t start = heap_top;
    uintptr_t end = start + (uintptr_t)nbytes;
    if (end < start || !grow_to(end)) {
        return NULL;
    }
    heap_top = end;
    return (void *)start;
}

void rt_system_free(void *ptr, int64_t nbytes) {
    if (ptr == NULL) {
        return;
    }
    if ((uintptr_t)ptr + (uintptr_t)nbytes == heap_top) {
        heap_top = (uintptr_t)ptr;
        return;
    }
    int slot = free_slot(nbytes, 1);
    if (slot < 0) {
        return; /* more distinct sizes than slots: the block is leaked, never reused */
    }
    free_block *block = (free_block *)ptr;
    block->next = free_heads[slot];
    free_heads[slot] = block;
}

void rt_system_set_limit(int64_t max_bytes) {
    const int64_t address_space = (int64_t)1 << 32;
    memory_limit = max_bytes <= 0 || max_bytes >= address_space ? 0 : (uintptr_t)max_bytes;
}

int64_t rt_system_max_bytes(void) {
    return (int64_t)1 << 31;
}

#endif
