/* Umbrella header: the whole public ABI of the rt-pandas core. */
#ifndef RT_RT_H
#define RT_RT_H

#include "rt/core.h"
#include "rt/simd.h"
#include "rt/memory.h"
#include "rt/math.h"
#include "rt/stats.h"
#include "rt/anomaly.h"
#include "rt/elementary.h"
#include "rt/transform.h"
#include "rt/math_special.h"
#include "rt/quality.h"
#include "rt/quality_sample.h"
#include "rt/math_pow.h"
#include "rt/serial.h"

#endif /* RT_RT_H */
