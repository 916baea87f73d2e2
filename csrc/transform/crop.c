/*
 * center crop, as torchvision.transforms.functional.center_crop does it:
 * along each axis the window starts at round((size - crop) / 2) with
 * Python's round (ties to even); a window larger than the image starts
 * (crop - size) // 2 before it, and what lies outside is zero.
 */
#include "rt/transform.h"

#include "image.h"

/* First source index of the window along one axis (negative when padding). */
static int64_t window_start(int64_t size, int64_t crop) {
    if (crop > size) {
        return -((crop - size) / 2);
    }
    int64_t excess = size - crop, half = excess / 2;
    /* excess / 2 is a whole number or a tie; a tie rounds to the even neighbour */
    return excess % 2 == 0 ? half : (half % 2 == 0 ? half : half + 1);
}

rt_status rt_transform_center_crop(int32_t dtype, const void *data, int64_t batch, int64_t height,
                                   int64_t width, int64_t channels, int32_t layout, int64_t out_height,
                                   int64_t out_width, void *out, rt_error *err) {
    const char *context = "rt_transform_center_crop";
    image_batch image;
    RT_RETURN_NOT_OK(rt_image_batch_check(err, context, dtype, data, batch, height, width, channels, layout,
                                          &image));
    RT_RETURN_NOT_OK(rt_image_output_check(err, context, &image, dtype, out_height, out_width, out));
    if (image.total_values == 0) {
        return RT_OK;
    }
    int64_t pixel = image.cn * rt_dtype_size(dtype);
    int64_t top = window_start(height, out_height), left = window_start(width, out_width);
    /* Columns of the window that fall inside the image: [col_begin, col_end) of the output row. */
    int64_t col_begin = left < 0 ? -left : 0;
    int64_t col_end = width - left < out_width ? width - left : out_width;
    int64_t src_row = width * pixel, dst_row = out_width * pixel;
    for (int64_t p = 0; p < image.planes; p++) {
        const uint8_t *src = (const uint8_t *)data + p * height * src_row;
        uint8_t *dst = (uint8_t *)out + p * out_height * dst_row;
        for (int64_t y = 0; y < out_height; y++) {
            uint8_t *line = dst + y * dst_row;
            int64_t sy = y + top;
            if (sy < 0 || sy >= height) {
                __builtin_memset(line, 0, (size_t)dst_row);
                continue;
            }
            __builtin_memset(line, 0, (size_t)(col_begin * pixel));
            __builtin_memcpy(line + col_begin * pixel, src + sy * src_row + (col_begin + left) * pixel,
                   (size_t)((col_end - col_begin) * pixel));
            __builtin_memset(line + col_end * pixel, 0, (size_t)((out_width - col_end) * pixel));
        }
    }
    return RT_OK;
}
