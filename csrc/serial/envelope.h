/* The envelope for the core's own serialisers; not part of the public ABI. */
#ifndef RT_SERIAL_ENVELOPE_H
#define RT_SERIAL_ENVELOPE_H

#include "../core/internal.h"
#include "rt/serial.h"

/* rt_envelope_open with the caller's context in errors; the payload starts at RT_ENVELOPE_HEADER_BYTES. */
rt_status rt_envelope_check(const char *context, const uint8_t *data, int64_t nbytes, uint32_t magic,
                            int32_t min_version, int32_t max_version, int32_t *version,
                            int64_t *payload_len, rt_error *err);

#endif /* RT_SERIAL_ENVELOPE_H */
