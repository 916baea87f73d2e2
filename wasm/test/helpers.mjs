// Shared by the node tests: the module loaded once, deterministic samples, ULP distances.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import init, { MemoryManager, WasmError } from '../index.js';

const packaged = new URL('../rt_core.wasm', import.meta.url);
export const WASM_URL = existsSync(packaged) ? packaged : new URL('../../rt_pandas/rt_core.wasm', import.meta.url);

export const ready = init();

/** Pool statistics as an object. */
export const poolStats = () => JSON.parse(MemoryManager.get_stats());

/** Deterministic values in [lo, hi) (an LCG, so runs are repeatable). */
export function uniform(Ctor, n, lo, hi, seed = 1) {
  let s = seed >>> 0;
  const out = new Ctor(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + (hi - lo) * (s / 2 ** 32);
  }
  return out;
}

/** Distance in units in the last place between two floats of one type (0 for two NaNs). */
export function ulps(a, b, f32) {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return 0;
  const order = (x) => {
    if (f32) {
      const i = new Int32Array(new Float32Array([x]).buffer)[0];
      return i < 0 ? -2147483648 - i : i;
    }
    const i = new BigInt64Array(new Float64Array([x]).buffer)[0];
    return Number(i < 0n ? -9223372036854775808n - i : i);
  };
  return Math.abs(order(a) - order(b));
}

/** Asserts every actual[i] is within `bound` ULPs of expected[i]. */
export function assertUlps(actual, expected, bound, message) {
  const f32 = actual instanceof Float32Array;
  assert.equal(actual.length, expected.length, message);
  for (let i = 0; i < expected.length; i++) {
    const e = f32 ? Math.fround(expected[i]) : expected[i];
    const d = ulps(actual[i], e, f32);
    assert.ok(d <= bound, `${message}: [${i}] ${actual[i]} vs ${e}: ${d} ulps > ${bound}`);
  }
}

/** Asserts `fn` throws a WasmError of `type` (and context, when given). */
export function assertWasmError(fn, type, context) {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof WasmError, `expected a WasmError, got ${error?.stack ?? error}`);
    assert.equal(error.error_type, type, error.message);
    if (context !== undefined) assert.equal(error.context, context, error.message);
    assert.ok(error.message.length > 0);
    return true;
  });
}
