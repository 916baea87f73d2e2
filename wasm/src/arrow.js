/**
 * Apache Arrow JS interop, by duck typing: this module does not import
 * apache-arrow, so it works with whichever copy the page or notebook loaded
 * (results are built with that copy's own Vector and Data classes).
 *
 * An arrow-js Vector is a list of Data chunks. For numeric types a chunk's
 * `values` is already sliced to the chunk (values[i] is row i), while its
 * `nullBitmap` is the whole buffer, read at bit `offset + i`.
 */
import { validationError } from './errors.js';

/** arrow-js `Type` enum values and `Precision` of Float. */
const TYPE_INT = 2;
const TYPE_FLOAT = 3;
const PRECISION_SINGLE = 1;
const PRECISION_DOUBLE = 2;

/** Whether `value` looks like an arrow-js Vector (a Table column is one). */
export function isArrowVector(value) {
  return (
    value !== null &&
    typeof value === 'object' &&
    Array.isArray(value.data) &&
    typeof value.length === 'number' &&
    typeof value.type?.typeId === 'number' &&
    typeof value.get === 'function'
  );
}

/** Describes the vector's type for messages: "Float64", "Utf8", ... */
const typeName = (vector) => String(vector.type);

/**
 * The typed-array constructor of a Float32 or Float64 vector, or a
 * ValidationError: element-wise kernels return a vector of the input's
 * type, so they take floating-point vectors only.
 */
export function floatVectorArray(vector, context) {
  const { typeId, precision } = vector.type;
  if (typeId === TYPE_FLOAT && precision === PRECISION_SINGLE) return Float32Array;
  if (typeId === TYPE_FLOAT && precision === PRECISION_DOUBLE) return Float64Array;
  throw validationError(
    `${context} takes Float32 or Float64 Arrow vectors, not ${typeName(vector)}; ` +
      'cast first (or make a WasmTensor of it, which takes any numeric vector)',
    context,
  );
}

/** Whether chunk `data` has any null. */
const hasNulls = (data) => data.nullCount > 0 && data.nullBitmap != null && data.nullBitmap.length > 0;

/** Whether row `i` of chunk `data` is valid. */
const isValidAt = (data, i) => {
  const bit = data.offset + i;
  return (data.nullBitmap[bit >> 3] & (1 << (bit & 7))) !== 0;
};

/** Whether the vector is a numeric type a WasmTensor can hold (as float32). */
function checkNumericVector(vector, context) {
  const { typeId, precision } = vector.type;
  const numeric = typeId === TYPE_INT || (typeId === TYPE_FLOAT && precision !== 0);
  if (!numeric) {
    throw validationError(`a WasmTensor takes numeric Arrow vectors, not ${typeName(vector)}`, context);
  }
}

/**
 * The vector's values as one Float32Array, nulls as NaN (a tensor has no
 * validity). 64-bit integers arrive as BigInt and are rounded to float32.
 */
export function vectorToFloat32(vector, context) {
  checkNumericVector(vector, context);
  const out = new Float32Array(vector.length);
  let position = 0;
  for (const data of vector.data) {
    const values = data.values.subarray(0, data.length);
    const target = out.subarray(position, position + data.length);
    if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
      for (let i = 0; i < data.length; i++) target[i] = Number(values[i]);
    } else {
      target.set(values);
    }
    if (hasNulls(data)) {
      for (let i = 0; i < data.length; i++) if (!isValidAt(data, i)) target[i] = NaN;
    }
    position += data.length;
  }
  return out;
}

/** Copies the vector's values (typed as `Ctor`) into `target`, chunk after chunk. */
export function copyVectorValues(vector, target) {
  let position = 0;
  for (const data of vector.data) {
    target.set(data.values.subarray(0, data.length), position);
    position += data.length;
  }
}

/**
 * A vector of the input's type and chunking with `values` (row-aligned with
 * the input) and the input's null bitmaps: the element-wise result of a
 * kernel, nulls kept.
 */
export function vectorLike(vector, values) {
  if (vector.data.length === 0) return vector;
  let position = 0;
  const chunks = vector.data.map((data) => {
    const chunkValues = values.subarray(position, position + data.length);
    position += data.length;
    const bitmap = hasNulls(data) ? data.nullBitmap : undefined;
    return data.clone(data.type, data.offset, data.length, hasNulls(data) ? data.nullCount : 0, [
      undefined,
      chunkValues,
      bitmap,
    ]);
  });
  return new vector.constructor(chunks);
}

/** A packed validity bitmap of the whole vector (bit i = row i), or null if it has no nulls. */
export function validityBitmap(vector) {
  if (!vector.data.some(hasNulls)) return null;
  const bits = new Uint8Array((vector.length + 7) >> 3);
  let row = 0;
  for (const data of vector.data) {
    const nulls = hasNulls(data);
    for (let i = 0; i < data.length; i++, row++) {
      if (!nulls || isValidAt(data, i)) bits[row >> 3] |= 1 << (row & 7);
    }
  }
  return bits;
}

/**
 * A one-chunk vector of `template`'s type with `values` and the packed
 * `bitmap` (or none): the result of a kernel over two vectors, valid where
 * both inputs are.
 */
export function vectorFromValues(template, values, bitmap) {
  const data = template.data[0];
  let nullCount = 0;
  if (bitmap !== null) {
    for (let i = 0; i < values.length; i++) if ((bitmap[i >> 3] & (1 << (i & 7))) === 0) nullCount++;
  }
  const chunk = data.clone(data.type, 0, values.length, nullCount, [
    undefined,
    values,
    nullCount > 0 ? bitmap : undefined,
  ]);
  return new template.constructor([chunk]);
}

/** Bitwise AND of two packed bitmaps of the same rows (either may be null = all valid). */
export function andBitmaps(a, b) {
  if (a === null) return b;
  if (b === null) return a;
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] & b[i];
  return out;
}
