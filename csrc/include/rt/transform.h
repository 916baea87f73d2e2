/*
 * Image and tensor transforms: normalize, resize, center crop, content hash.
 *
 * An image batch is `batch` images of `height` x `width` pixels with
 * `channels` values each, stored contiguously, image after image, in one of
 * two layouts: RT_LAYOUT_HWC (pixels interleaved, as OpenCV and PIL store
 * them) or RT_LAYOUT_CHW (one plane per channel, as PyTorch stores them).
 * Every function reads the whole batch from `data` and writes the whole
 * result batch to `out` (same layout); `out` never aliases `data`.
 *
 * Resize follows OpenCV's cv2.resize exactly in its pixel-centre convention,
 * borders and weights (see docs/transforms.md): results match it to float
 * rounding for float32 and within 1 for uint8.
 *
 * The JavaScript classes map one to one: WasmNormalize -> rt_transform_normalize,
 * WasmResize -> rt_transform_resize, center crop -> rt_transform_center_crop,
 * and the pipeline cache keys -> rt_transform_hash128 (XXH3-128).
 */
#ifndef RT_TRANSFORM_H
#define RT_TRANSFORM_H

#include "rt/core.h"

#ifdef __cplusplus
extern "C" {
#endif

enum rt_layout {
    RT_LAYOUT_HWC = 0,
    RT_LAYOUT_CHW = 1
};

enum rt_interpolation {
    RT_INTERP_NEAREST = 0,  /* cv2.INTER_NEAREST: source index floor(d * src / dst) */
    RT_INTERP_BILINEAR = 1, /* cv2.INTER_LINEAR: pixel centres, no antialiasing */
    RT_INTERP_BICUBIC = 2,  /* cv2.INTER_CUBIC: Keys kernel with a = -0.75, replicated border */
    RT_INTERP_AREA = 3      /* cv2.INTER_AREA: pixel-area average when shrinking, bilinear-like when growing */
};

/*
 * out = (x * pixel_scale - mean[c]) / std[c] for every value of channel c,
 * computed as x * (pixel_scale / std[c]) + (-mean[c] / std[c]).
 * Input float32 or uint8 gives float32 output; float64 gives float64.
 * `mean` and `std` hold `channels` values; a std of 0 or a non-finite mean,
 * std or pixel_scale is a validation error. NaN in the input propagates.
 */
rt_status rt_transform_normalize(int32_t dtype, const void *data, int64_t batch, int64_t height,
                                 int64_t width, int64_t channels, int32_t layout,
                                 const double *mean, const double *std, double pixel_scale,
                                 void *out, rt_error *err);

/*
 * Resizes every image to out_height x out_width with an rt_interpolation.
 * uint8 and float32 (output of the same dtype; uint8 results are rounded
 * and saturated as OpenCV does). Nearest also takes float64, int32 and int64.
 */
rt_status rt_transform_resize(int32_t dtype, const void *data, int64_t batch, int64_t height,
                              int64_t width, int64_t channels, int32_t layout, int64_t out_height,
                              int64_t out_width, int32_t interpolation, void *out, rt_error *err);

/*
 * Cuts the central out_height x out_width window of every image, as
 * torchvision's center_crop does: the top-left corner is
 * round((height - out_height) / 2) (ties to even, as Python rounds), and a
 * window larger than the image is padded with zeros, (excess // 2) before
 * and the rest after. Any dtype.
 */
rt_status rt_transform_center_crop(int32_t dtype, const void *data, int64_t batch, int64_t height,
                                   int64_t width, int64_t channels, int32_t layout,
                                   int64_t out_height, int64_t out_width, void *out, rt_error *err);

/*
 * XXH64 of `nbytes` bytes with `seed` (the official xxHash's, vendored in
 * csrc/vendor/xxhash): one value in *out. A checksum for callers that store
 * it; the pipeline cache uses rt_transform_hash128.
 */
rt_status rt_transform_hash(const void *data, int64_t nbytes, uint64_t seed, uint64_t *out,
                            rt_error *err);

/*
 * XXH3 128-bit hash of `nbytes` bytes with `seed` (XXH3_128bits_withSeed of
 * the vendored xxHash, SIMD, at memory speed), for the pipeline's
 * content-addressed cache: writes out[0] = low 64 bits, out[1] = high 64 bits.
 */
rt_status rt_transform_hash128(const void *data, int64_t nbytes, uint64_t seed, uint64_t *out,
                               rt_error *err);

#ifdef __cplusplus
}
#endif

#endif /* RT_TRANSFORM_H */
