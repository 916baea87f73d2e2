#include "internal.h"

/* Each component is versioned on its own so a binding can tell which kernels it has. */
static const char *const component_versions[RT_COMPONENT_COUNT] = {
    "0.1.0", /* core: pool, columns, errors, SIMD dispatch */
    "0.1.0", /* math: clamp, elementary functions, erf, erfc, gamma, lgamma */
    "0.1.0", /* quality: missing counts, sorted keys, string scans, hash counter, HyperLogLog, KLL compaction */
    "0.1.0", /* anomaly: z-score/IQR/MAD, streaming detector, isolation forest, STL */
    "0.1.0", /* transforms: normalize, resize, center crop, hash */
};

static const char *const component_names[RT_COMPONENT_COUNT] = {
    "core", "math", "quality", "anomaly", "transforms",
};

const char *rt_version(int32_t component) {
    if (component < 0 || component >= RT_COMPONENT_COUNT) {
        return NULL;
    }
    return component_versions[component];
}

const char *rt_component_name(int32_t component) {
    if (component < 0 || component >= RT_COMPONENT_COUNT) {
        return NULL;
    }
    return component_names[component];
}

int32_t rt_dtype_size(int32_t dtype) {
    switch (dtype) {
    case RT_DTYPE_FLOAT32:
    case RT_DTYPE_INT32:
        return 4;
    case RT_DTYPE_FLOAT64:
    case RT_DTYPE_INT64:
        return 8;
    case RT_DTYPE_UINT8:
        return 1;
    default:
        return 0;
    }
}
