/*
 * Arrow string (int32 offsets) and large_string (int64 offsets) arrays with
 * offsets, validity, slice and data straight from the input: non-monotonic,
 * negative and out-of-range offsets must be a validation error before any
 * string byte is read. The offsets buffer holds exactly offset + length + 1
 * entries and the data buffer exactly data_nbytes bytes.
 */
#include "fuzz_input.h"

enum { MAX_ROWS = 300, MAX_OFFSET = 40, MAX_DATA = 4096 };

/* Offsets from the input: either raw (mostly corrupt) or ascending by small steps (mostly valid). */
static void *make_offsets(fuzz_input *in, int32_t width, int64_t count, int64_t data_nbytes) {
    void *offsets = malloc((size_t)count * (size_t)width);
    int raw = fuzz_u8(in) % 4 == 0;
    int64_t position = raw ? 0 : fuzz_below(in, 4);
    for (int64_t i = 0; i < count; i++) {
        int64_t value;
        if (raw) {
            value = (int64_t)fuzz_bits(in, width);
            value = width == 4 ? (int64_t)(int32_t)value : value;
        } else {
            uint8_t step = fuzz_u8(in);
            /* a rare step back or jump past the end */
            position += step == 0xFF ? -(int64_t)fuzz_below(in, 8) - 1 : step == 0xFE ? data_nbytes : step % 12;
            value = position;
        }
        if (width == 4) {
            ((int32_t *)offsets)[i] = (int32_t)value;
        } else {
            ((int64_t *)offsets)[i] = value;
        }
    }
    return offsets;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int initialised = 0;
    if (!initialised) {
        rt_pool_set_enabled(0);
        initialised = 1;
    }
    fuzz_input in = fuzz_begin(data, size);
    uint8_t flags = fuzz_u8(&in);
    int32_t width = (flags & 1) ? 8 : 4;
    if ((flags & 0x30) == 0x30) {
        width = 3 + (flags >> 6); /* an invalid width: must be refused */
    }
    int64_t offset = fuzz_below(&in, MAX_OFFSET), length = fuzz_below(&in, MAX_ROWS);
    int64_t data_nbytes = fuzz_below(&in, MAX_DATA);
    int with_validity = (flags >> 1) & 1;
    size_t alloc_width = width == 8 ? 8 : 4;
    void *offsets = make_offsets(&in, (int32_t)alloc_width, offset + length + 1, data_nbytes);
    uint8_t *validity = with_validity ? fuzz_bytes(&in, (size_t)(offset + length + 7) / 8) : NULL;
    uint8_t *bytes = fuzz_bytes(&in, (size_t)data_nbytes);
    size_t rows = (size_t)(length > 0 ? length : 1);
    uint64_t *values = (flags & 4) ? malloc(rows * 8) : NULL;
    uint64_t *shapes = (flags & 8) ? malloc(rows * 8) : NULL;
    uint64_t *row_hashes = calloc(rows, 8);
    rt_string_counts counts;
    rt_error err;
    rt_status status = rt_quality_scan_strings(data_nbytes ? bytes : NULL, data_nbytes, offsets, width, validity,
                                               offset, length, values, shapes, row_hashes, &counts, &err);
    if (status == RT_OK) {
        fuzz_require(counts.nulls >= 0 && counts.nulls <= length && counts.blank >= 0);
    } else {
        fuzz_require(status == RT_ERR_VALIDATION && err.message[0] != '\0');
    }
    free(offsets);
    free(validity);
    free(bytes);
    free(values);
    free(shapes);
    free(row_hashes);
    return 0;
}
