/*
 * Streaming detectors from bytes, as fuzz_iforest.c does for forests:
 * mode 0 passes the input as the serialised bytes, mode 1 seals it as the
 * payload of a correct envelope. A detector that loads takes more values,
 * reports its statistics and must serialise back to the same bytes.
 */
#include "fuzz_input.h"

enum { DETECTOR_MAGIC = 0x44535452, DETECTOR_FORMAT = 2 };

/* Serialises and reloads: the bytes equal `expected` (when given) and load again. */
static void round_trip(void *detector, const uint8_t *expected, int64_t expected_nbytes) {
    int64_t nbytes = 0;
    fuzz_require(rt_anomaly_detector_serialized_size(detector, &nbytes, NULL) == RT_OK);
    uint8_t *bytes = malloc((size_t)nbytes);
    fuzz_require(rt_anomaly_detector_serialize(detector, bytes, nbytes, NULL) == RT_OK);
    if (expected != NULL) {
        fuzz_require(nbytes == expected_nbytes && memcmp(bytes, expected, (size_t)nbytes) == 0);
    }
    void *again = NULL;
    fuzz_require(rt_anomaly_detector_deserialize(bytes, nbytes, &again, NULL) == RT_OK);
    rt_anomaly_detector_free(again, NULL);
    free(bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int initialised = 0;
    if (!initialised) {
        rt_pool_set_enabled(0);
        initialised = 1;
    }
    int64_t pool_before = fuzz_pool_in_use();
    fuzz_input in = fuzz_begin(data, size);
    uint8_t mode = fuzz_u8(&in) & 1;
    int64_t nbytes = (int64_t)fuzz_bits(&in, 2);
    size_t available;
    const uint8_t *rest = fuzz_rest(&in, &available);
    nbytes = nbytes < (int64_t)available ? nbytes : (int64_t)available;
    int64_t sealed_nbytes = mode == 0 ? nbytes : RT_ENVELOPE_HEADER_BYTES + nbytes;
    uint8_t *sealed = malloc((size_t)(sealed_nbytes > 0 ? sealed_nbytes : 1));
    memcpy(sealed + (mode == 0 ? 0 : RT_ENVELOPE_HEADER_BYTES), rest, (size_t)nbytes);
    if (mode == 1) {
        fuzz_require(rt_envelope_seal(sealed, sealed_nbytes, DETECTOR_MAGIC, DETECTOR_FORMAT, nbytes, NULL) == RT_OK);
    }
    in.pos += (size_t)nbytes;
    void *detector = NULL;
    rt_error err;
    rt_status status = rt_anomaly_detector_deserialize(sealed, sealed_nbytes, &detector, &err);
    fuzz_require(status == RT_OK || (status == RT_ERR_VALIDATION && err.message[0] != '\0') || status == RT_ERR_MEMORY);
    if (detector != NULL) {
        round_trip(detector, sealed, sealed_nbytes);
        rt_anomaly_detector_stats stats;
        rt_anomaly_record record;
        fuzz_require(rt_anomaly_detector_statistics(detector, &stats, NULL) == RT_OK);
        fuzz_require(rt_anomaly_detector_last(detector, &record, NULL) == RT_OK);
        int64_t n_values = fuzz_below(&in, 64);
        double values[64];
        for (int64_t i = 0; i < n_values; i++) {
            values[i] = (fuzz_u8(&in) & 1) ? fuzz_double(&in) : (double)(int8_t)fuzz_u8(&in);
            fuzz_require(rt_anomaly_detector_update(detector, values[i], &record, NULL) == RT_OK);
        }
        rt_anomaly_detector_update_many(detector, RT_DTYPE_FLOAT64, values, NULL, 0, n_values, NULL, NULL, NULL, NULL);
        fuzz_require(rt_anomaly_detector_set_threshold(detector, fuzz_double(&in), NULL) <= RT_ERR_VALIDATION);
        fuzz_require(rt_anomaly_detector_statistics(detector, &stats, NULL) == RT_OK);
        fuzz_require(stats.window_fill >= 0 && stats.window_fill <= stats.window_size);
        round_trip(detector, NULL, 0); /* a state reached by updates must load again */
        fuzz_require(rt_anomaly_detector_free(detector, NULL) == RT_OK);
    }
    free(sealed);
    fuzz_require(fuzz_pool_in_use() == pool_before);
    return 0;
}
