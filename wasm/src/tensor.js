/**
 * WasmTensor: a float32 array with a shape, stored in a pool buffer in
 * linear memory, where every kernel reads it without a copy.
 */
import { validationError } from './errors.js';
import { copyIn, copyOut, poolAlloc, poolFree, requireCore } from './core.js';
import { Resource, releasePoolBuffer } from './resource.js';
import { isArrowVector, vectorToFloat32 } from './arrow.js';

/** A shape: an array of non-negative integers. Returns a frozen copy and the element count. */
function checkShape(shape, context) {
  if (!Array.isArray(shape)) {
    throw validationError(`shape must be an array of integers, not ${typeof shape}`, context);
  }
  let size = 1;
  for (const [i, dim] of shape.entries()) {
    if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 0) {
      throw validationError(`shape[${i}] must be a non-negative integer, got ${String(dim)}`, context);
    }
    size *= dim;
  }
  if (!Number.isSafeInteger(size) || size * 4 >= 2 ** 32) {
    throw validationError(`shape [${shape.join(', ')}] has too many elements for wasm32 memory`, context);
  }
  return { shape: Object.freeze([...shape]), size };
}

/** Any accepted tensor data as a Float32Array (the input itself when it already is one). */
function toFloat32(data, context) {
  if (data instanceof Float32Array) return data;
  if (data instanceof Float64Array) return Float32Array.from(data);
  if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) {
      if (typeof data[i] !== 'number') {
        throw validationError(`data[${i}] is ${typeof data[i]}, not a number`, context);
      }
    }
    return Float32Array.from(data);
  }
  if (isArrowVector(data)) return vectorToFloat32(data, context);
  const what = ArrayBuffer.isView(data) ? data.constructor.name : data === null ? 'null' : typeof data;
  throw validationError(
    `data must be a Float32Array, Float64Array, array of numbers or numeric Arrow vector, not ${what}`,
    context,
  );
}

/** Lets the other modules read a tensor's state and wrap kernel outputs (not exported from index.js). */
let tensorState;
let adopt;

/**
 * An n-dimensional float32 array in linear memory.
 *
 *     const t = new WasmTensor([1, 2, 3, 4], [2, 2]);
 *     t.data();   // Float32Array [1, 2, 3, 4]
 *     t.shape();  // [2, 2]
 *     t.free();
 */
export class WasmTensor {
  #resource;
  #shape;
  #size;

  /**
   * @param {Float32Array | Float64Array | number[] | import('apache-arrow').Vector} data
   *   values in row-major order (copied; float64 rounds to float32; Arrow nulls become NaN)
   * @param {number[]} [shape] defaults to `[data.length]`
   */
  constructor(data, shape) {
    const context = 'WasmTensor';
    if (data === adoptToken) {
      // Internal: wraps a pool buffer a kernel wrote (see `adopt`).
      const [, owner, ptr, checked] = arguments; // eslint-disable-line prefer-rest-params
      this.#init(owner, ptr, checked);
      return;
    }
    const c = requireCore(context);
    const values = toFloat32(data, context);
    const checked = checkShape(shape === undefined ? [values.length] : shape, context);
    if (checked.size !== values.length) {
      throw validationError(
        `shape [${checked.shape.join(', ')}] holds ${checked.size} values, data has ${values.length}`,
        context,
      );
    }
    const ptr = checked.size === 0 ? 0 : poolAlloc(c, values.byteLength);
    copyIn(c, ptr, values);
    this.#init(c, ptr, checked);
  }

  #init(owner, ptr, { shape, size }) {
    this.#resource = new Resource(this, owner, ptr, releasePoolBuffer, 'WasmTensor');
    this.#shape = shape;
    this.#size = size;
  }

  /** A copy of the values, row-major. @returns {Float32Array} */
  data() {
    const c = this.#resource.live('WasmTensor.data');
    return copyOut(c, this.#resource.ptr, Float32Array, this.#size);
  }

  /** A copy of the shape. @returns {number[]} */
  shape() {
    this.#resource.live('WasmTensor.shape');
    return [...this.#shape];
  }

  /** Number of values (the product of the shape). */
  get size() {
    this.#resource.live('WasmTensor.size');
    return this.#size;
  }

  /** Whether free() was called. */
  get freed() {
    return this.#resource.freed;
  }

  /** Returns the buffer to the pool; using the tensor afterwards throws a WasmError. */
  free() {
    this.#resource.free();
  }

  toString() {
    return this.#resource.freed ? 'WasmTensor(freed)' : `WasmTensor(shape=[${this.#shape.join(', ')}])`;
  }

  static {
    tensorState = (tensor, context) => ({
      c: tensor.#resource.live(context),
      ptr: tensor.#resource.ptr,
      shape: tensor.#shape,
      size: tensor.#size,
    });
  }
}

const adoptToken = Symbol('adopt');
adopt = (owner, ptr, shape) => new WasmTensor(adoptToken, owner, ptr, checkShape(shape, 'WasmTensor'));

/** `{c, ptr, shape, size}` of a live tensor (a WasmError if freed or stale). */
export const readTensor = (tensor, context) => tensorState(tensor, context);

/**
 * A WasmTensor owning the pool buffer `ptr` (float32, `shape`): how kernel
 * outputs become tensors without a copy. Frees `ptr` if the shape is bad.
 */
export function adoptTensor(c, ptr, shape) {
  try {
    return adopt(c, ptr, shape);
  } catch (error) {
    poolFree(c, ptr);
    throw error;
  }
}
