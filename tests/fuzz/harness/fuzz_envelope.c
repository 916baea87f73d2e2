/*
 * The envelope itself (rt/serial.h): any bytes opened against a magic and a
 * version range either fail with a validation error or give a payload that
 * lies inside them; sealing the payload again must give the same bytes.
 */
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_input in = fuzz_begin(data, size);
    uint32_t magic = (uint32_t)fuzz_bits(&in, 4);
    int32_t min_version = (int32_t)(int16_t)fuzz_bits(&in, 2), max_version = (int32_t)(int16_t)fuzz_bits(&in, 2);
    size_t nbytes;
    const uint8_t *rest = fuzz_rest(&in, &nbytes);
    uint8_t *bytes = malloc(nbytes ? nbytes : 1); /* exactly the bytes given */
    memcpy(bytes, rest, nbytes);
    int32_t version = min_version;
    int64_t payload_offset = -1, payload_len = -1;
    rt_error err;
    rt_status status = rt_envelope_open(bytes, (int64_t)nbytes, magic, min_version, max_version, &version,
                                        &payload_offset, &payload_len, &err);
    if (status == RT_OK) {
        fuzz_require(payload_offset == RT_ENVELOPE_HEADER_BYTES && payload_len >= 0 &&
                     payload_offset + payload_len == (int64_t)nbytes);
        fuzz_require(version >= min_version && version <= max_version);
        uint8_t *copy = malloc(nbytes);
        memcpy(copy + payload_offset, bytes + payload_offset, (size_t)payload_len);
        fuzz_require(rt_envelope_seal(copy, (int64_t)nbytes, magic, version, payload_len, NULL) == RT_OK);
        fuzz_require(memcmp(copy, bytes, nbytes) == 0);
        free(copy);
    } else {
        fuzz_require(status == RT_ERR_VALIDATION && err.message[0] != '\0');
    }
    /* A sealed copy of the bytes with one byte changed must not open. */
    if (version >= 1 && version <= 0xFFFF) {
        int64_t sealed_nbytes = RT_ENVELOPE_HEADER_BYTES + (int64_t)nbytes;
        uint8_t *sealed = malloc((size_t)sealed_nbytes);
        memcpy(sealed + RT_ENVELOPE_HEADER_BYTES, bytes, nbytes);
        fuzz_require(rt_envelope_seal(sealed, sealed_nbytes, magic, version, (int64_t)nbytes, NULL) == RT_OK);
        fuzz_require(rt_envelope_open(sealed, sealed_nbytes, magic, version, version, NULL, NULL, NULL, NULL) == RT_OK);
        size_t flip = (size_t)(magic % (uint32_t)sealed_nbytes);
        sealed[flip] ^= (uint8_t)(1u << (max_version & 7));
        fuzz_require(rt_envelope_open(sealed, sealed_nbytes, magic, version, version, NULL, NULL, NULL, &err) ==
                     RT_ERR_VALIDATION);
        free(sealed);
    }
    free(bytes);
    return 0;
}
