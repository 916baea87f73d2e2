/**
 * Image transforms over csrc/include/rt/transform.h and a cached pipeline:
 * WasmNormalize, WasmResize, WasmCenterCrop, WasmTransformPipeline.
 *
 * Images are WasmTensors (float32) of shape [H, W], [H, W, C] / [C, H, W]
 * or a batch [N, H, W, C] / [N, C, H, W], by the `layout` option ('HWC', the
 * default, as OpenCV and PIL store images, or 'CHW', as PyTorch does).
 * Results are new WasmTensors of the same rank and layout; the same C
 * functions serve the Python package, so both give the same numbers.
 */
import { validationError } from './errors.js';
import {
  DTYPE_FLOAT32,
  check,
  checkNumber,
  checkSize,
  copyIn,
  poolAlloc,
  poolFree,
  withPoolBuffers,
} from './core.js';
import { Resource } from './resource.js';
import { WasmTensor, adoptTensor, readTensor } from './tensor.js';

const LAYOUTS = Object.freeze({ HWC: 0, CHW: 1 });
const INTERPOLATIONS = Object.freeze({ nearest: 0, bilinear: 1, bicubic: 2, area: 3 });
const IMAGENET_MEAN = Object.freeze([0.485, 0.456, 0.406]);
const IMAGENET_STD = Object.freeze([0.229, 0.224, 0.225]);

function layoutCode(layout, context) {
  if (!Object.hasOwn(LAYOUTS, layout)) {
    throw validationError(`layout must be 'HWC' or 'CHW', got ${String(layout)}`, context);
  }
  return LAYOUTS[layout];
}

/** `{batch, height, width, channels, rank}` of an image tensor's shape. */
function imageDims(shape, layout, context) {
  const dims = [...shape];
  const rank = dims.length;
  if (rank < 2 || rank > 4) {
    throw validationError(
      `an image tensor has shape [H, W], [H, W, C] / [C, H, W] or [N, ...], got [${shape.join(', ')}]`,
      context,
    );
  }
  const batch = rank === 4 ? dims.shift() : 1;
  let height, width, channels;
  if (dims.length === 2) [height, width, channels] = [...dims, 1];
  else if (layout === 'HWC') [height, width, channels] = dims;
  else [channels, height, width] = dims;
  if (Math.min(height, width, channels) <= 0) {
    throw validationError(`image sizes must be positive, got shape [${shape.join(', ')}]`, context);
  }
  return { batch, height, width, channels, rank };
}

/** The shape of the result: the input's rank and layout with a new height and width. */
function resultShape({ batch, channels, rank }, height, width, layout) {
  if (rank === 2) return [height, width];
  const image = layout === 'HWC' ? [height, width, channels] : [channels, height, width];
  return rank === 4 ? [batch, ...image] : image;
}

/**
 * Runs an image kernel on a tensor into a new tensor of `outHeight` x
 * `outWidth` images; `call(c, ptr, dims, out, alloc)` returns the rt_status.
 */
function runImageKernel(context, cName, tensor, layout, outSize, call) {
  if (!(tensor instanceof WasmTensor)) {
    throw validationError(
      'image transforms take a WasmTensor (they need its shape): new WasmTensor(data, [H, W, C])',
      context,
    );
  }
  const { c, ptr, shape } = readTensor(tensor, context);
  const dims = imageDims(shape, layout, context);
  const [outHeight, outWidth] = outSize(dims);
  const outShape = resultShape(dims, outHeight, outWidth, layout);
  const size = outShape.reduce((a, b) => a * b, 1);
  if (size * 4 >= 2 ** 32) throw validationError(`the result of ${size} values is too large`, context);
  const out = poolAlloc(c, size * 4);
  try {
    withPoolBuffers(c, (alloc) => check(c, call(c, ptr, dims, out, alloc), cName));
  } catch (error) {
    poolFree(c, out);
    throw error;
  }
  return adoptTensor(c, out, outShape);
}

/** The `(batch, height, width, channels, layout)` arguments of every transform kernel. */
const dimArgs = ({ batch, height, width, channels }, layout) => [
  BigInt(batch),
  BigInt(height),
  BigInt(width),
  BigInt(channels),
  LAYOUTS[layout],
];

/** Finite per-channel numbers (a number or a non-empty array), as a frozen array. */
function perChannel(values, name, context) {
  const list = typeof values === 'number' ? [values] : values;
  if (!Array.isArray(list) || list.length === 0 || list.some((v) => typeof v !== 'number')) {
    throw validationError(`${name} must be a number or a non-empty array of numbers`, context);
  }
  if (!list.every(Number.isFinite)) throw validationError(`${name} must be finite, got [${list}]`, context);
  return Object.freeze([...list]);
}

/** One value per channel: a single value is used for every channel. */
function broadcast(values, channels, name, context) {
  if (values.length === channels) return values;
  if (values.length === 1) return new Array(channels).fill(values[0]);
  throw validationError(`${name} has ${values.length} values for ${channels} channels`, context);
}

/** Shared free() and use-after-free rules of the transform classes (they hold no linear memory). */
class TransformBase {
  #resource;

  constructor(label) {
    this.#resource = new Resource(this, null, 0, null, label);
  }

  /** The method's context name, after checking the object was not freed. */
  live(context) {
    this.#resource.live(context);
    return context;
  }

  /** Marks the transform freed; later calls throw a WasmError. */
  free() {
    this.#resource.free();
  }
}

/**
 * Per-channel normalisation `(x * pixel_scale - mean[c]) / std[c]`
 * (rt_transform_normalize).
 *
 *     const norm = new WasmNormalize([0.5], [0.25]);
 *     norm.apply(new WasmTensor([0, 1], [1, 2, 1])).data();  // Float32Array [-2, 2]
 */
export class WasmNormalize extends TransformBase {
  #mean;
  #std;
  #layout;
  #pixelScale;

  /**
   * @param {number[] | number} [mean] per channel, or one value for all (default: ImageNet's)
   * @param {number[] | number} [std] per channel, or one value for all; not 0 (default: ImageNet's)
   * @param {{layout?: 'HWC' | 'CHW', pixel_scale?: number}} [options]
   */
  constructor(mean = IMAGENET_MEAN, std = IMAGENET_STD, { layout = 'HWC', pixel_scale = 1 } = {}) {
    super('WasmNormalize');
    const context = 'WasmNormalize';
    this.#mean = perChannel(mean, 'mean', context);
    this.#std = perChannel(std, 'std', context);
    if (this.#std.includes(0)) throw validationError('std must not be 0', context);
    layoutCode(layout, context);
    checkNumber(pixel_scale, 'pixel_scale', context);
    if (!Number.isFinite(pixel_scale)) throw validationError('pixel_scale must be finite', context);
    this.#layout = layout;
    this.#pixelScale = pixel_scale;
  }

  /** @param {WasmTensor} tensor @returns {WasmTensor} */
  apply(tensor) {
    const context = this.live('WasmNormalize.apply');
    return runImageKernel(context, 'rt_transform_normalize', tensor, this.#layout, (d) => [d.height, d.width],
      (c, ptr, dims, out, alloc) => {
        const mean = Float64Array.from(broadcast(this.#mean, dims.channels, 'mean', context));
        const std = Float64Array.from(broadcast(this.#std, dims.channels, 'std', context));
        const meanPtr = alloc(mean.byteLength);
        const stdPtr = alloc(std.byteLength);
        copyIn(c, meanPtr, mean);
        copyIn(c, stdPtr, std);
        return c.exports.rt_transform_normalize(DTYPE_FLOAT32, ptr, ...dimArgs(dims, this.#layout),
          meanPtr, stdPtr, this.#pixelScale, out, c.errPtr);
      });
  }

  name() {
    this.live('WasmNormalize.name');
    return 'normalize';
  }

  /** The pipeline spec that makes this transform again, e.g. "normalize:0.5:0.25:HWC". */
  key() {
    this.live('WasmNormalize.key');
    const scale = this.#pixelScale === 1 ? '' : `:${this.#pixelScale}`;
    return `normalize:${this.#mean.join(',')}:${this.#std.join(',')}:${this.#layout}${scale}`;
  }
}

/**
 * Resizes every image to height x width as OpenCV's cv2.resize does
 * (rt_transform_resize): 'nearest', 'bilinear' (default), 'bicubic', 'area'.
 *
 *     const resize = new WasmResize(1, 1, 'area');
 *     resize.apply(new WasmTensor([1, 3], [1, 2])).data();  // Float32Array [2]
 */
export class WasmResize extends TransformBase {
  #height;
  #width;
  #interpolation;
  #layout;

  /**
   * @param {number} height
   * @param {number} width
   * @param {'nearest' | 'bilinear' | 'bicubic' | 'area'} [interpolation='bilinear']
   * @param {{layout?: 'HWC' | 'CHW'}} [options]
   */
  constructor(height, width, interpolation = 'bilinear', { layout = 'HWC' } = {}) {
    super('WasmResize');
    const context = 'WasmResize';
    this.#height = checkSize(height, 'height', context);
    this.#width = checkSize(width, 'width', context);
    if (!Object.hasOwn(INTERPOLATIONS, interpolation)) {
      throw validationError(
        `unknown interpolation ${String(interpolation)}; choose one of ${Object.keys(INTERPOLATIONS).join(', ')}`,
        context,
      );
    }
    layoutCode(layout, context);
    this.#interpolation = interpolation;
    this.#layout = layout;
  }

  /** @param {WasmTensor} tensor @returns {WasmTensor} */
  apply(tensor) {
    const context = this.live('WasmResize.apply');
    return runImageKernel(context, 'rt_transform_resize', tensor, this.#layout, () => [this.#height, this.#width],
      (c, ptr, dims, out) =>
        c.exports.rt_transform_resize(DTYPE_FLOAT32, ptr, ...dimArgs(dims, this.#layout), BigInt(this.#height),
          BigInt(this.#width), INTERPOLATIONS[this.#interpolation], out, c.errPtr));
  }

  name() {
    this.live('WasmResize.name');
    return 'resize';
  }

  /** The pipeline spec, e.g. "resize:224x224:bilinear:HWC". */
  key() {
    this.live('WasmResize.key');
    return `resize:${this.#height}x${this.#width}:${this.#interpolation}:${this.#layout}`;
  }
}

/**
 * The central height x width window of every image, as torchvision's
 * center_crop (zero padding when larger) (rt_transform_center_crop).
 *
 *     new WasmCenterCrop(1, 1).apply(new WasmTensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3])).data();  // [5]
 */
export class WasmCenterCrop extends TransformBase {
  #height;
  #width;
  #layout;

  /**
   * @param {number} height
   * @param {number} width
   * @param {{layout?: 'HWC' | 'CHW'}} [options]
   */
  constructor(height, width, { layout = 'HWC' } = {}) {
    super('WasmCenterCrop');
    const context = 'WasmCenterCrop';
    this.#height = checkSize(height, 'height', context);
    this.#width = checkSize(width, 'width', context);
    layoutCode(layout, context);
    this.#layout = layout;
  }

  /** @param {WasmTensor} tensor @returns {WasmTensor} */
  apply(tensor) {
    const context = this.live('WasmCenterCrop.apply');
    return runImageKernel(context, 'rt_transform_center_crop', tensor, this.#layout,
      () => [this.#height, this.#width],
      (c, ptr, dims, out) =>
        c.exports.rt_transform_center_crop(DTYPE_FLOAT32, ptr, ...dimArgs(dims, this.#layout),
          BigInt(this.#height), BigInt(this.#width), out, c.errPtr));
  }

  name() {
    this.live('WasmCenterCrop.name');
    return 'center_crop';
  }

  /** The pipeline spec, e.g. "center_crop:224x224:HWC". */
  key() {
    this.live('WasmCenterCrop.key');
    return `center_crop:${this.#height}x${this.#width}:${this.#layout}`;
  }
}

// ---------------------------------------------------------------------------
// Transform names for pipelines
// ---------------------------------------------------------------------------

/** "224x160" -> [224, 160] (height, width); "224" -> [224, 224]. */
function parseSize(text, context) {
  const parts = text.toLowerCase().split('x');
  const sizes = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : NaN));
  if (sizes.length === 1) sizes.push(sizes[0]);
  if (sizes.length !== 2 || sizes.some(Number.isNaN)) {
    throw validationError(`size must look like HEIGHTxWIDTH or SIZE, got '${text}'`, context);
  }
  return sizes;
}

function parseNumbers(text, context) {
  const values = text.split(',').map((v) => (v.trim() === '' ? NaN : Number(v)));
  if (values.some(Number.isNaN)) throw validationError(`expected comma-separated numbers, got '${text}'`, context);
  return values;
}

const registry = new Map([
  ['normalize', (mean, std, layout = 'HWC', scale) =>
    new WasmNormalize(mean ? parseNumbers(mean, 'normalize') : IMAGENET_MEAN,
      std ? parseNumbers(std, 'normalize') : IMAGENET_STD,
      { layout, pixel_scale: scale === undefined ? 1 : parseNumbers(scale, 'normalize')[0] })],
  ['resize', (size = '224x224', interpolation = 'bilinear', layout = 'HWC') =>
    new WasmResize(...parseSize(size, 'resize'), interpolation, { layout })],
  ['center_crop', (size = '224x224', layout = 'HWC') =>
    new WasmCenterCrop(...parseSize(size, 'center_crop'), { layout })],
]);

/**
 * Makes `"name:arg1:arg2"` build `factory("arg1", "arg2")` in pipelines.
 * The factory returns an object with `apply(tensor)`, `key()` (a string
 * that changes whenever the output could) and `name()`.
 *
 * @param {string} name
 * @param {(...args: string[]) => {apply(t: WasmTensor): WasmTensor, key(): string, name(): string}} factory
 */
export function register_transform(name, factory) {
  if (typeof name !== 'string' || name === '' || name.includes(':')) {
    throw validationError(`a transform name is a non-empty string without ':', got ${String(name)}`, 'register_transform');
  }
  if (typeof factory !== 'function') throw validationError('factory must be a function', 'register_transform');
  registry.set(name, factory);
}

/** Names usable in pipelines, sorted. */
export const registered_transforms = () => [...registry.keys()].sort();

function transformFromSpec(spec) {
  const [name, ...args] = spec.split(':');
  if (!registry.has(name)) {
    throw validationError(`unknown transform '${name}'; registered: ${registered_transforms().join(', ')}`,
      'WasmTransformPipeline.add_transform');
  }
  return registry.get(name)(...args);
}

const isTransform = (t) =>
  t !== null && typeof t === 'object' && ['apply', 'key', 'name'].every((m) => typeof t[m] === 'function');

// ---------------------------------------------------------------------------
// The pipeline
// ---------------------------------------------------------------------------

/** XXH3-128 (rt_transform_hash128) of `nbytes` bytes at `ptr`, as 32 hex digits. */
function hashBytes(c, ptr, nbytes) {
  check(c, c.exports.rt_transform_hash128(ptr, BigInt(nbytes), 0n, c.outPtr, c.errPtr), 'rt_transform_hash128');
  const view = new DataView(c.memory.buffer);
  const hex = (offset) => view.getBigUint64(c.outPtr + offset, true).toString(16).padStart(16, '0');
  return hex(8) + hex(0);
}

/** A new tensor with the same values and shape (a copy within linear memory). */
function copyTensor(tensor, context) {
  const { c, ptr, shape, size } = readTensor(tensor, context);
  const out = size === 0 ? 0 : poolAlloc(c, size * 4);
  new Uint8Array(c.memory.buffer).copyWithin(out, ptr, ptr + size * 4);
  return adoptTensor(c, out, shape);
}

/**
 * Transforms applied in order, with a content-addressed cache.
 *
 * The cache keys each intermediate result by the input tensor's shape, an
 * XXH3-128 hash of its bytes and the key() of every transform up to it, so a changed input
 * or parameter never finds a stale entry, and a longer pipeline reuses a
 * cached prefix. It holds at most `cache_bytes` (default 256 MiB) and drops
 * the least recently used entries first. execute() always returns a tensor
 * the caller owns (and frees); cached tensors stay the pipeline's.
 *
 *     const pipeline = new WasmTransformPipeline(true);
 *     pipeline.add_transform('resize:4x4:area');
 *     pipeline.add_transform('normalize:0.5:0.5');
 *     const out = pipeline.execute(new WasmTensor(new Float32Array(64).fill(0.75), [8, 8, 1]));
 *     out.shape();  // [4, 4, 1]
 *     JSON.parse(pipeline.get_stats()).cache_misses;  // 2
 */
export class WasmTransformPipeline {
  #resource;
  #cacheEnabled;
  #cacheLimit;
  #steps = []; // {transform, owned, stats}
  #cache = new Map(); // key string -> WasmTensor, least recently used first
  #cachedBytes = 0;
  #calls = 0;
  #hits = 0;
  #misses = 0;

  /**
   * @param {boolean} [cache_enabled=true] keep intermediate results
   * @param {{cache_bytes?: number}} [options] bound of the cache in bytes (default 256 MiB)
   */
  constructor(cache_enabled = true, { cache_bytes = 256 * 2 ** 20 } = {}) {
    const context = 'WasmTransformPipeline';
    if (!Number.isSafeInteger(cache_bytes) || cache_bytes < 0) {
      throw validationError(`cache_bytes must be a non-negative integer, got ${String(cache_bytes)}`, context);
    }
    this.#resource = new Resource(this, null, 0, null, context);
    this.#cacheEnabled = Boolean(cache_enabled);
    this.#cacheLimit = cache_bytes;
  }

  #live(name) {
    const context = `WasmTransformPipeline.${name}`;
    this.#resource.live(context);
    return context;
  }

  /**
   * Appends a transform: a name with parameters ("resize:224x224:bilinear",
   * "center_crop:200", "normalize:0.5,0.5,0.5:0.2,0.2,0.2"; a bare name
   * uses the defaults: 224x224 bilinear, 224x224, ImageNet mean and std) or
   * a transform object (WasmNormalize, WasmResize, WasmCenterCrop or your
   * own with apply/key/name). Objects stay yours to free.
   *
   * @param {string | {apply(t: WasmTensor): WasmTensor, key(): string, name(): string}} transform
   */
  add_transform(transform) {
    const context = this.#live('add_transform');
    let owned = false;
    if (typeof transform === 'string') {
      transform = transformFromSpec(transform);
      owned = true;
    }
    if (!isTransform(transform)) {
      throw validationError('a transform is a name string or an object with apply(), key() and name()', context);
    }
    this.#steps.push({ transform, owned, stats: this.#stepStats(transform) });
  }

  #stepStats(transform) {
    return { name: transform.name(), key: transform.key(), calls: 0, hits: 0, misses: 0, seconds: 0 };
  }

  /**
   * Runs every transform on `input`; returns a new tensor (yours to free).
   *
   * @param {WasmTensor} input
   * @returns {WasmTensor}
   */
  execute(input) {
    const context = this.#live('execute');
    if (!(input instanceof WasmTensor)) {
      throw validationError('execute takes a WasmTensor: new WasmTensor(data, [H, W, C])', context);
    }
    readTensor(input, context);
    this.#calls += 1;
    const keys = this.#cacheEnabled ? this.#chainKeys(input, context) : [];
    let start = 0;
    let current = input;
    let owner = 'caller'; // who frees `current`: 'caller', 'cache' or 'pipeline'
    for (let i = keys.length - 1; i >= 0; i--) {
      const cached = this.#cache.get(keys[i]);
      if (cached !== undefined) {
        this.#cache.delete(keys[i]); // re-insert: most recently used
        this.#cache.set(keys[i], cached);
        [start, current, owner] = [i + 1, cached, 'cache'];
        break;
      }
    }
    for (let i = 0; i < start; i++) this.#steps[i].stats.hits += 1;
    this.#hits += start;
    try {
      for (let i = start; i < this.#steps.length; i++) {
        const next = this.#runStep(this.#steps[i], current);
        if (owner === 'pipeline') current.free();
        [current, owner] = [next, 'pipeline'];
        this.#misses += 1;
        this.#steps[i].stats.misses += 1;
        if (this.#cacheEnabled && this.#store(keys[i], next)) owner = 'cache';
      }
    } catch (error) {
      if (owner === 'pipeline') current.free(); // an intermediate nobody else holds
      throw error;
    }
    return owner === 'pipeline' ? current : copyTensor(current, context);
  }

  #runStep(step, tensor) {
    const started = performance.now();
    const result = step.transform.apply(tensor);
    if (!(result instanceof WasmTensor)) {
      throw validationError(`transform '${step.stats.name}' did not return a WasmTensor`, 'WasmTransformPipeline.execute');
    }
    step.stats.seconds += (performance.now() - started) / 1000;
    step.stats.calls += 1;
    return result;
  }

  /** Cache keys, one per step: the input's shape and content hash with the keys of the transforms up to it. */
  #chainKeys(input, context) {
    const { c, ptr, shape, size } = readTensor(input, context);
    const content = `WasmTensor[${shape.join(',')}]float32:${hashBytes(c, ptr, size * 4)}`;
    const steps = this.#steps.map(({ transform }) => transform.key());
    return steps.map((_, i) => JSON.stringify([content, steps.slice(0, i + 1)]));
  }

  /** Keeps `tensor` under `key` if it fits; returns whether the cache now owns it. */
  #store(key, tensor) {
    const size = tensor.size * 4;
    if (size > this.#cacheLimit) return false;
    this.#cache.set(key, tensor);
    this.#cachedBytes += size;
    for (const [oldKey, old] of this.#cache) {
      if (this.#cachedBytes <= this.#cacheLimit) break;
      this.#cache.delete(oldKey);
      this.#cachedBytes -= old.size * 4;
      old.free();
    }
    return true;
  }

  /** Frees every cached result. */
  clear_cache() {
    this.#live('clear_cache');
    for (const tensor of this.#cache.values()) tensor.free();
    this.#cache.clear();
    this.#cachedBytes = 0;
  }

  /** Zeroes the counters and timings (the cache is kept). */
  reset_stats() {
    this.#live('reset_stats');
    this.#calls = this.#hits = this.#misses = 0;
    for (const step of this.#steps) step.stats = this.#stepStats(step.transform);
  }

  /**
   * `{calls, cache_hits, cache_misses, hit_rate, cached_entries,
   * cached_bytes, cache_limit_bytes, cache_enabled, transforms: [{name, key,
   * calls, hits, misses, seconds}]}`; a step is a hit when its result did
   * not have to be computed (it, or a later step, was cached).
   */
  stats() {
    this.#live('stats');
    const lookups = this.#hits + this.#misses;
    return {
      calls: this.#calls,
      cache_hits: this.#hits,
      cache_misses: this.#misses,
      hit_rate: lookups ? this.#hits / lookups : 0,
      cached_entries: this.#cache.size,
      cached_bytes: this.#cachedBytes,
      cache_limit_bytes: this.#cacheLimit,
      cache_enabled: this.#cacheEnabled,
      transforms: this.#steps.map(({ stats }) => ({ ...stats })),
    };
  }

  /** stats() as the JSON string the spec's get_stats returns. */
  get_stats() {
    this.#live('get_stats');
    return JSON.stringify(this.stats());
  }

  /** Frees the cache and the transforms the pipeline made from names; later calls throw. */
  free() {
    if (this.#resource.freed) return;
    this.clear_cache();
    for (const step of this.#steps) if (step.owned && typeof step.transform.free === 'function') step.transform.free();
    this.#steps = [];
    this.#resource.free();
  }
}
