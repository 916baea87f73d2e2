/**
 * One numeric column for the quality and anomaly kernels, which take the C
 * column form (dtype, data, validity, offset, length) rather than an
 * element-wise operand: a WasmTensor (float32, read in place, every element
 * a row), a Float32Array / Float64Array, a plain array of numbers (as
 * float64; null and undefined are missing), or an arrow-js numeric Vector
 * (Float32/Float64 as they are, integer types as float64; its null bitmap is
 * passed to C, so nulls are missing, not NaN).
 */
import { validationError } from './errors.js';
import { DTYPE_FLOAT32, DTYPE_FLOAT64, copyIn } from './core.js';
import { WasmTensor, readTensor } from './tensor.js';
import { copyVectorValues, isArrowVector, validityBitmap } from './arrow.js';

const TYPE_INT = 2;
const TYPE_FLOAT = 3;

/** A plain array's values as float64 and its validity bitmap (null/undefined rows clear), or null if none missing. */
function plainArray(values, context) {
  const data = new Float64Array(values.length);
  let bitmap = null;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      bitmap ??= new Uint8Array((values.length + 7) >> 3).fill(0xff);
      bitmap[i >> 3] &= ~(1 << (i & 7));
      continue;
    }
    if (typeof v !== 'number') throw validationError(`data[${i}] is ${typeof v}, not a number`, context);
    data[i] = v;
  }
  return { data, bitmap };
}

/** A numeric vector's values as one typed array (integers as float64, 64-bit ones via Number). */
function vectorValues(vector, context) {
  const { typeId, precision } = vector.type;
  if (typeId === TYPE_FLOAT && (precision === 1 || precision === 2)) {
    const out = new (precision === 1 ? Float32Array : Float64Array)(vector.length);
    copyVectorValues(vector, out);
    return out;
  }
  if (typeId !== TYPE_INT) {
    throw validationError(`${context} takes numeric Arrow vectors (Float32, Float64, Int*, Uint*), not ${String(vector.type)}`, context);
  }
  const out = new Float64Array(vector.length);
  let position = 0;
  for (const data of vector.data) {
    const values = data.values.subarray(0, data.length);
    for (let i = 0; i < data.length; i++) out[position + i] = Number(values[i]);
    position += data.length;
  }
  return out;
}

/**
 * Checks and reads a column argument without touching linear memory:
 * `{length, dtype, tensor?, values?, bitmap?, shape?}`.
 */
export function numericColumn(value, context, name = 'data') {
  if (value instanceof WasmTensor) {
    const { shape, size } = readTensor(value, context);
    return { length: size, dtype: DTYPE_FLOAT32, tensor: value, shape, bitmap: null };
  }
  if (value instanceof Float32Array || value instanceof Float64Array) {
    return { length: value.length, dtype: value instanceof Float32Array ? DTYPE_FLOAT32 : DTYPE_FLOAT64, values: value, bitmap: null };
  }
  if (Array.isArray(value)) {
    const { data, bitmap } = plainArray(value, context);
    return { length: data.length, dtype: DTYPE_FLOAT64, values: data, bitmap };
  }
  if (isArrowVector(value)) {
    const values = vectorValues(value, context);
    const dtype = values instanceof Float32Array ? DTYPE_FLOAT32 : DTYPE_FLOAT64;
    return { length: values.length, dtype, values, bitmap: validityBitmap(value) };
  }
  const what = ArrayBuffer.isView(value) ? value.constructor.name : value === null ? 'null' : typeof value;
  throw validationError(
    `${name} must be a WasmTensor, Float32Array, Float64Array, array of numbers or numeric Arrow vector, not ${what}`,
    context,
  );
}

/**
 * Puts a checked column into linear memory with `alloc` (withPoolBuffers):
 * returns `{data, validity}` addresses (validity 0 when nothing is missing).
 * Allocate everything first, then call stage: the tensor address is read last.
 */
export function stageColumn(c, col, alloc, context) {
  const validity = col.bitmap === null ? 0 : alloc(col.bitmap.byteLength);
  if (validity !== 0) copyIn(c, validity, col.bitmap);
  if (col.tensor !== undefined) return { data: readTensor(col.tensor, context).ptr, validity };
  const data = alloc(col.values.byteLength);
  copyIn(c, data, col.values);
  return { data, validity };
}

/** The value of row `i` as a Number (NaN for a missing row). */
export function rowValue(c, col, staged, i) {
  if (col.bitmap !== null && (col.bitmap[i >> 3] & (1 << (i & 7))) === 0) return NaN;
  if (col.values !== undefined) return col.values[i];
  return new Float32Array(c.memory.buffer, staged.data, col.length)[i];
}
