#include "internal.h"

/* The core has no libc in its wasm build, so it copies strings itself. */
static void copy_text(char *dst, size_t capacity, const char *src) {
    size_t i = 0;
    if (src != NULL) {
        for (; i + 1 < capacity && src[i] != '\0'; i++) {
            dst[i] = src[i];
        }
    }
    dst[i] = '\0';
}

void rt_error_clear(rt_error *err) {
    if (err == NULL) {
        return;
    }
    err->kind = RT_OK;
    err->message[0] = '\0';
    err->context[0] = '\0';
}

rt_status rt_fail(rt_error *err, int32_t kind, const char *context, const char *message) {
    if (err != NULL) {
        err->kind = kind;
        copy_text(err->message, sizeof err->message, message);
        copy_text(err->context, sizeof err->context, context);
    }
    return kind;
}

rt_status rt_check_column(rt_error *err, const char *context, const void *data,
                          int64_t offset, int64_t length, const void *out) {
    if (offset < 0) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "offset must not be negative");
    }
    if (length < 0) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "length must not be negative");
    }
    if (length > 0 && (data == NULL || out == NULL)) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "data and out must not be NULL");
    }
    return RT_OK;
}

void *rt_binding_scratch(void) {
    static _Alignas(64) unsigned char scratch[RT_BINDING_SCRATCH_BYTES];
    return scratch;
}
