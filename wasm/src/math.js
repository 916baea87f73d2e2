/**
 * WasmAdvancedMath and clamp: element-wise kernels of csrc/math over any
 * operand kind (see columns.js).
 *
 * Each unary method is one line naming its C export; a method whose kernel
 * is not in this build of rt_core.wasm (pow is still being written)
 * throws a ConfigurationError saying so, and starts working, with
 * no change here, once a build exports it with the same signature.
 */
import { checkNumber, requireExport } from './core.js';
import { Resource } from './resource.js';
import { elementwise } from './columns.js';

/** rt_math_<f>(dtype, data, offset, length, out, err). */
function unary(context, cName, x) {
  return elementwise(context, cName, [x], (c, dtype, [ptr], length, out) =>
    requireExport(c, cName, 6, context)(dtype, ptr, 0n, length, out, c.errPtr),
  );
}

/** rt_math_<f>(dtype, data, offset, length, double a, [double b,] out, err). */
function withScalars(context, cName, x, scalars) {
  return elementwise(context, cName, [x], (c, dtype, [ptr], length, out) =>
    requireExport(c, cName, 6 + scalars.length, context)(dtype, ptr, 0n, length, ...scalars, out, c.errPtr),
  );
}

/**
 * Element-wise `min(max(x, lower), upper)`; NaN stays NaN. Returns the
 * input's kind (plain arrays give a Float64Array). Float32 inputs use
 * bounds rounded to float32. A ValidationError if `lower > upper` or a
 * bound is NaN.
 *
 * @template T
 * @param {T} values a WasmTensor, Float32Array, Float64Array, number[] or Float32/Float64 Arrow vector
 * @param {number} lower
 * @param {number} upper
 * @returns {T}
 */
export function clamp(values, lower, upper) {
  checkNumber(lower, 'lower', 'clamp');
  checkNumber(upper, 'upper', 'clamp');
  return withScalars('clamp', 'rt_math_clamp', values, [lower, upper]);
}

/**
 * Hyperbolic, inverse trigonometric and special functions, element-wise,
 * within 1 ULP (see docs/math.md). Every method takes a WasmTensor, a
 * Float32Array / Float64Array, a plain array or a Float32 / Float64 Arrow
 * vector and returns the same kind.
 *
 *     const math = new WasmAdvancedMath();
 *     const t = math.tanh(new WasmTensor([0, 1, 2], [3]));
 *     t.data();  // Float32Array [0, 0.7615942, 0.9640276]
 *     t.free(); math.free();
 */
export class WasmAdvancedMath {
  #resource;

  constructor() {
    // Holds no linear memory, but follows the same free() rules as every class.
    this.#resource = new Resource(this, null, 0, null, 'WasmAdvancedMath');
  }

  /** The context name of a method, after checking the object was not freed. */
  #live(name) {
    const context = `WasmAdvancedMath.${name}`;
    this.#resource.live(context);
    return context;
  }

  sinh(x) { return unary(this.#live('sinh'), 'rt_math_sinh', x); }
  cosh(x) { return unary(this.#live('cosh'), 'rt_math_cosh', x); }
  tanh(x) { return unary(this.#live('tanh'), 'rt_math_tanh', x); }
  asin(x) { return unary(this.#live('asin'), 'rt_math_asin', x); }
  acos(x) { return unary(this.#live('acos'), 'rt_math_acos', x); }
  atan(x) { return unary(this.#live('atan'), 'rt_math_atan', x); }
  exp(x) { return unary(this.#live('exp'), 'rt_math_exp', x); }
  expm1(x) { return unary(this.#live('expm1'), 'rt_math_expm1', x); }
  log(x) { return unary(this.#live('log'), 'rt_math_log', x); }
  log1p(x) { return unary(this.#live('log1p'), 'rt_math_log1p', x); }
  erf(x) { return unary(this.#live('erf'), 'rt_math_erf', x); }
  erfc(x) { return unary(this.#live('erfc'), 'rt_math_erfc', x); }
  gamma(x) { return unary(this.#live('gamma'), 'rt_math_gamma', x); }

  /** atan2(y, x) in [-pi, pi]; y and x of one kind, type and shape. */
  atan2(y, x) {
    const context = this.#live('atan2');
    return elementwise(context, 'rt_math_atan2', [y, x], (c, dtype, [yPtr, xPtr], length, out) =>
      c.exports.rt_math_atan2(dtype, yPtr, 0n, xPtr, 0n, length, out, c.errPtr),
    );
  }

  /** min(max(x, min), max); NaN stays NaN; min > max or a NaN bound is a ValidationError. */
  clamp(x, min, max) {
    const context = this.#live('clamp');
    checkNumber(min, 'min', context);
    checkNumber(max, 'max', context);
    return withScalars(context, 'rt_math_clamp', x, [min, max]);
  }

  /** base ** exponent, element-wise (rt_math_pow; not in this build until the kernel lands). */
  pow(base, exponent) {
    const context = this.#live('pow');
    checkNumber(exponent, 'exponent', context);
    return withScalars(context, 'rt_math_pow', base, [exponent]);
  }

  /** Marks the object freed; later calls throw a WasmError. */
  free() {
    this.#resource.free();
  }
}
