/* The versioned, checksummed envelope of serialised state (rt/serial.h). */
#include "envelope.h"

#include "rt/transform.h"

static void put_le(uint8_t *p, uint64_t value, int nbytes) {
    for (int i = 0; i < nbytes; i++) {
        p[i] = (uint8_t)(value >> (8 * i));
    }
}

static uint64_t get_le(const uint8_t *p, int nbytes) {
    uint64_t value = 0;
    for (int i = 0; i < nbytes; i++) {
        value |= (uint64_t)p[i] << (8 * i);
    }
    return value;
}

/* XXH64 of the payload seeded with XXH64 of the header's first 16 bytes. */
static uint64_t checksum(const uint8_t *header, const uint8_t *payload, int64_t payload_len) {
    uint64_t seed = 0, sum = 0;
    rt_transform_hash(header, 16, 0, &seed, NULL);
    rt_transform_hash(payload, payload_len, seed, &sum, NULL);
    return sum;
}

rt_status rt_envelope_seal(uint8_t *buffer, int64_t capacity, uint32_t magic, int32_t version,
                           int64_t payload_len, rt_error *err) {
    const char *context = "rt_envelope_seal";
    if (buffer == NULL || payload_len < 0 || capacity < RT_ENVELOPE_HEADER_BYTES ||
        payload_len > capacity - RT_ENVELOPE_HEADER_BYTES) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "buffer is NULL or too small for header + payload");
    }
    if (version < 1 || version > 0xFFFF) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "version must be in [1, 65535]");
    }
    put_le(buffer, magic, 4);
    put_le(buffer + 4, (uint64_t)version, 2);
    put_le(buffer + 6, 0, 2);
    put_le(buffer + 8, (uint64_t)payload_len, 8);
    put_le(buffer + 16, checksum(buffer, buffer + RT_ENVELOPE_HEADER_BYTES, payload_len), 8);
    return RT_OK;
}

rt_status rt_envelope_check(const char *context, const uint8_t *data, int64_t nbytes, uint32_t magic,
                            int32_t min_version, int32_t max_version, int32_t *version,
                            int64_t *payload_len, rt_error *err) {
    if (data == NULL || nbytes < RT_ENVELOPE_HEADER_BYTES) {
        return rt_fail(err, RT_ERR_VALIDATION, context,
                       "truncated: shorter than the 24-byte envelope header");
    }
    if (get_le(data, 4) != magic) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "wrong magic number: not this kind of serialised object");
    }
    int64_t found = (int64_t)get_le(data + 4, 2);
    if (found < min_version || found > max_version) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "unsupported format version");
    }
    if (get_le(data + 6, 2) != 0) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "reserved header field is not zero");
    }
    uint64_t declared = get_le(data + 8, 8);
    uint64_t present = (uint64_t)(nbytes - RT_ENVELOPE_HEADER_BYTES);
    if (declared > present) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "truncated: declared payload length exceeds the bytes given");
    }
    if (declared < present) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "trailing bytes after the declared payload length");
    }
    if (get_le(data + 16, 8) != checksum(data, data + RT_ENVELOPE_HEADER_BYTES, (int64_t)declared)) {
        return rt_fail(err, RT_ERR_VALIDATION, context, "checksum mismatch: the bytes are corrupted");
    }
    if (version != NULL) {
        *version = (int32_t)found;
    }
    if (payload_len != NULL) {
        *payload_len = (int64_t)declared;
    }
    return RT_OK;
}

rt_status rt_envelope_open(const uint8_t *data, int64_t nbytes, uint32_t magic, int32_t min_version,
                           int32_t max_version, int32_t *version, int64_t *payload_offset,
                           int64_t *payload_len, rt_error *err) {
    RT_RETURN_NOT_OK(rt_envelope_check("rt_envelope_open", data, nbytes, magic, min_version, max_version,
                                       version, payload_len, err));
    if (payload_offset != NULL) {
        *payload_offset = RT_ENVELOPE_HEADER_BYTES;
    }
    return RT_OK;
}
