/* Reading a column block by block as doubles: shared by the stats kernels. */
#ifndef RT_STATS_GATHER_H
#define RT_STATS_GATHER_H

#include <stdint.h>

#include "../core/internal.h"

/* Values per block: 8 KiB of doubles stays in L1 while a block is worked on. */
#define RT_GATHER_BLOCK 1024

/* Checks dtype, offset, length and pointers of a stats column. */
rt_status rt_gather_check(rt_error *err, const char *context, int32_t dtype, const void *data,
                          int64_t offset, int64_t length);

/*
 * Copies the valid values among column elements [start, start + count)
 * (count <= RT_GATHER_BLOCK) into `out` as doubles; returns how many. Adds
 * the elements skipped as missing (nulls, and NaN when nan_as_missing) to *missing.
 */
int64_t rt_gather_block(int32_t dtype, const void *data, const uint8_t *validity, int64_t offset,
                        int64_t start, int64_t count, int32_t nan_as_missing, double *out,
                        int64_t *missing);

#endif /* RT_STATS_GATHER_H */
