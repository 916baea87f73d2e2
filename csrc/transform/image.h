/* Shared by the transform kernels: image batch geometry and its checks. */
#ifndef RT_TRANSFORM_IMAGE_H
#define RT_TRANSFORM_IMAGE_H

#include <stdint.h>

#include "../core/internal.h"

/* A batch of images as the kernels walk it: `planes` planes of height x width x cn. */
typedef struct image_batch {
    int64_t batch, height, width, channels;
    int32_t layout;
    int64_t planes;       /* batch for HWC, batch * channels for CHW */
    int64_t cn;           /* values per pixel within a plane: channels for HWC, 1 for CHW */
    int64_t plane_values; /* height * width * cn */
    int64_t total_values; /* batch * height * width * channels */
} image_batch;

/*
 * Checks a batch's sizes, layout and pointers and fills *out. Sizes must be
 * positive (batch may be 0) and the batch's bytes must fit in memory.
 */
rt_status rt_image_batch_check(rt_error *err, const char *context, int32_t dtype, const void *data,
                               int64_t batch, int64_t height, int64_t width, int64_t channels,
                               int32_t layout, image_batch *out);

/* Checks an output size and that `out` is given when there is anything to write. */
rt_status rt_image_output_check(rt_error *err, const char *context, const image_batch *in,
                                int32_t out_dtype, int64_t out_height, int64_t out_width,
                                const void *out);

#endif /* RT_TRANSFORM_IMAGE_H */
