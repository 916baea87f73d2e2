/*
 * A versioned envelope for serialised state that arrives from outside (the
 * network, files, browsers): every from-bytes path opens it before reading
 * anything else.
 *
 * Layout (RT_ENVELOPE_HEADER_BYTES = 24 bytes, little-endian), then the payload:
 *   0  uint32 magic      what the payload is (four ASCII bytes, e.g. "RTIF")
 *   4  uint16 version    the payload's format version
 *   6  uint16 reserved   0
 *   8  uint64 length     payload bytes; the envelope holds exactly header + length
 *  16  uint64 checksum   XXH64 of the payload, seeded with XXH64 of bytes 0..16
 * The checksum covers the header fields too, so a flipped bit anywhere is
 * caught; magic, version and length are checked first so that the error
 * says which of them is wrong.
 */
#ifndef RT_SERIAL_H
#define RT_SERIAL_H
#include "rt/core.h"
#ifdef __cplusplus
extern "C" {
#endif
enum { RT_ENVELOPE_HEADER_BYTES = 24 };
/*
 * Writes the header in front of a payload the caller has already put at
 * buffer + RT_ENVELOPE_HEADER_BYTES: capacity must hold header + payload_len.
 */
rt_status rt_envelope_seal(uint8_t *buffer, int64_t capacity, uint32_t magic, int32_t version,
                           int64_t payload_len, rt_error *err);
/*
 * Checks an envelope before its payload is read: size, magic, a version in
 * [min_version, max_version], the reserved field, a declared length equal to
 * the bytes present, and the checksum. On success *version, *payload_offset
 * and *payload_len (each may be NULL) locate the payload; any mismatch is an
 * RT_ERR_VALIDATION naming what was wrong.
 */
rt_status rt_envelope_open(const uint8_t *data, int64_t nbytes, uint32_t magic, int32_t min_version,
                           int32_t max_version, int32_t *version, int64_t *payload_offset,
                           int64_t *payload_len, rt_error *err);
#ifdef __cplusplus
}
#endif
#endif /* RT_SERIAL_H */
