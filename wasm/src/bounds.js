/**
 * The bounds check in front of every export: a pointer argument whose bytes
 * do not lie inside linear memory is a ValidationError WasmError before the
 * C function runs, never a trap or a read past the end of memory.
 *
 * The table of which bytes each pointer reaches is built from the C headers
 * (rt_pandas/_spans.py) and stored in the module's custom section
 * `rt_pointer_spans` by wasm/build.py; the Python wasm backend reads the same
 * section, so both bindings check the same thing.
 */
import { configurationError, validationError } from './errors.js';

export const SPANS_SECTION = 'rt_pointer_spans';

/** enum rt_dtype -> element size. */
const DTYPE_BYTES = Object.freeze({ 1: 4n, 2: 8n, 3: 4n, 4: 8n, 5: 1n });

/** The span table of a compiled module. */
export function readSpans(module) {
  const sections = WebAssembly.Module.customSections(module, SPANS_SECTION);
  if (sections.length !== 1) {
    throw configurationError(`rt_core.wasm has no ${SPANS_SECTION} section; rebuild it with python3 wasm/build.py`, 'init');
  }
  return JSON.parse(new TextDecoder().decode(sections[0]));
}

const toBig = (value) => (typeof value === 'bigint' ? value : BigInt(Math.trunc(Number(value) || 0)));

/** Bytes a span expression gives ('offset+length*#dtype', 'bits(offset+length)', '64', ...). */
function spanBytes(expression, named) {
  const sum = (terms) => terms.split('+').reduce((acc, t) => acc + (/^\d+$/.test(t) ? BigInt(t) : toBig(named[t])), 0n);
  let total = 1n;
  for (const factor of expression.split('*')) {
    if (factor.startsWith('bits(')) total *= (sum(factor.slice(5, -1)) + 7n) / 8n;
    else if (factor.startsWith('#')) total *= DTYPE_BYTES[Number(named[factor.slice(1)])] ?? 0n;
    else total *= sum(factor);
  }
  return total;
}

/** A function that checks `fn`'s pointer arguments against `memory`, then calls it. */
function guarded(name, fn, memory, { params, pointers }) {
  const constant = pointers.every(([, , span]) => /^\d+$/.test(span));
  const check = (args) => {
    const size = BigInt(memory.buffer.byteLength);
    let named = null;
    for (const [index, param, span] of pointers) {
      const address = BigInt((args[index] ?? 0) >>> 0);
      if (address === 0n) continue; // NULL: the C function judges whether it may be
      let nbytes;
      if (constant || /^\d+$/.test(span)) nbytes = BigInt(span);
      else {
        named ??= Object.fromEntries(params.map((p, i) => [p, args[i]]));
        nbytes = spanBytes(span, named);
      }
      if (nbytes < 0n || address + nbytes > size) {
        throw validationError(
          `${param} (0x${address.toString(16)} + ${nbytes} bytes) falls outside linear memory (${size} bytes)`,
          name,
        );
      }
    }
  };
  const wrapper = (...args) => {
    check(args);
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
