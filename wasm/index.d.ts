/**
 * Types of rt-pandas-wasm, the JavaScript binding of rt_core.wasm.
 */

/** What init() can load rt_core.wasm from. */
export type InitInput =
  | string
  | URL
  | Response
  | PromiseLike<Response>
  | ArrayBuffer
  | ArrayBufferView
  | WebAssembly.Module;

/** Pointers into linear memory (wasm32). */
export type Ptr = number;
/** rt_status: 0 on success, else an error kind (1..4). */
export type Status = number;

/**
 * Raw exports of rt_core.wasm (csrc/include/rt/*.h). int64_t parameters and
 * results are BigInt; pointers are numbers. Most callers need only the
 * wrapped functions of this module.
 */
export interface RtCoreExports extends WebAssembly.Exports {
  readonly memory: WebAssembly.Memory;
  // core.h
  rt_error_clear(err: Ptr): void;
  rt_version(component: number): Ptr;
  rt_component_name(component: number): Ptr;
  rt_dtype_size(dtype: number): number;
  rt_bitmap_copy(src: Ptr, src_offset: bigint, length: bigint, dst: Ptr, err: Ptr): Status;
  rt_binding_scratch(): Ptr;
  rt_bitmap_count_set(bits: Ptr, offset: bigint, length: bigint): bigint;
  // simd.h
  rt_simd_supported(level: number): number;
  rt_simd_best(): number;
  rt_simd_active(): number;
  rt_simd_name(level: number): Ptr;
  rt_force_impl(level: number, err: Ptr): Status;
  // memory.h
  rt_pool_init(max_buffers: bigint, max_cached_bytes: bigint, err: Ptr): Status;
  rt_pool_alloc(nbytes: bigint, out: Ptr, err: Ptr): Status;
  rt_pool_free(ptr: Ptr, err: Ptr): Status;
  rt_pool_capacity(ptr: Ptr): bigint;
  rt_pool_gc(): bigint;
  rt_pool_set_enabled(enabled: number): void;
  rt_pool_get_stats(out: Ptr): void;
  rt_pool_reset_stats(): void;
  // math.h
  rt_math_clamp(
    dtype: number,
    data: Ptr,
    offset: bigint,
    length: bigint,
    lower: number,
    upper: number,
    out: Ptr,
    err: Ptr,
  ): Status;
}

/**
 * Loads and instantiates rt_core.wasm; await it once before anything else.
 * Without a source, rt_core.wasm is read from next to this module (falling
 * back to the repository's rt_pandas/rt_core.wasm). A repeated call without
 * a source reuses the loaded instance; one with a source replaces it.
 */
export default function init(source?: InitInput): Promise<RtCoreExports>;

export type ErrorType = 'ValidationError' | 'ComputationError' | 'MemoryError' | 'ConfigurationError';

/** The spec's plain error shape. */
export interface WasmErrorShape {
  message: string;
  error_type: ErrorType | string;
  context: string;
}

/** Thrown by every function of this module; also when called before init(). */
export class WasmError extends Error implements WasmErrorShape {
  constructor(message: string, error_type: string, context?: string, options?: { cause?: unknown });
  readonly name: 'WasmError';
  error_type: ErrorType | string;
  /** The C function (or JS function / argument) concerned. */
  context: string;
  toJSON(): WasmErrorShape;
}

/**
 * Element-wise min(max(x, lower), upper); NaN stays NaN. Returns a new array
 * of the input's type (a plain array gives a Float64Array). Float32 inputs
 * use bounds rounded to float32. Throws a ValidationError if lower > upper
 * or a bound is NaN.
 */
export function clamp(values: Float32Array, lower: number, upper: number): Float32Array;
export function clamp(values: Float64Array | readonly number[], lower: number, upper: number): Float64Array;

/** Parsed form of MemoryManager.get_stats(). */
export interface PoolStats {
  /** Cached buffers per size category (< 1 KiB, < 1 MiB, larger). */
  small: number;
  medium: number;
  large: number;
  /** Percent of allocations served from the cache, 2 decimals. */
  hit_rate: number;
  memory_saved_bytes: number;
  allocations: number;
  hits: number;
  misses: number;
  frees: number;
  bytes_in_use: number;
  peak_bytes_in_use: number;
  cached_bytes: number;
  max_buffers: number;
  max_cached_bytes: number;
  enabled: boolean;
}

/** The buffer pool in wasm linear memory. Static methods only. */
export class MemoryManager {
  private constructor();
  /** Cache limits: buffers per category, and cached bytes in all (unchanged when omitted). */
  static init_pool(max_buffers?: number | bigint, max_cached_bytes?: number | bigint): void;
  /** JSON string of {@link PoolStats}. */
  static get_stats(): string;
  /** hits / allocations, in [0, 1] (0 before any allocation). */
  static cache_efficiency(): number;
  /** Releases every cached buffer; returns the bytes released. */
  static gc(): number;
  /** Zeroes the counters; the peak restarts from the bytes in use now. */
  static reset_stats(): void;
  /** Turns buffer caching on or off (off releases the cache). */
  static set_enabled(enabled: boolean): void;
}

export function wasm_core_version(): string;
export function wasm_advanced_math_version(): string;
export function wasm_quality_metrics_version(): string;
export function wasm_anomaly_detection_version(): string;
export function wasm_transforms_version(): string;

/** SIMD variant the kernels use: "wasm-simd128" or "scalar". */
export function simdLevel(): string;
