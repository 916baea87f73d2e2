/**
 * Operands of element-wise kernels, in the kinds a user holds: a
 * WasmTensor (read in place), a Float32Array / Float64Array (copied in), a
 * plain array of numbers (as float64) or an arrow-js Vector of Float32 /
 * Float64 (copied in chunk by chunk; nulls kept). Results come back in the
 * same kind: a new WasmTensor of the same shape, a typed array of the same
 * type, or a Vector of the same type whose nulls are the input's.
 */
import { validationError } from './errors.js';
import {
  DTYPE_FLOAT32,
  DTYPE_FLOAT64,
  check,
  copyIn,
  copyOut,
  poolAlloc,
  poolFree,
  requireCore,
  withPoolBuffers,
} from './core.js';
import { WasmTensor, adoptTensor, readTensor } from './tensor.js';
import {
  andBitmaps,
  copyVectorValues,
  floatVectorArray,
  isArrowVector,
  validityBitmap,
  vectorFromValues,
  vectorLike,
} from './arrow.js';

/**
 * `{kind, Ctor, dtype, length, value, shape?}` for one operand:
 * kind is 'tensor', 'array' (typed or plain) or 'vector'.
 */
export function operand(value, context, name = 'x') {
  if (value instanceof WasmTensor) {
    const { shape, size } = readTensor(value, context);
    return { kind: 'tensor', Ctor: Float32Array, dtype: DTYPE_FLOAT32, length: size, value, shape };
  }
  if (value instanceof Float32Array || value instanceof Float64Array) {
    return { kind: 'array', Ctor: value.constructor, dtype: dtypeOf(value.constructor), length: value.length, value };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (typeof value[i] !== 'number') {
        throw validationError(`${name}[${i}] is ${typeof value[i]}, not a number`, context);
      }
    }
    return { kind: 'array', Ctor: Float64Array, dtype: DTYPE_FLOAT64, length: value.length, value: Float64Array.from(value) };
  }
  if (isArrowVector(value)) {
    const Ctor = floatVectorArray(value, context);
    return { kind: 'vector', Ctor, dtype: dtypeOf(Ctor), length: value.length, value };
  }
  const what = ArrayBuffer.isView(value) ? value.constructor.name : value === null ? 'null' : typeof value;
  throw validationError(
    `${name} must be a WasmTensor, Float32Array, Float64Array, array of numbers or Float32/Float64 Arrow vector, not ${what}`,
    context,
  );
}

const dtypeOf = (Ctor) => (Ctor === Float32Array ? DTYPE_FLOAT32 : DTYPE_FLOAT64);

/** Operands of a binary kernel must be of one kind, type and shape: no broadcasting. */
function checkSameOperands(operands, context) {
  const [first, ...rest] = operands;
  for (const other of rest) {
    if (other.kind !== first.kind || other.Ctor !== first.Ctor) {
      throw validationError(
        `operands must be of the same kind and type (got ${describe(first)} and ${describe(other)})`,
        context,
      );
    }
    if (other.length !== first.length) {
      throw validationError(`operands differ in length: ${first.length} and ${other.length}`, context);
    }
    if (first.kind === 'tensor' && first.shape.join() !== other.shape.join()) {
      throw validationError(`tensor shapes differ: [${first.shape}] and [${other.shape}]`, context);
    }
  }
}

const describe = (op) => (op.kind === 'tensor' ? 'WasmTensor' : `${op.kind} of ${op.Ctor.name}`);

/** Puts an array or vector operand into a pool buffer; a tensor is already there. */
function stage(c, op, alloc) {
  if (op.kind === 'tensor') return readTensor(op.value, 'stage').ptr;
  const ptr = alloc(op.length * op.Ctor.BYTES_PER_ELEMENT);
  if (op.length === 0) return ptr;
  if (op.kind === 'array') {
    copyIn(c, ptr, op.value);
  } else {
    copyVectorValues(op.value, new op.Ctor(c.memory.buffer, ptr, op.length));
  }
  return ptr;
}

/** The result in the operands' kind (a tensor result is handled by the caller). */
function wrapResult(operands, values) {
  const [first] = operands;
  if (first.kind === 'array') return values;
  if (operands.length === 1) return vectorLike(first.value, values);
  if (first.length === 0) return first.value;
  const bitmap = operands.map((op) => validityBitmap(op.value)).reduce(andBitmaps);
  return vectorFromValues(first.value, values, bitmap);
}

/**
 * Runs an element-wise kernel and returns the result in the operands' kind.
 *
 * @param {string} context  the public name, for errors
 * @param {string} cName    the C function, for errors it raises
 * @param {unknown[]} values  one or two operands
 * @param {(c, dtype: number, ptrs: number[], length: bigint, out: number) => number} call
 *   calls the export and returns its rt_status
 */
export function elementwise(context, cName, values, call) {
  const operands = values.map((value, i) => operand(value, context, values.length === 1 ? 'x' : ['y', 'x'][i]));
  checkSameOperands(operands, context);
  const [{ kind, dtype, Ctor, length, shape }] = operands;
  const c = requireCore(context);
  const nbytes = length * Ctor.BYTES_PER_ELEMENT;

  if (kind === 'tensor') {
    // The output buffer becomes the result tensor: it outlives the call unless the call fails.
    const out = nbytes === 0 ? 0 : poolAlloc(c, nbytes);
    try {
      const ptrs = operands.map((op) => stage(c, op, null));
      check(c, call(c, dtype, ptrs, BigInt(length), out), cName);
    } catch (error) {
      poolFree(c, out);
      throw error;
    }
    return adoptTensor(c, out, shape);
  }
  return withPoolBuffers(c, (alloc) => {
    const ptrs = operands.map((op) => stage(c, op, alloc));
    const out = alloc(nbytes);
    check(c, call(c, dtype, ptrs, BigInt(length), out), cName);
    return wrapResult(operands, copyOut(c, out, Ctor, length));
  });
}
