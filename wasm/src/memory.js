/**
 * MemoryManager: the buffer pool every kernel input and output lives in.
 */
import { check, readPoolStats, requireCore, toInt64 } from './core.js';

/**
 * The buffer pool kernel inputs and outputs live in (in wasm linear memory).
 * Buffers are cached per size class; statistics group them as small
 * (< 1 KiB), medium (< 1 MiB) and large.
 */
export class MemoryManager {
  constructor() {
    throw new TypeError('MemoryManager has only static methods');
  }

  /**
   * Sets the cache limits: at most `max_buffers` cached buffers per size
   * category and `max_cached_bytes` cached bytes in all (unchanged when
   * omitted). Lowering a limit releases the excess. The pool works
   * without this call.
   *
   * @param {number} [max_buffers=64]
   * @param {number} [max_cached_bytes]
   */
  static init_pool(max_buffers = 64, max_cached_bytes = undefined) {
    const c = requireCore('MemoryManager.init_pool');
    const buffers = toInt64(max_buffers, 'max_buffers', 'MemoryManager.init_pool');
    const bytes =
      max_cached_bytes === undefined
        ? BigInt(readPoolStats(c).max_cached_bytes)
        : toInt64(max_cached_bytes, 'max_cached_bytes', 'MemoryManager.init_pool');
    check(c, c.exports.rt_pool_init(buffers, bytes, c.errPtr), 'rt_pool_init');
  }

  /**
   * Pool statistics as a JSON string: `small` / `medium` / `large` (cached
   * buffers per category), `hit_rate` (percent of allocations served from
   * the cache, 2 decimals), `memory_saved_bytes`, then the raw counters.
   *
   * @returns {string}
   */
  static get_stats() {
    const raw = readPoolStats(requireCore('MemoryManager.get_stats'));
    const hitRate = raw.allocations ? Math.round((10000 * raw.hits) / raw.allocations) / 100 : 0;
    return JSON.stringify({
      small: raw.cached_small,
      medium: raw.cached_medium,
      large: raw.cached_large,
      hit_rate: hitRate,
      memory_saved_bytes: raw.memory_saved_bytes,
      allocations: raw.allocations,
      hits: raw.hits,
      misses: raw.misses,
      frees: raw.frees,
      bytes_in_use: raw.bytes_in_use,
      peak_bytes_in_use: raw.peak_bytes_in_use,
      cached_bytes: raw.cached_bytes,
      max_buffers: raw.max_buffers,
      max_cached_bytes: raw.max_cached_bytes,
      enabled: raw.enabled !== 0,
    });
  }

  /**
   * Share of allocations served from the cache, in [0, 1] (0 before any).
   *
   * @returns {number}
   */
  static cache_efficiency() {
    const raw = readPoolStats(requireCore('MemoryManager.cache_efficiency'));
    return raw.allocations ? raw.hits / raw.allocations : 0;
  }

  /**
   * Releases every cached buffer; returns the bytes released. Linear memory
   * cannot shrink: released blocks are reused by later allocations.
   *
   * @returns {number}
   */
  static gc() {
    return Number(requireCore('MemoryManager.gc').exports.rt_pool_gc());
  }

  /** Zeroes the counters; the peak restarts from the bytes in use now. */
  static reset_stats() {
    requireCore('MemoryManager.reset_stats').exports.rt_pool_reset_stats();
  }

  /**
   * Turns buffer caching on or off (off releases the cache).
   *
   * @param {boolean} enabled
   */
  static set_enabled(enabled) {
    requireCore('MemoryManager.set_enabled').exports.rt_pool_set_enabled(enabled ? 1 : 0);
  }
}

