/**
 * rt-pandas-wasm: the JavaScript API of the rt-pandas C core (rt_core.wasm),
 * with the names, arguments and return types of the WASM modules spec.
 *
 *     import init, { WasmTensor, WasmAdvancedMath } from 'rt-pandas-wasm';
 *     await init();
 *     const tensor = new WasmTensor([1, 2, 3, 4], [2, 2]);
 *     const math = new WasmAdvancedMath();
 *     const result = math.sinh(tensor);
 *     result.data();  // Float32Array [1.1752012, 3.6268604, 10.017875, 27.2899172]
 *     tensor.free(); result.free(); math.free();
 *
 * The pieces live in src/: core.js (the instance and the C calling
 * convention), resource.js (free(), FinalizationRegistry, use after free),
 * tensor.js, columns.js + arrow.js (operand kinds: tensors, typed arrays,
 * Arrow vectors), math.js, transforms.js, memory.js, versions.js. This
 * file loads the module. quality.js (WasmQualityMetrics) and anomaly.js
 * (WasmAnomalyDetector) take a whole column through numeric_column.js (the C
 * column form, Arrow nulls as a validity bitmap).
 */
import { WasmError, configurationError, validationError } from './src/errors.js';
import { SCRATCH_OUT_OFFSET, getCore, setCore } from './src/core.js';
import { guardExports } from './src/bounds.js';

export { WasmError } from './src/errors.js';
export { WasmTensor } from './src/tensor.js';
export { WasmAdvancedMath, clamp } from './src/math.js';
export {
  WasmNormalize,
  WasmResize,
  WasmCenterCrop,
  WasmTransformPipeline,
  register_transform,
  registered_transforms,
} from './src/transforms.js';
export { MemoryManager } from './src/memory.js';
export { WasmQualityMetrics } from './src/quality.js';
export { WasmAnomalyDetector } from './src/anomaly.js';
export {
  wasm_core_version,
  wasm_advanced_math_version,
  wasm_quality_metrics_version,
  wasm_anomaly_detection_version,
  wasm_transforms_version,
  simdLevel,
} from './src/versions.js';

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
  'rt_pool_set_memory_limit',
  'rt_transform_hash',
  'rt_transform_hash128',
]);

/** Pending default init(), shared by concurrent callers. */
let defaultInit = null;

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
  const exports = guardExports(instance.exports, module); // pointers outside linear memory: a WasmError
  const missing = REQUIRED_EXPORTS.filter((name) => typeof exports[name] !== 'function');
  if (!(exports.memory instanceof WebAssembly.Memory)) missing.unshift('memory');
  if (missing.length) {
    throw configurationError(`not an rt-pandas core module: missing exports ${missing.join(', ')}`, 'init');
  }
  const scratch = exports.rt_binding_scratch();  // rt_error record, then out-parameters
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
 * `options.maxMemoryBytes` caps the size linear memory may grow to: an
 * allocation past it throws a WasmError of type MemoryError (the instance
 * stays usable) instead of growing or trapping. Memory already in use is
 * kept. The raw exports resolved to check every pointer argument against
 * linear memory (a ValidationError WasmError outside it).
 *
 * @param {string | URL | Response | Promise<Response> | BufferSource | WebAssembly.Module} [source]
 * @param {{maxMemoryBytes?: number}} [options]
 * @returns {Promise<WebAssembly.Exports>}
 */
export default async function init(source, options = {}) {
  const maxMemoryBytes = checkMaxMemory(options?.maxMemoryBytes);
  if (source === undefined || source === null) {
    if (getCore() === null) {
      defaultInit ??= compileDefault().then(instantiate);
      try {
        setCore(await defaultInit);
      } catch (error) {
        defaultInit = null; // let a later call retry
        throw wrapLoadError(error);
      }
    }
  } else {
    let loaded;
    try {
      loaded = await instantiate(await compileSource(await source));
    } catch (error) {
      throw wrapLoadError(error);
    }
    setCore(loaded);
    defaultInit = null;
  }
  if (maxMemoryBytes !== undefined) getCore().exports.rt_pool_set_memory_limit(BigInt(maxMemoryBytes));
  return getCore().exports;
}

/** options.maxMemoryBytes: undefined, or a positive integer below 2**32 (0 lifts the cap). */
function checkMaxMemory(value) {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= 2 ** 32) {
    throw validationError(`maxMemoryBytes must be an integer in [0, 2**32), got ${String(value)}`, 'init');
  }
  return value;
}

/** Loading failures (fs, fetch, compile, link) as ConfigurationError WasmErrors. */
function wrapLoadError(error) {
  if (error instanceof WasmError) return error;
  return configurationError(`could not load rt_core.wasm: ${error?.message ?? error}`, 'init', error);
}

