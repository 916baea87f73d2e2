/*
 * Image transforms with shapes from the input. Batches whose byte size fits
 * a small bound get input and output buffers of exactly that size (any read
 * or write past them is an ASan report). Hostile shapes - negative, zero,
 * above 2^31, or whose products overflow int64 - are passed with tiny
 * buffers and must be refused: accepting one would mean a wild read or write.
 */
#include "fuzz_input.h"

enum { SMALL_BYTES = 1 << 16 };

/* a * b * c * d * e in int64, or -1 when it overflows or a factor is negative. */
static int64_t product(const int64_t *factors, int n) {
    int64_t result = 1;
    for (int i = 0; i < n; i++) {
        if (factors[i] < 0 || __builtin_mul_overflow(result, factors[i], &result)) {
            return -1;
        }
    }
    return result;
}

static int64_t dimension(fuzz_input *in) {
    uint8_t kind = fuzz_u8(in);
    if (kind < 0xF0) {
        return kind % 12; /* small, 0 included */
    }
    switch (kind & 7) {
    case 0: return -(int64_t)fuzz_below(in, 1000) - 1;
    case 1: return ((int64_t)1 << 31) + fuzz_below(in, 10);
    case 2: return INT64_MAX - fuzz_below(in, 10);
    case 3: return ((int64_t)1 << 21) + fuzz_below(in, 1000);
    case 4: return ((int64_t)1 << 31) - 1;
    case 5: return INT64_MIN;
    default: return (int64_t)fuzz_bits(in, 8);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int initialised = 0;
    if (!initialised) {
        rt_pool_set_enabled(0);
        initialised = 1;
    }
    int64_t pool_before = fuzz_pool_in_use();
    fuzz_input in = fuzz_begin(data, size);
    fuzz_simd_level(&in);
    int32_t dtype = (int32_t)(fuzz_u8(&in) % 7);
    int32_t layout = (int32_t)(fuzz_u8(&in) % 3);
    int32_t interpolation = (int32_t)(fuzz_u8(&in) % 5);
    int32_t op = (int32_t)(fuzz_u8(&in) % 3);
    int64_t batch = dimension(&in), height = dimension(&in), width = dimension(&in), channels = dimension(&in);
    int64_t out_height = dimension(&in), out_width = dimension(&in);
    if (op == 2) { /* normalize keeps the shape */
        out_height = height;
        out_width = width;
    }
    int32_t esize = rt_dtype_size(dtype);
    int32_t out_esize = op == 2 ? (dtype == RT_DTYPE_FLOAT64 ? 8 : 4) : esize;
    int64_t in_shape[5] = {batch, height, width, channels, esize ? esize : 1};
    int64_t out_shape[5] = {batch, out_height, out_width, channels, out_esize ? out_esize : 1};
    int64_t in_bytes = product(in_shape, 5), out_bytes = product(out_shape, 5);
    int small = in_bytes >= 0 && in_bytes <= SMALL_BYTES && out_bytes >= 0 && out_bytes <= SMALL_BYTES;
    int hostile = in_bytes < 0 || out_bytes < 0 || height > INT32_MAX || width > INT32_MAX || channels > INT32_MAX ||
                  out_height > INT32_MAX || out_width > INT32_MAX;
    if (!small && !hostile) {
        return 0; /* a real but large batch: not worth the fuzzer's time */
    }
    size_t in_size = small ? (size_t)in_bytes : 8, out_size = small ? (size_t)out_bytes : 8;
    uint8_t *image = fuzz_bytes(&in, in_size);
    uint8_t *out = malloc(out_size ? out_size : 1);
    double mean[16], std[16];
    for (int i = 0; i < 16; i++) {
        mean[i] = (fuzz_u8(&in) & 1) ? fuzz_double(&in) : fuzz_u8(&in) / 255.0;
        std[i] = (fuzz_u8(&in) & 1) ? fuzz_double(&in) : (fuzz_u8(&in) + 1) / 128.0;
    }
    rt_error err;
    rt_status status;
    if (op == 0) {
        status = rt_transform_resize(dtype, image, batch, height, width, channels, layout, out_height, out_width,
                                     interpolation, out, &err);
    } else if (op == 1) {
        status = rt_transform_center_crop(dtype, image, batch, height, width, channels, layout, out_height, out_width,
                                          out, &err);
    } else if (channels <= 16) {
        status = rt_transform_normalize(dtype, image, batch, height, width, channels, layout, mean, std,
                                        (fuzz_u8(&in) & 1) ? fuzz_double(&in) : 1.0 / 255.0, out, &err);
    } else {
        status = RT_ERR_VALIDATION; /* mean and std hold 16 values */
    }
    if (hostile) {
        fuzz_require(status == RT_ERR_VALIDATION);
    }
    uint64_t hash;
    rt_transform_hash(image, (int64_t)in_size, fuzz_bits(&in, 8), &hash, NULL);
    free(image);
    free(out);
    fuzz_require(fuzz_pool_in_use() == pool_before);
    return 0;
}
