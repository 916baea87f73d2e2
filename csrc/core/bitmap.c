#include "internal.h"

static int bit_at(const uint8_t *bits, int64_t index) {
    return (bits[index >> 3] >> (index & 7)) & 1;
}

rt_status rt_bitmap_copy(const uint8_t *src, int64_t src_offset, int64_t length,
                         uint8_t *dst, rt_error *err) {
    const char *context = "rt_bitmap_copy";
    if (src_offset < 0 || length < 0) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "offset and length must not be negative");
    }
    if (length > 0 && (src == NULL || dst == NULL)) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "src and dst must not be NULL");
    }
    int64_t nbytes = (length + 7) / 8;
    int shift = (int)(src_offset & 7);
    const uint8_t *from = src + (src_offset >> 3);
    for (int64_t i = 0; i < nbytes; i++) {
        /* Each output byte takes the high bits of one input byte and the low bits of the next. */
        uint32_t low = from[i];
        uint32_t high = 0;
        if (shift != 0 && (i + 1) * 8 - shift < length) {
            high = from[i + 1];
        }
        dst[i] = (uint8_t)(((low | (high << 8)) >> shift) & 0xFF);
    }
    int tail = (int)(length & 7);
    if (tail != 0) {
        dst[nbytes - 1] &= (uint8_t)((1u << tail) - 1u);
    }
    return RT_OK;
}

int64_t rt_bitmap_count_set(const uint8_t *bits, int64_t offset, int64_t length) {
    if (bits == NULL || offset < 0 || length <= 0) {
        return 0;
    }
    int64_t count = 0;
    int64_t i = offset;
    int64_t end = offset + length;
    for (; i < end && (i & 7) != 0; i++) {
        count += bit_at(bits, i);
    }
    for (; i + 8 <= end; i += 8) {
        count += __builtin_popcount(bits[i >> 3]);
    }
    for (; i < end; i++) {
        count += bit_at(bits, i);
    }
    return count;
}
