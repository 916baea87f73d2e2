/**
 * The live wasm instance and the calling convention of the C core.
 *
 * Every C function returns an rt_status (0 = ok) and takes a trailing
 * `rt_error *`; the binding keeps that record and the out-parameter slot in
 * the core's static scratch area (`rt_binding_scratch()`), and turns a
 * nonzero status into a thrown WasmError.
 *
 * Linear memory can grow during any allocation, which detaches every view
 * of the old `memory.buffer`: views are made fresh after the last
 * allocation of a call and never kept across one.
 *
 * int64_t parameters and results are BigInt at the wasm boundary; this file
 * (and only the modules built on it) converts, so JS callers see Numbers.
 */
import { WasmError, configurationError, validationError } from './errors.js';

// rt_error: int32 kind at +0, char message[256] at +4, char context[128] at +260.
const ERROR_KIND_OFFSET = 0;
const ERROR_MESSAGE_OFFSET = 4;
const ERROR_MESSAGE_BYTES = 256;
const ERROR_CONTEXT_OFFSET = 260;
const ERROR_CONTEXT_BYTES = 128;

/** Out-parameters (a pointer, an rt_pool_stats, a hash) go here, after the rt_error. */
export const SCRATCH_OUT_OFFSET = 512;

/** enum rt_error_kind -> WasmError.error_type. */
const ERROR_TYPES = Object.freeze({
  1: 'ValidationError',
  2: 'ComputationError',
  3: 'MemoryError',
  4: 'ConfigurationError',
});

/** enum rt_dtype. */
export const DTYPE_FLOAT32 = 1;
export const DTYPE_FLOAT64 = 2;

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

/**
 * The live instance: `{ exports, memory, module, scratch, errPtr, outPtr }`,
 * or null before init().
 */
let core = null;

export const getCore = () => core;
export const setCore = (instance) => {
  core = instance;
};

/** The live instance, or a ConfigurationError naming the function called too early. */
export function requireCore(context) {
  if (core === null) {
    throw configurationError(
      'rt-pandas-wasm is not initialised: await init() before calling this function',
      context,
    );
  }
  return core;
}

/**
 * A kernel export, or a ConfigurationError when this build of rt_core.wasm
 * lacks it (a kernel written on a branch not merged into this build yet).
 * `arity` guards against calling an export whose C signature differs from
 * the one this binding was written for.
 */
export function requireExport(c, name, arity, context) {
  const fn = c.exports[name];
  if (typeof fn !== 'function') {
    throw configurationError(`${context} is not available: this build of rt_core.wasm has no ${name}`, context);
  }
  if (arity !== undefined && fn.length !== arity) {
    throw configurationError(
      `${name} takes ${fn.length} arguments in this build, this binding expects ${arity}; update rt-pandas-wasm`,
      context,
    );
  }
  return fn;
}

const textDecoder = new TextDecoder('utf-8');
const textEncoder = new TextEncoder();

/** A NUL-terminated C string at `ptr` (at most `limit` bytes), or null for NULL. */
export function readCString(c, ptr, limit = Infinity) {
  if (ptr === 0) return null;
  const bytes = new Uint8Array(c.memory.buffer);
  const stop = Math.min(bytes.length, ptr + limit);
  let end = ptr;
  while (end < stop && bytes[end] !== 0) end++;
  return textDecoder.decode(bytes.subarray(ptr, end));
}

export const encodeUtf8 = (text) => textEncoder.encode(text);

/** The rt_error record in scratch, as a WasmError (status is the returned kind). */
export function errorFromRecord(c, status, fallbackContext) {
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
export function check(c, status, context) {
  if (status !== 0) throw errorFromRecord(c, status, context);
}

/** rt_pool_alloc: a 64-byte aligned buffer of at least `nbytes` bytes; returns its address. */
export function poolAlloc(c, nbytes) {
  check(c, c.exports.rt_pool_alloc(BigInt(nbytes), c.outPtr, c.errPtr), 'rt_pool_alloc');
  return new DataView(c.memory.buffer).getUint32(c.outPtr, true);
}

/** rt_pool_free; NULL (0) is a no-op. */
export function poolFree(c, ptr) {
  if (ptr !== 0) check(c, c.exports.rt_pool_free(ptr, c.errPtr), 'rt_pool_free');
}

/**
 * Runs `body(alloc)` and frees every buffer `alloc(nbytes)` handed out,
 * whether the body returned or threw. A failing free is reported only if
 * the body succeeded, so it never hides the body's own error. `alloc(0)`
 * gives NULL (0), which every kernel accepts for an empty input.
 */
export function withPoolBuffers(c, body) {
  const buffers = [];
  const alloc = (nbytes) => {
    if (nbytes === 0) return 0;
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

/** Copies a typed array (any element type) into linear memory at `ptr`. */
export function copyIn(c, ptr, typed) {
  if (typed.byteLength === 0) return;
  new Uint8Array(c.memory.buffer, ptr, typed.byteLength).set(
    new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength),
  );
}

/** A new `Ctor` array holding `length` elements copied out of linear memory at `ptr`. */
export function copyOut(c, ptr, Ctor, length) {
  const out = new Ctor(length);
  if (length > 0) out.set(new Ctor(c.memory.buffer, ptr, length));
  return out;
}

/** rt_pool_get_stats as an object of Numbers (`enabled` stays 0/1). */
export function readPoolStats(c) {
  c.exports.rt_pool_get_stats(c.outPtr);
  const view = new DataView(c.memory.buffer);
  const stats = {};
  POOL_STATS_FIELDS.forEach((field, i) => {
    stats[field] = Number(view.getBigInt64(c.outPtr + 8 * i, true));
  });
  return stats;
}

/** Integer (Number or BigInt) -> BigInt, else a ValidationError; the C side checks the range. */
export function toInt64(value, name, context) {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw validationError(`${name} must be an integer, not ${String(value)}`, context);
}

/** A size argument: an integer in [1, 2**31). */
export function checkSize(value, name, context) {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw validationError(`${name} must be an integer, not ${String(value)}`, context);
  }
  if (value <= 0) throw validationError(`${name} must be positive, got ${value}`, context);
  if (value >= 2 ** 31) throw validationError(`${name} must be below 2**31, got ${value}`, context);
  return value;
}

/** A number argument (NaN allowed here; the kernels judge it). */
export function checkNumber(value, name, context) {
  if (typeof value !== 'number') {
    throw validationError(`${name} must be a number, not ${typeof value}`, context);
  }
  return value;
}
