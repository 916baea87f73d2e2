/**
 * Types of rt-pandas-wasm, the JavaScript binding of rt_core.wasm, with the
 * names, arguments and return types of the WASM modules spec.
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
  rt_pool_set_memory_limit(max_bytes: bigint): void;
  rt_pool_fail_after(n: bigint): void;
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
 * `maxMemoryBytes` caps linear memory: allocations past it throw a
 * MemoryError WasmError (0 lifts the cap). The exports check every pointer
 * argument against linear memory (a ValidationError WasmError outside it).
 */
export default function init(source?: InitInput | null, options?: { maxMemoryBytes?: number }): Promise<RtCoreExports>;

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
 * An Arrow JS vector (a Table column is one), typed structurally so this
 * package does not depend on apache-arrow: element-wise methods take
 * Float32 / Float64 vectors and return a vector of the same type and
 * chunking whose nulls are the input's.
 */
export interface ArrowVectorLike {
  readonly length: number;
  readonly nullCount: number;
  readonly type: { readonly typeId: number };
  readonly data: ReadonlyArray<unknown>;
  get(index: number): unknown;
}

/** What element-wise methods take; each returns the same kind (number[] gives a Float64Array). */
export type Operand = WasmTensor | Float32Array | Float64Array | readonly number[] | ArrowVectorLike;

/** The result kind of an element-wise method for an operand kind. */
export type Result<T> = T extends WasmTensor
  ? WasmTensor
  : T extends Float32Array
    ? Float32Array
    : T extends Float64Array | readonly number[]
      ? Float64Array
      : T extends ArrowVectorLike
        ? T
        : never;

/**
 * Element-wise min(max(x, lower), upper); NaN stays NaN. Returns the
 * input's kind (a plain array gives a Float64Array). Float32 inputs use
 * bounds rounded to float32. Throws a ValidationError if lower > upper or a
 * bound is NaN.
 */
export function clamp<T extends Operand>(values: T, lower: number, upper: number): Result<T>;

/**
 * An n-dimensional float32 array in wasm linear memory (a pool buffer).
 * Free it with free(); a FinalizationRegistry frees forgotten ones; use
 * after free() throws a WasmError (ValidationError).
 */
export class WasmTensor {
  /**
   * @param data values in row-major order (copied; float64 rounds to float32;
   *   any numeric Arrow vector, nulls becoming NaN)
   * @param shape non-negative integers whose product is data.length (default [data.length])
   */
  constructor(data: Float32Array | Float64Array | readonly number[] | ArrowVectorLike, shape?: readonly number[]);
  /** A copy of the values. */
  data(): Float32Array;
  /** A copy of the shape. */
  shape(): number[];
  /** Number of values. */
  readonly size: number;
  /** Whether free() was called. */
  readonly freed: boolean;
  /** Returns the buffer to the pool; a second call does nothing. */
  free(): void;
}

/**
 * Element-wise math within 1 ULP (C99 Annex F special values). Every method
 * takes any {@link Operand} and returns the same kind.
 */
export class WasmAdvancedMath {
  constructor();
  sinh<T extends Operand>(tensor: T): Result<T>;
  cosh<T extends Operand>(tensor: T): Result<T>;
  tanh<T extends Operand>(tensor: T): Result<T>;
  asin<T extends Operand>(tensor: T): Result<T>;
  acos<T extends Operand>(tensor: T): Result<T>;
  atan<T extends Operand>(tensor: T): Result<T>;
  /** y and x of one kind, type and shape (no broadcasting); Arrow results are null where either is. */
  atan2<T extends Operand>(y: T, x: T): Result<T>;
  exp<T extends Operand>(tensor: T): Result<T>;
  expm1<T extends Operand>(tensor: T): Result<T>;
  log<T extends Operand>(tensor: T): Result<T>;
  log1p<T extends Operand>(tensor: T): Result<T>;
  erf<T extends Operand>(tensor: T): Result<T>;
  erfc<T extends Operand>(tensor: T): Result<T>;
  gamma<T extends Operand>(tensor: T): Result<T>;
  clamp<T extends Operand>(tensor: T, min: number, max: number): Result<T>;
  pow<T extends Operand>(base: T, exponent: number): Result<T>;
  free(): void;
}

export type Layout = 'HWC' | 'CHW';
export type Interpolation = 'nearest' | 'bilinear' | 'bicubic' | 'area';

/**
 * A transform of image tensors: [H, W], [H, W, C] / [C, H, W] (by layout)
 * or batches [N, ...]. apply() returns a new tensor of the same rank.
 */
export interface Transform {
  apply(tensor: WasmTensor): WasmTensor;
  /** Short name: "normalize", "resize", "center_crop". */
  name(): string;
  /** The pipeline spec that makes this transform again; changes whenever the output could. */
  key(): string;
}

/** (x * pixel_scale - mean[c]) / std[c] per channel; a single value is used for every channel. */
export class WasmNormalize implements Transform {
  constructor(
    mean?: readonly number[] | number,
    std?: readonly number[] | number,
    options?: { layout?: Layout; pixel_scale?: number },
  );
  apply(tensor: WasmTensor): WasmTensor;
  name(): string;
  key(): string;
  free(): void;
}

/** OpenCV's cv2.resize (pixel centres, replicated borders, no antialiasing except 'area'). */
export class WasmResize implements Transform {
  constructor(height: number, width: number, interpolation?: Interpolation, options?: { layout?: Layout });
  apply(tensor: WasmTensor): WasmTensor;
  name(): string;
  key(): string;
  free(): void;
}

/** torchvision's center_crop: the central window, zero padding when larger. */
export class WasmCenterCrop implements Transform {
  constructor(height: number, width: number, options?: { layout?: Layout });
  apply(tensor: WasmTensor): WasmTensor;
  name(): string;
  key(): string;
  free(): void;
}

/** Per-step statistics of a pipeline. */
export interface PipelineStepStats {
  name: string;
  key: string;
  calls: number;
  hits: number;
  misses: number;
  seconds: number;
}

/** Parsed form of WasmTransformPipeline.get_stats(). */
export interface PipelineStats {
  calls: number;
  cache_hits: number;
  cache_misses: number;
  hit_rate: number;
  cached_entries: number;
  cached_bytes: number;
  cache_limit_bytes: number;
  cache_enabled: boolean;
  transforms: PipelineStepStats[];
}

/**
 * Transforms in order with a content-addressed cache (XXH64 of the input
 * chained with each transform's key; LRU, bounded by cache_bytes).
 * Names: "resize[:HxW[:interpolation[:layout]]]" (default 224x224 bilinear),
 * "center_crop[:HxW|SIZE[:layout]]" (default 224x224),
 * "normalize[:m1,m2,..:s1,s2,..[:layout]]" (default ImageNet).
 */
export class WasmTransformPipeline {
  constructor(cache_enabled?: boolean, options?: { cache_bytes?: number });
  add_transform(transform: string | Transform): void;
  /** A new tensor the caller owns and frees. */
  execute(input: WasmTensor): WasmTensor;
  /** JSON string of {@link PipelineStats}. */
  get_stats(): string;
  stats(): PipelineStats;
  clear_cache(): void;
  reset_stats(): void;
  /** Frees the cache and the transforms made from names. */
  free(): void;
}

/** Makes "name:arg1:arg2" build factory("arg1", "arg2") in pipelines. */
export function register_transform(name: string, factory: (...args: string[]) => Transform): void;
/** Names usable in pipelines, sorted. */
export function registered_transforms(): string[];

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
/**
 * A numeric column for the quality and anomaly methods: a WasmTensor (every
 * element a row), a typed array, numbers (null is missing) or an Arrow
 * numeric vector (its nulls are missing). NaN is missing too.
 */
export type Column = WasmTensor | Float32Array | Float64Array | readonly (number | null)[] | ArrowVectorLike;

export type QualityMetric = 'completeness' | 'validity' | 'accuracy' | 'uniqueness' | 'consistency';

/** One column of a quality report (rt_pandas.quality's schema, docs/quality.md). */
export interface QualityColumn {
  name: string;
  dtype: 'float32' | 'float64';
  kind: 'float';
  rows: number;
  missing: number;
  completeness: number | null;
  validity: number | null;
  accuracy: number | null;
  uniqueness: number | null;
  consistency: number | null;
  overall: number | null;
  validity_rule: string;
  accuracy_range: [number, number] | null;
  distinctness: number | null;
  distinct: number;
  consistency_bounds: [number, number] | null;
}

/** JSON.parse(quality_report(...)): schema "rt-pandas/quality-report", version 1. */
export interface QualityReport {
  schema: 'rt-pandas/quality-report';
  version: number;
  rows: number;
  threshold: number;
  overall: number | null;
  passed: boolean;
  exact: boolean;
  duplicate_rows: number | null;
  duplicate_row_share: number | null;
  weights: Record<QualityMetric, number>;
  columns: QualityColumn[];
  findings: string[];
}

/**
 * The metrics of rt_pandas.quality on one numeric column; a ratio with a
 * zero denominator (no rows, nothing present) is null.
 */
export class WasmQualityMetrics {
  /** threshold in [0, 1]: the report passes when overall >= threshold. */
  constructor(threshold: number, options?: { k?: number; weights?: Partial<Record<QualityMetric, number>> });
  readonly threshold: number;
  readonly freed: boolean;
  /** Non-missing values / rows. */
  completeness(tensor: Column): number | null;
  /** Values within [min, max] / non-missing values. */
  accuracy(tensor: Column, min: number, max: number): number | null;
  /** Values within median -/+ k * 1.4826 * MAD / non-missing values. */
  consistency(tensor: Column): number | null;
  /** Finite values / non-missing values. */
  validity(tensor: Column): number | null;
  /** Values occurring exactly once / non-missing values. */
  uniqueness(tensor: Column): number | null;
  /** Weighted mean of the metrics that apply (accuracy only with a range). */
  overall_quality(tensor: Column, options?: { range?: [number, number] }): number | null;
  /** A {@link QualityReport} as a JSON string. */
  quality_report(tensor: Column, options?: { range?: [number, number]; name?: string }): string;
  free(): void;
}

/** A flagged value of detect_statistical. */
export interface StatisticalAnomaly {
  index: number;
  value: number;
  score: number;
}

/** A flagged row of detect_isolation_forest (value only for one feature). */
export interface ForestAnomaly {
  index: number;
  score: number;
  value?: number;
}

/** detect_realtime's record of an anomalous value. */
export interface StreamingAnomaly {
  index: number;
  value: number;
  score: number;
  mean: number;
  std: number;
}

/** JSON.parse(get_statistics()); mean and std are null during warm-up. */
export interface DetectorStatistics {
  count: number;
  anomalies: number;
  missing: number;
  window_size: number;
  window_fill: number;
  threshold: number;
  mean: number | null;
  std: number | null;
  throughput: number;
}

export type StatisticalMethod = 'zscore' | 'iqr' | 'mad';

/** Batch and streaming anomaly detection (the kernels of rt_pandas.anomaly). */
export class WasmAnomalyDetector {
  constructor(threshold: number, window_size: number);
  readonly freed: boolean;
  detect_statistical(tensor: Column, options?: { method?: StatisticalMethod }): StatisticalAnomaly[];
  statistical_scores(
    tensor: Column,
    options?: { method?: StatisticalMethod },
  ): {
    summary: { count: number; anomalies: number; center: number; scale: number; lower: number; upper: number; q1: number; q3: number };
    scores: Float64Array;
  };
  detect_isolation_forest(tensor: Column, n_trees: number, options?: { seed?: number; score_threshold?: number; all_scores?: false }): ForestAnomaly[];
  detect_isolation_forest(tensor: Column, n_trees: number, options: { seed?: number; all_scores: true }): Float64Array;
  detect_realtime(value: number | null | undefined): StreamingAnomaly | null;
  /** A {@link DetectorStatistics} as a JSON string. */
  get_statistics(): string;
  set_threshold(threshold: number): void;
  free(): void;
}

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

/** The spec's result type: a value or the plain error shape (this binding throws WasmError instead). */
export type WasmResult<T> = T | WasmErrorShape;
