/**
 * The bounds check in front of every export: a pointer argument whose bytes
 * do not lie inside linear memory is a ValidationError WasmError before the
 * C function runs, never a trap or a read past the end of memory.
 *
 * The table of which bytes each pointer reaches is built from the C headers
 * (rt_pandas/_spans.py) and stored in the module's custom section
 * `rt_pointer_spans` by wasm/build.py; the Python wasm backend reads the same
 * section, so both bindings check the same thing. A negative size or one
 * past int64 is left to the core, which refuses those itself (natively too).
 */
import { configurationError, validationError } from './errors.js';

export const SPANS_SECTION = 'rt_pointer_spans';

/** enum rt_dtype -> element size. */
const DTYPE_BYTES = Object.freeze({ 1: 4, 2: 8, 3: 4, 4: 8, 5: 1 });

/** The span table of a compiled module. */
export function readSpans(module) {
  const sections = WebAssembly.Module.customSections(module, SPANS_SECTION);
  if (sections.length !== 1) {
    throw configurationError(`rt_core.wasm has no ${SPANS_SECTION} section; rebuild it with python3 wasm/build.py`, 'init');
  }
  return JSON.parse(new TextDecoder().decode(sections[0]));
}

/**
 * A span expression ('offset+length*#dtype', 'bits(offset+length)', '64') compiled to
 * `(args) => bytes` (or the number itself for a constant). Numbers, not BigInt: a product past 2**53 is inexact but still far
 * beyond any 32-bit memory, so the comparison stays right.
 */
function compileSpan(expression, params) {
  if (/^\d+$/.test(expression)) return Number(expression);
  const arg = (name) => {
    const index = params.indexOf(name);
    return (args) => Number(args[index] ?? 0);
  };
  const sum = (terms) => {
    const parts = terms.split('+').map((t) => (/^\d+$/.test(t) ? () => Number(t) : arg(t)));
    return (args) => parts.reduce((acc, part) => acc + part(args), 0);
  };
  const factors = expression.split('*').map((factor) => {
    if (factor.startsWith('bits(')) {
      const bits = sum(factor.slice(5, -1));
      return (args) => Math.ceil(bits(args) / 8);
    }
    if (factor.startsWith('#')) {
      const dtype = arg(factor.slice(1));
      return (args) => DTYPE_BYTES[dtype(args)] ?? 0;
    }
    return sum(factor);
  });
  return (args) => {
    let total = 1;
    for (let i = 0; i < factors.length; i++) total *= factors[i](args);
    return total;
  };
}

/** A function that checks `fn`'s pointer arguments against `memory`, then calls it. */
function guarded(name, fn, memory, { params, pointers }) {
  const checks = pointers.map(([index, param, span]) => [index, param, compileSpan(span, params)]);
  const reaches = new Array(checks.length);
  const wrapper = (...args) => {
    let count = 0;
    for (let i = 0; i < checks.length; i++) {
      const [index, , bytes] = checks[i];
      const address = (args[index] ?? 0) >>> 0;
      if (address === 0) continue; // NULL: the C function judges whether it may be
      const nbytes = typeof bytes === 'number' ? bytes : bytes(args);
      if (!(nbytes >= 0 && nbytes < 2 ** 63)) return fn(...args); // negative or past int64: the core refuses it
      reaches[count++] = [i, address, nbytes];
    }
    const size = memory.buffer.byteLength;
    for (let k = 0; k < count; k++) {
      const [i, address, nbytes] = reaches[k];
      if (address + nbytes > size) {
        throw validationError(
          `${checks[i][1]} (0x${address.toString(16)} + ${nbytes} bytes) falls outside linear memory (${size} bytes)`,
          name,
        );
      }
    }
    return fn(...args);
  };
  Object.defineProperty(wrapper, 'length', { value: fn.length });
  Object.defineProperty(wrapper, 'name', { value: name });
  return wrapper;
}

/** The instance's exports with every function that takes pointers behind the bounds check. */
export function guardExports(exports, module) {
  const spans = readSpans(module);
  const out = {};
  for (const [name, value] of Object.entries(exports)) {
    out[name] = typeof value === 'function' && spans[name] ? guarded(name, value, exports.memory, spans[name]) : value;
  }
  return Object.freeze(out);
}
