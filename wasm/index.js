/**
 * rt-pandas-wasm: JavaScript binding of the rt-pandas C core (rt_core.wasm).
 *
 * The module has no imports. Every C function returns an rt_status (0 = ok)
 * and takes a trailing `rt_error *`; this binding keeps that record and
 * the out-parameter slot in the core's static scratch area
 * (`rt_binding_scratch()`), copies inputs into pool buffers
 * (`rt_pool_alloc` / `rt_pool_free`), and turns a nonzero status into a
 * thrown {@link WasmError}.
 *
 *     import init, { clamp } from 'rt-pandas-wasm';
 *     await init();
 *     clamp(new Float64Array([-2, 0.5, 7]), 0, 1); // Float64Array [0, 0.5, 1]
 *
 * Linear memory can grow during any call, which detaches every view of the
 * old `memory.buffer`: views are therefore made fresh after each call and
 * never kept across one.
 */

// ---------------------------------------------------------------------------
// ABI constants (csrc/include/rt/*.h, wasm32 layout)
// ---------------------------------------------------------------------------

/** rt_error: int32 kind at +0, char message[256] at +4, char context[128] at +260. */
const ERROR_KIND_OFFSET = 0;
const ERROR_MESSAGE_OFFSET = 4;
const ERROR_MESSAGE_BYTES = 256;
const ERROR_CONTEXT_OFFSET = 260;
const ERROR_CONTEXT_BYTES = 128;

/** Out-parameters (a pointer, or an rt_pool_stats) go here, after the rt_error. */
const SCRATCH_OUT_OFFSET = 512;

/** enum rt_error_kind -> WasmError.error_type. */
const ERROR_TYPES = Object.freeze({
  1: 'ValidationError',
  2: 'ComputationError',
  3: 'MemoryError',
  4: 'ConfigurationError',
});

/** enum rt_dtype. */
const DTYPE_FLOAT32 = 1;
const DTYPE_FLOAT64 = 2;

/** enum rt_component. */
const COMPONENT_CORE = 0;
const COMPONENT_MATH = 1;
const COMPONENT_QUALITY = 2;
const COMPONENT_ANOMALY = 3;
const COMPONENT_TRANSFORMS = 4;

/** rt_pool_stats: 14 int64 fields, in header order. */
const POOL_STATS_FIELDS = Object.freeze([
  'allocations',
  'hits',
  'misses',
  'frees',
  'memory_saved_bytes',
  'bytes_in_use',
  'peak_bytes_in_use',
  'cached_bytes',
  'cached_small',
  'cached_medium',
  'cached_large',
  'max_buffers',
  'max_cached_bytes',
  'enabled',
]);

/** Exports the binding relies on; checked once at instantiation. */
const REQUIRED_EXPORTS = Object.freeze([
  'rt_binding_scratch',
  'rt_version',
  'rt_simd_active',
  'rt_simd_name',
  'rt_math_clamp',
  'rt_pool_init',
  'rt_pool_alloc',
  'rt_pool_free',
  'rt_pool_gc',
  'rt_pool_get_stats',
  'rt_pool_reset_stats',
  'rt_pool_set_enabled',
]);

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/**
 * Error thrown by every function of this module.
 *
 * `error_type` is one of 'ValidationError', 'ComputationError',
 * 'MemoryError', 'ConfigurationError'; `context` names the C function (or
 * JS function / argument) concerned.
 */
export class WasmError extends Error {
  /**
   * @param {string} message
   * @param {string} error_type
   * @param {string} [context]
   * @param {{cause?: unknown}} [options]
   */
  constructor(message, error_type, context = '', options = undefined) {
    super(message, options);
    this.name = 'WasmError';
    this.error_type = error_type;
    this.context = context;
  }

  /** The spec's plain shape: `{message, error_type, context}`. */
  toJSON() {
    return { message: this.message, error_type: this.error_type, context: this.context };
  }

  toString() {
    return `${this.name} [${this.error_type}]: ${this.message}` + (this.context ? ` (in ${this.context})` : '');
  }
}

const validationError = (message, context) => new WasmError(message, 'ValidationError', context);
const configurationError = (message, context, cause) =>
  new WasmError(message, 'ConfigurationError', context, cause === undefined ? undefined : { cause });

// ---------------------------------------------------------------------------
// Instance state
// ---------------------------------------------------------------------------

/**
 * The live instance: `{ exports, memory, module, scratch, errPtr, outPtr }`,
 * or null before init().
 */
let core = null;
/** Pending default init(), shared by concurrent callers. */
let defaultInit = null;

/** The live instance, or a ConfigurationError naming the function called too early. */
function requireCore(context) {
  if (core === null) {
    throw configurationError(
      'rt-pandas-wasm is not initialised: await init() before calling this function',
      context,
    );
  }
  return core;
}

const textDecoder = new TextDecoder('utf-8');

/** A NUL-terminated C string at `ptr` (at most `limit` bytes), or null for NULL. */
function readCString(c, ptr, limit = Infinity) {
  if (ptr === 0) return null;
  const bytes = new Uint8Array(c.memory.buffer);
  const stop = Math.min(bytes.length, ptr + limit);
  let end = ptr;
  while (end < stop && bytes[end] !== 0) end++;
  return textDecoder.decode(bytes.subarray(ptr, end));
}

/** The rt_error record in scratch, as a WasmError (status is the returned kind). */
function errorFromRecord(c, status, fallbackContext) {
  const kind = new DataView(c.memory.buffer).getInt32(c.errPtr + ERROR_KIND_OFFSET, true);
  const message = readCString(c, c.errPtr + ERROR_MESSAGE_OFFSET, ERROR_MESSAGE_BYTES);
  const context = readCString(c, c.errPtr + ERROR_CONTEXT_OFFSET, ERROR_CONTEXT_BYTES);
  const errorType = ERROR_TYPES[status] ?? ERROR_TYPES[kind] ?? 'RtError';
  return new WasmError(
    message || `${fallbackContext} failed with status ${status}`,
    errorType,
    context || fallbackContext,
  );
}

/** Throws the scratch rt_error as a WasmError when `status` is nonzero. */
function check(c, status, context) {
  if (status !== 0) throw errorFromRecord(c, status, context);
}

/** rt_pool_alloc: a 64-byte aligned buffer of at least `nbytes` bytes; returns its address. */
function poolAlloc(c, nbytes) {
  check(c, c.exports.rt_pool_alloc(BigInt(nbytes), c.outPtr, c.errPtr), 'rt_pool_alloc');
  return new DataView(c.memory.buffer).getUint32(c.outPtr, true);
}

/**
 * Runs `body(alloc)` and frees every buffer `alloc(nbytes)` handed out,
 * whether the body returned or threw. A failing free is reported only if
 * the body succeeded, so it never hides the body's own error.
 */
function withPoolBuffers(c, body) {
  const buffers = [];
  const alloc = (nbytes) => {
    const ptr = poolAlloc(c, nbytes);
    buffers.push(ptr);
    return ptr;
  };
  let succeeded = false;
  try {
    const result = body(alloc);
    succeeded = true;
    return result;
  } finally {
    let freeError = null;
    for (let i = buffers.length - 1; i >= 0; i--) {
      const status = c.exports.rt_pool_free(buffers[i], c.errPtr);
      if (status !== 0 && freeError === null) freeError = errorFromRecord(c, status, 'rt_pool_free');
    }
    if (succeeded && freeError !== null) throw freeError; // eslint-disable-line no-unsafe-finally
  }
}

/** rt_pool_get_stats as an object of Numbers (`enabled` stays 0/1). */
function readPoolStats(c) {
  c.exports.rt_pool_get_stats(c.outPtr);
  const view = new DataView(c.memory.buffer);
  const stats = {};
  POOL_STATS_FIELDS.forEach((field, i) => {
    stats[field] = Number(view.getBigInt64(c.outPtr + 8 * i, true));
  });
  return stats;
}

// ---------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------

const isNode =
  typeof process === 'object' && process !== null && typeof process.versions?.node === 'string';

/** Places init() looks for rt_core.wasm when given no source, in order. */
function defaultLocations() {
  return [
    // Next to this module: the published package layout (and what bundlers rewrite).
    new URL('./rt_core.wasm', import.meta.url),
    // The repository layout: wasm/build.py writes rt_pandas/rt_core.wasm.
    new URL('../rt_pandas/rt_core.wasm', import.meta.url),
  ];
}

/** Whether a string is an absolute URL (and not a Windows path such as C:\x). */
const looksLikeUrl = (s) => /^[a-z][a-z0-9+.-]+:/i.test(s);

async function readFileBytes(pathOrFileUrl) {
  const { readFile } = await import('node:fs/promises');
  return readFile(pathOrFileUrl);
}

/** Compiles a Response, streaming when the server sends application/wasm. */
async function compileResponse(response, where) {
  if (!response.ok) {
    throw configurationError(`could not fetch ${where}: HTTP ${response.status} ${response.statusText}`.trim(), 'init');
  }
  const type = response.headers?.get?.('Content-Type') ?? '';
  if (typeof WebAssembly.compileStreaming === 'function' && type.split(';')[0].trim() === 'application/wasm') {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

/** Compiles the module at a URL: file: URLs from disk in Node, others by fetch. */
async function compileUrl(url) {
  if (isNode && url.protocol === 'file:') {
    return WebAssembly.compile(await readFileBytes(url));
  }
  return compileResponse(await fetch(url), url.href);
}

const isNotFound = (error) =>
  error?.code === 'ENOENT' || (error instanceof WasmError && /HTTP 404/.test(error.message));

/** Compiles rt_core.wasm from the first default location that exists. */
async function compileDefault() {
  const tried = [];
  for (const url of defaultLocations()) {
    try {
      return await compileUrl(url);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      tried.push(url.href);
    }
  }
  throw configurationError(
    `rt_core.wasm not found (tried ${tried.join(', ')}); build it with \`python3 wasm/build.py\` ` +
      'or pass its location or bytes to init()',
    'init',
  );
}

/** Any supported init() source -> WebAssembly.Module. */
async function compileSource(source) {
  if (source instanceof WebAssembly.Module) return source;
  if (typeof Response === 'function' && source instanceof Response) return compileResponse(source, source.url || 'response');
  if (source instanceof ArrayBuffer) return WebAssembly.compile(source);
  if (ArrayBuffer.isView(source)) {
    return WebAssembly.compile(new Uint8Array(source.buffer, source.byteOffset, source.byteLength));
  }
  if (source instanceof URL) return compileUrl(source);
  if (typeof source === 'string') {
    if (looksLikeUrl(source)) return compileUrl(new URL(source));
    if (isNode) return WebAssembly.compile(await readFileBytes(source)); // a file-system path
    return compileUrl(new URL(source, globalThis.location?.href ?? import.meta.url));
  }
  throw validationError(
    'init() takes a URL or path, a Response, an ArrayBuffer / Uint8Array, or a WebAssembly.Module',
    'init',
  );
}

/** Instantiates a compiled module and checks it is the rt-pandas core. */
async function instantiate(module) {
  const imports = WebAssembly.Module.imports(module);
  if (imports.length !== 0) {
    const names = imports.map((i) => `${i.module}.${i.name}`).join(', ');
    throw configurationError(`rt_core.wasm must have no imports, but it imports ${names}`, 'init');
  }
  const instance = await WebAssembly.instantiate(module, {});
  const exports = instance.exports;
  const missing = REQUIRED_EXPORTS.filter((name) => typeof exports[name] !== 'function');
  if (!(exports.memory instanceof WebAssembly.Memory)) missing.unshift('memory');
  if (missing.length) {
    throw configurationError(`not an rt-pandas core module: missing exports ${missing.join(', ')}`, 'init');
  }
  const scratch = exports.rt_binding_scratch();
  return {
    module,
    instance,
    exports,
    memory: exports.memory,
    scratch,
    errPtr: scratch,
    outPtr: scratch + SCRATCH_OUT_OFFSET,
  };
}

/**
 * Loads and instantiates rt_core.wasm; call (and await) it once before
 * anything else. Resolves to the raw exports of the instance.
 *
 * `source` may be a URL (or URL string, or a file-system path in Node), a
 * `Response` (or a promise of one), the module's bytes (ArrayBuffer or any
 * typed array / DataView), or a compiled `WebAssembly.Module`. Without it,
 * rt_core.wasm is read from next to this file (falling back to the
 * repository's `rt_pandas/rt_core.wasm`): from disk in Node, by fetch
 * elsewhere. A repeated call without a source reuses the loaded instance;
 * one with a source replaces it.
 *
 * @param {string | URL | Response | Promise<Response> | BufferSource | WebAssembly.Module} [source]
 * @returns {Promise<WebAssembly.Exports>}
 */
export default async function init(source) {
  if (source === undefined || source === null) {
    if (core !== null) return core.exports;
    defaultInit ??= compileDefault().then(instantiate);
    try {
      core = await defaultInit;
    } catch (error) {
      defaultInit = null; // let a later call retry
      throw wrapLoadError(error);
    }
    return core.exports;
  }
  let loaded;
  try {
    loaded = await instantiate(await compileSource(await source));
  } catch (error) {
    throw wrapLoadError(error);
  }
  core = loaded;
  defaultInit = null;
  return core.exports;
}

/** Loading failures (fs, fetch, compile, link) as ConfigurationError WasmErrors. */
function wrapLoadError(error) {
  if (error instanceof WasmError) return error;
  return configurationError(`could not load rt_core.wasm: ${error?.message ?? error}`, 'init', error);
}

// ---------------------------------------------------------------------------
// Math
// ---------------------------------------------------------------------------

/** A Float32Array / Float64Array as is, a plain array of numbers as a Float64Array. */
function asFloatArray(values, context) {
  if (values instanceof Float32Array || values instanceof Float64Array) return values;
  if (Array.isArray(values)) {
    for (let i = 0; i < values.length; i++) {
      if (typeof values[i] !== 'number') {
        throw validationError(`values[${i}] is ${typeof values[i]}, not a number`, context);
      }
    }
    return Float64Array.from(values);
  }
  const what = ArrayBuffer.isView(values) ? values.constructor.name : typeof values;
  throw validationError(`values must be a Float32Array, Float64Array or array of numbers, not ${what}`, context);
}

function checkBound(value, name, context) {
  if (typeof value !== 'number') {
    throw validationError(`${name} must be a number, not ${typeof value}`, context);
  }
}

/**
 * Element-wise `min(max(x, lower), upper)`; NaN stays NaN. Returns a new
 * array of the input's type (plain arrays give a Float64Array). For a
 * Float32Array the bounds are rounded to float32 first.
 *
 * Throws a ValidationError WasmError if `lower > upper` or a bound is NaN.
 *
 * @param {Float32Array | Float64Array | number[]} values
 * @param {number} lower
 * @param {number} upper
 * @returns {Float32Array | Float64Array}
 */
export function clamp(values, lower, upper) {
  const c = requireCore('clamp');
  const input = asFloatArray(values, 'clamp');
  checkBound(lower, 'lower', 'clamp');
  checkBound(upper, 'upper', 'clamp');
  const Ctor = input.constructor;
  const dtype = input instanceof Float32Array ? DTYPE_FLOAT32 : DTYPE_FLOAT64;
  const length = input.length;
  const nbytes = input.byteLength;

  return withPoolBuffers(c, (alloc) => {
    // Empty input: NULL pointers are valid and the bounds are still checked.
    const inPtr = length === 0 ? 0 : alloc(nbytes);
    const outPtr = length === 0 ? 0 : alloc(nbytes);
    if (length > 0) {
      new Uint8Array(c.memory.buffer, inPtr, nbytes).set(
        new Uint8Array(input.buffer, input.byteOffset, nbytes),
      );
    }
    const status = c.exports.rt_math_clamp(dtype, inPtr, 0n, BigInt(length), lower, upper, outPtr, c.errPtr);
    check(c, status, 'rt_math_clamp');
    const result = new Ctor(length);
    if (length > 0) result.set(new Ctor(c.memory.buffer, outPtr, length));
    return result;
  });
}

// ---------------------------------------------------------------------------
// Memory pool
// ---------------------------------------------------------------------------

/** Non-negative integer (Number or BigInt) -> BigInt, else a ValidationError. */
function toInt64(value, name, context) {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw validationError(`${name} must be an integer, not ${String(value)}`, context);
}

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

// ---------------------------------------------------------------------------
// Versions and SIMD
// ---------------------------------------------------------------------------

function componentVersion(component, context) {
  const c = requireCore(context);
  const version = readCString(c, c.exports.rt_version(component));
  if (version === null) throw configurationError(`unknown component ${component}`, context);
  return version;
}

/** Version ("MAJOR.MINOR.PATCH") of the core: pool, errors, SIMD dispatch. */
export const wasm_core_version = () => componentVersion(COMPONENT_CORE, 'wasm_core_version');
/** Version of the math kernels. */
export const wasm_advanced_math_version = () => componentVersion(COMPONENT_MATH, 'wasm_advanced_math_version');
/** Version of the data-quality kernels ("0.0.0" until they exist). */
export const wasm_quality_metrics_version = () =>
  componentVersion(COMPONENT_QUALITY, 'wasm_quality_metrics_version');
/** Version of the anomaly-detection kernels ("0.0.0" until they exist). */
export const wasm_anomaly_detection_version = () =>
  componentVersion(COMPONENT_ANOMALY, 'wasm_anomaly_detection_version');
/** Version of the transform kernels ("0.0.0" until they exist). */
export const wasm_transforms_version = () => componentVersion(COMPONENT_TRANSFORMS, 'wasm_transforms_version');

/**
 * Name of the SIMD variant the kernels use: "wasm-simd128" (or "scalar").
 *
 * @returns {string}
 */
export function simdLevel() {
  const c = requireCore('simdLevel');
  return readCString(c, c.exports.rt_simd_name(c.exports.rt_simd_active())) ?? 'unknown';
}
