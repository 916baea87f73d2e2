#include "image.h"

#include <stddef.h>

#include "rt/transform.h"

/* Largest byte count one buffer may have: what int64 and this target's size_t both hold. */
static int64_t max_buffer_bytes(void) {
    return SIZE_MAX < (uint64_t)INT64_MAX ? (int64_t)SIZE_MAX : INT64_MAX;
}

/* a * b * c * d * element_size fits in a buffer. */
static int fits_product(int64_t a, int64_t b, int64_t c, int64_t d, int32_t element_size) {
    int64_t product = element_size;
    const int64_t factors[4] = {a, b, c, d};
    for (int i = 0; i < 4; i++) {
        /* a division, not __builtin_mul_overflow: that needs __multi3, which wasm32 lacks */
        if (factors[i] != 0 && product > INT64_MAX / factors[i]) {
            return 0;
        }
        product *= factors[i];
    }
    return product <= max_buffer_bytes();
}

/*
 * a * b * c * d * element_size fits in a buffer, and so does one image
 * (b * c * d * element_size) even when the batch a is 0: the kernels compute
 * per-image sizes whatever the batch.
 */
static int fits_in_memory(int64_t a, int64_t b, int64_t c, int64_t d, int32_t element_size) {
    return fits_product(a, b, c, d, element_size) && fits_product(1, b, c, d, element_size);
}

rt_status rt_image_batch_check(rt_error *err, const char *context, int32_t dtype, const void *data,
                               int64_t batch, int64_t height, int64_t width, int64_t channels,
                               int32_t layout, image_batch *out) {
    int32_t element_size = rt_dtype_size(dtype);
    if (element_size == 0) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "unknown dtype");
    }
    if (batch < 0) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "batch must not be negative");
    }
    if (height <= 0 || width <= 0 || channels <= 0) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "height, width and channels must be positive");
    }
    /* Row and column indices are int32 inside the kernels. */
    if (height > INT32_MAX || width > INT32_MAX || channels > INT32_MAX) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "image dimensions must be below 2**31");
    }
    if (layout != RT_LAYOUT_HWC && layout != RT_LAYOUT_CHW) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "layout must be HWC (0) or CHW (1)");
    }
    if (!fits_in_memory(batch, height, width, channels, element_size)) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "the image batch is too large for this address space");
    }
    if (batch > 0 && data == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "data must not be NULL");
    }
    out->batch = batch;
    out->height = height;
    out->width = width;
    out->channels = channels;
    out->layout = layout;
    out->planes = layout == RT_LAYOUT_HWC ? batch : batch * channels;
    out->cn = layout == RT_LAYOUT_HWC ? channels : 1;
    out->plane_values = height * width * out->cn;
    out->total_values = batch * height * width * channels;
    return RT_OK;
}

rt_status rt_image_output_check(rt_error *err, const char *context, const image_batch *in,
                                int32_t out_dtype, int64_t out_height, int64_t out_width,
                                const void *out) {
    if (out_height <= 0 || out_width <= 0) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "output height and width must be positive");
    }
    if (out_height > INT32_MAX || out_width > INT32_MAX) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "output dimensions must be below 2**31");
    }
    if (!fits_in_memory(in->batch, out_height, out_width, in->channels, rt_dtype_size(out_dtype))) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "the output batch is too large for this address space");
    }
    if (in->batch > 0 && out == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "out must not be NULL");
    }
    return RT_OK;
}
