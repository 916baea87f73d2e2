/*
 * Hashes for duplicate rows and distinct strings, an exact hash counter in
 * pool memory, and a HyperLogLog for mergeable distinct-count estimates.
 */
#include "rt/memory.h"
#include "rt/quality.h"

#include "../core/internal.h"
#include "../stats/gather.h"
#include "hash.h"


static uint64_t numeric_hash(int32_t dtype, const void *data, int64_t i, int *missing) {
    switch (dtype) {
    case RT_DTYPE_FLOAT32:
    case RT_DTYPE_FLOAT64: {
        double v = dtype == RT_DTYPE_FLOAT64 ? ((const double *)data)[i] : (double)((const float *)data)[i];
        if (v != v) {
            *missing = 1;
            return 0;
        }
        return rt_mix64(rt_double_bits(v));
    }
    case RT_DTYPE_INT32:
        return rt_mix64((uint64_t)(int64_t)((const int32_t *)data)[i]);
    case RT_DTYPE_INT64:
        return rt_mix64((uint64_t)((const int64_t *)data)[i]);
    default:
        return rt_mix64((uint64_t)((const uint8_t *)data)[i]);
    }
}

rt_status rt_quality_hash_rows(int32_t dtype, const void *data, const uint8_t *validity,
                               int64_t offset, int64_t length, uint64_t *row_hashes,
                               rt_error *err) {
    const char *context = "rt_quality_hash_rows";
    RT_RETURN_NOT_OK(rt_gather_check(err, context, dtype, data, offset, length));
    if (length > 0 && row_hashes == NULL) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "row_hashes must not be NULL");
    }
    for (int64_t i = 0; i < length; i++) {
        int64_t row = offset + i;
        int missing = validity != NULL && !((validity[row >> 3] >> (row & 7)) & 1);
        uint64_t h = missing ? 0 : numeric_hash(dtype, data, row, &missing);
        row_hashes[i] = rt_row_combine(row_hashes[i], missing ? RT_NULL_ROW_HASH : h);
    }
    return RT_OK;
}

/* ---- strings ---- */

enum { CLASS_LETTER = 1, CLASS_DIGIT = 2, CLASS_SPACE = 3, CLASS_PUNCT = 4 };

/* Decodes one UTF-8 code point at s[*i] (s[*i] < end), advancing *i; bad bytes decode as themselves. */
static uint32_t next_code_point(const uint8_t *s, int64_t *i, int64_t end) {
    uint32_t c = s[*i];
    int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (extra == 0 || *i + extra >= end) { /* ASCII, a stray continuation byte or a truncated sequence */
        (*i)++;
        return c;
    }
    c &= 0x3Fu >> extra;
    for (int k = 1; k <= extra; k++) {
        c = (c << 6) | (s[*i + k] & 0x3Fu);
    }
    *i += extra + 1;
    return c;
}

/* Python's str.isspace() set. */
static int is_space(uint32_t c) {
    if (c < 0x80) {
        return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
    }
    return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
           c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

static int char_class(uint32_t c) {
    if (is_space(c)) {
        return CLASS_SPACE;
    }
    if (c >= '0' && c <= '9') {
        return CLASS_DIGIT;
    }
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
        return CLASS_LETTER;
    }
    return c < 0x80 ? CLASS_PUNCT : CLASS_LETTER; /* non-ASCII: letters of other scripts, mostly */
}

static int64_t offset_at(const void *offsets, int32_t width, int64_t i) {
    return width == 4 ? (int64_t)((const int32_t *)offsets)[i] : ((const int64_t *)offsets)[i];
}

/* Is s[0..n) all whitespace? ASCII is checked byte by byte; anything else is decoded. */
static int is_blank(const uint8_t *s, int64_t n) {
    for (int64_t i = 0; i < n;) {
        if (s[i] < 0x80) {
            if (!is_space(s[i])) {
                return 0;
            }
            i++;
        } else if (!is_space(next_code_point(s, &i, n))) {
            return 0;
        }
    }
    return 1;
}

static uint64_t shape_hash(const uint8_t *s, int64_t n) {
    uint64_t h = 0x510E527FADE682D1ull;
    int previous = 0;
    for (int64_t i = 0; i < n;) {
        uint32_t c = s[i] < 0x80 ? s[i++] : next_code_point(s, &i, n);
        int cls = char_class(c);
        if (cls != previous) { /* a run of one class counts once */
            h = rt_hash_combine(h, (uint64_t)cls);
            previous = cls;
        }
    }
    return rt_mix64(h);
}

/*
 * Arrow's rules for the offsets of rows [offset, offset + length): none
 * negative, never decreasing (null rows included), the last within the
 * data buffer. Checked once, before any string is read.
 */
static rt_status check_string_offsets(const void *offsets, int32_t width, int64_t offset, int64_t length,
                                      int64_t data_nbytes, rt_error *err, const char *context) {
    int64_t previous = offset_at(offsets, width, offset);
    if (previous < 0) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "corrupt string offsets: an offset is negative");
    }
    for (int64_t row = offset + 1; row <= offset + length; row++) {
        int64_t next = offset_at(offsets, width, row);
        if (next < previous) {
            return rt_fail(err, RT_ERR_VALIDATION, context, "corrupt string offsets: not monotonic (an offset decreases)");
        }
        previous = next;
    }
    if (previous > data_nbytes) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "corrupt string offsets: past the end of the data buffer");
    }
    return RT_OK;
}

rt_status rt_quality_scan_strings(const uint8_t *data, int64_t data_nbytes, const void *offsets,
                                  int32_t offset_width, const uint8_t *validity, int64_t offset, int64_t length,
                                  uint64_t *value_hashes, uint64_t *shape_hashes,
                                  uint64_t *row_hashes, rt_string_counts *out, rt_error *err) {
    const char *context = "rt_quality_scan_strings";
    if (offset < 0 || length < 0) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "offset and length must not be negative");
    }
    if (offset_width != 4 && offset_width != 8) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "offset_width must be 4 or 8");
    }
    if (out == NULL || (length > 0 && offsets == NULL) || data_nbytes < 0 || (data_nbytes > 0 && data == NULL)) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "offsets and out must not be NULL, nor data with data_nbytes > 0");
    }
    out->nulls = out->blank = 0;
    if (length == 0) {
        return RT_OK;
    }
    if (offset > INT64_MAX - 1 - length) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "offset + length overflows");
    }
    RT_RETURN_NOT_OK(check_string_offsets(offsets, offset_width, offset, length, data_nbytes, err, context));
    for (int64_t i = 0; i < length; i++) {
        int64_t row = offset + i;
        int valid = validity == NULL || ((validity[row >> 3] >> (row & 7)) & 1);
        int64_t start = offset_at(offsets, offset_width, row), end = offset_at(offsets, offset_width, row + 1);
        if (!valid) {
            out->nulls++;
            if (value_hashes) value_hashes[i] = 0;
            if (shape_hashes) shape_hashes[i] = 0;
            if (row_hashes) row_hashes[i] = rt_row_combine(row_hashes[i], RT_NULL_ROW_HASH);
            continue;
        }
        int64_t n = end - start;
        const uint8_t *s = n > 0 ? data + start : (const uint8_t *)""; /* data may be NULL when every string is empty */
        out->blank += is_blank(s, n);
        if (value_hashes || row_hashes) {
            uint64_t h = rt_hash_bytes(s, n);
            if (value_hashes) value_hashes[i] = h;
            if (row_hashes) row_hashes[i] = rt_row_combine(row_hashes[i], h);
        }
        if (shape_hashes) {
            shape_hashes[i] = shape_hash(s, n);
        }
    }
    return RT_OK;
}
