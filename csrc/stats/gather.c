#include "gather.h"

rt_status rt_gather_check(rt_error *err, const char *context, int32_t dtype, const void *data,
                          int64_t offset, int64_t length) {
    if (offset < 0 || length < 0) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "offset and length must not be negative");
    }
    if (length > 0 && data == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "data must not be NULL");
    }
    switch (dtype) {
    case RT_DTYPE_FLOAT32:
    case RT_DTYPE_FLOAT64:
    case RT_DTYPE_INT32:
    case RT_DTYPE_INT64:
    case RT_DTYPE_UINT8:
        return RT_OK;
    default:
        return rt_fail(err, RT_ERR_VALIDATION, context, "dtype must be float32, float64, int32, int64 or uint8");
    }
}

int64_t rt_gather_block(int32_t dtype, const void *data, const uint8_t *validity, int64_t offset,
                        int64_t start, int64_t count, int32_t nan_as_missing, double *out,
                        int64_t *missing) {
    int64_t kept = 0;
    int is_float = dtype == RT_DTYPE_FLOAT32 || dtype == RT_DTYPE_FLOAT64;
    if (validity == NULL && !(nan_as_missing && is_float)) {
        /* The common case: one conversion loop the compiler can vectorise. */
        if (dtype == RT_DTYPE_FLOAT64) {
            const double *src = (const double *)data + offset + start;
            for (int64_t i = 0; i < count; i++) {
                out[i] = src[i];
            }
        } else {
            for (int64_t i = 0; i < count; i++) {
                out[i] = rt_element_as_double(dtype, data, offset + start + i);
            }
        }
        return count;
    }
    if (dtype == RT_DTYPE_FLOAT64) {
        /* float64 with NaN as missing and/or a bitmap: one branch-free loop without the dtype switch. */
        const double *src = (const double *)data + offset + start;
        for (int64_t i = 0; i < count; i++) {
            int64_t bit = offset + start + i;
            double v = src[i];
            int valid = (validity == NULL || ((validity[bit >> 3] >> (bit & 7)) & 1)) & (!nan_as_missing | (v == v));
            out[kept] = v;
            kept += valid;
        }
        *missing += count - kept;
        return kept;
    }
    for (int64_t i = 0; i < count; i++) {
        int64_t bit = offset + start + i;
        int valid = validity == NULL || ((validity[bit >> 3] >> (bit & 7)) & 1);
        double v = valid ? rt_element_as_double(dtype, data, bit) : 0.0;
        if (valid && nan_as_missing && v != v) {
            valid = 0;
        }
        out[kept] = v;
        kept += valid; /* branch-free compaction */
    }
    *missing += count - kept;
    return kept;
}
