/*
 * <string.h> for the freestanding wasm32 build, which has no libc: the
 * vendored xxhash.h includes it for memcpy, memset and memcmp. They map to
 * the compiler builtins (-mbulk-memory lowers the first two to memory.copy
 * and memory.fill; the hash uses no memcmp), so the module has no imports.
 * wasm/build.py puts this folder on the include path; native builds use the
 * system's header.
 */
#ifndef RT_FREESTANDING_STRING_H
#define RT_FREESTANDING_STRING_H

#include <stddef.h>

#define memcpy __builtin_memcpy
#define memset __builtin_memset
#define memcmp __builtin_memcmp

#endif /* RT_FREESTANDING_STRING_H */
