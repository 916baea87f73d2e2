/*
 * rt-pandas C core: status codes, errors, dtypes, versions and bitmaps.
 *
 * This header is the ABI that both bindings compile against. The cffi
 * binding and the wasm export list are generated from the declarations in
 * csrc/include/rt/ (lines starting with '#' are dropped), so declarations
 * here use no macros and only fixed-width integer types.
 */
#ifndef RT_CORE_H
#define RT_CORE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Every exported function returns an rt_status: RT_OK (0) or an error kind. */
typedef int32_t rt_status;

enum rt_error_kind {
    RT_OK = 0,
    RT_ERR_VALIDATION = 1,
    RT_ERR_COMPUTATION = 2,
    RT_ERR_MEMORY = 3,
    RT_ERR_CONFIGURATION = 4
};

/* Caller-owned error record, filled by a failing call (it may be NULL). */
typedef struct rt_error {
    int32_t kind;
    char message[256];
    char context[128];
} rt_error;

/* Element types of a column. Values are stored as in Arrow / numpy. */
enum rt_dtype {
    RT_DTYPE_FLOAT32 = 1,
    RT_DTYPE_FLOAT64 = 2,
    RT_DTYPE_INT32 = 3,
    RT_DTYPE_INT64 = 4,
    RT_DTYPE_UINT8 = 5
};

enum { RT_BINDING_SCRATCH_BYTES = 1024 };

/* Components with their own version numbers. */
enum rt_component {
    RT_COMPONENT_CORE = 0,
    RT_COMPONENT_MATH = 1,
    RT_COMPONENT_QUALITY = 2,
    RT_COMPONENT_ANOMALY = 3,
    RT_COMPONENT_TRANSFORMS = 4,
    RT_COMPONENT_COUNT = 5
};

/* Resets an error record to RT_OK with empty message and context. */
void rt_error_clear(rt_error *err);

/* Version string ("MAJOR.MINOR.PATCH") of a component, or NULL if unknown. */
const char *rt_version(int32_t component);

/* Name of a component ("core", "math", ...), or NULL if unknown. */
const char *rt_component_name(int32_t component);

/* Size in bytes of one element of a dtype, or 0 for an unknown dtype. */
int32_t rt_dtype_size(int32_t dtype);

/*
 * Copies `length` bits of an Arrow validity bitmap starting at bit
 * `src_offset` into `dst` starting at bit 0 (LSB-first, as Arrow stores
 * them). Bits past `length` in the last byte of `dst` are set to zero.
 * Used to give a sliced Arrow array's output its own, offset-free bitmap.
 */
rt_status rt_bitmap_copy(const uint8_t *src, int64_t src_offset, int64_t length,
                         uint8_t *dst, rt_error *err);

/*
 * A static, 64-byte aligned area of RT_BINDING_SCRATCH_BYTES bytes for
 * bindings that keep no C stack of their own (wasm hosts): they put the
 * rt_error record and out-parameters here. Not thread-safe; native callers
 * use their own memory.
 */
void *rt_binding_scratch(void);

/* Number of set bits (valid slots) in bits [offset, offset + length). */
int64_t rt_bitmap_count_set(const uint8_t *bits, int64_t offset, int64_t length);

#ifdef __cplusplus
}
#endif

#endif /* RT_CORE_H */
