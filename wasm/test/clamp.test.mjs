// Tests of the JS binding: loading, clamp against a JS reference, errors,
// the pool and versions. Run with `node --test wasm/test/` (no npm deps).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';

import init, {
  clamp,
  MemoryManager,
  WasmError,
  simdLevel,
  wasm_core_version,
  wasm_advanced_math_version,
  wasm_quality_metrics_version,
  wasm_anomaly_detection_version,
  wasm_transforms_version,
} from '../index.js';

const packaged = new URL('../rt_core.wasm', import.meta.url);
const WASM_URL = existsSync(packaged) ? packaged : new URL('../../rt_pandas/rt_core.wasm', import.meta.url);

/** The reference: Math.min(Math.max(x, lo), hi), NaN kept; float32 bounds rounded. */
function reference(values, lo, hi) {
  const f32 = values instanceof Float32Array;
  const l = f32 ? Math.fround(lo) : lo;
  const h = f32 ? Math.fround(hi) : hi;
  const out = new values.constructor(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    out[i] = Number.isNaN(x) ? NaN : Math.min(Math.max(x, l), h);
  }
  return out;
}

/** Deterministic pseudo-random values with NaN, infinities and signed zeros mixed in. */
function sample(Ctor, n, seed = 1) {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const out = new Ctor(n);
  const specials = [NaN, Infinity, -Infinity, 0, -0, 1e300, -1e300, 1e-310];
  for (let i = 0; i < n; i++) {
    out[i] = rand() < 0.15 ? specials[i % specials.length] : (rand() - 0.5) * 20;
  }
  return out;
}

/**
 * Element-wise equality with NaN equal to NaN and no other tolerance. Zeros
 * compare with ===: the kernel returns x itself when it equals a bound (C
 * comparisons), so -0 clamped to [0, 0] stays -0 where Math.max gives +0.
 */
function assertSameValues(actual, expected, message) {
  assert.equal(actual.constructor, expected.constructor, message);
  assert.equal(actual.length, expected.length, message);
  for (let i = 0; i < expected.length; i++) {
    if (Number.isNaN(expected[i])) {
      assert.ok(Number.isNaN(actual[i]), `${message}: [${i}] should be NaN, got ${actual[i]}`);
    } else {
      assert.ok(actual[i] === expected[i], `${message}: [${i}] of ${actual.length}: ${actual[i]} !== ${expected[i]}`);
    }
  }
}

const stats = () => JSON.parse(MemoryManager.get_stats());

function assertValidationError(fn, context = 'rt_math_clamp') {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof WasmError, `expected WasmError, got ${error}`);
    assert.ok(error instanceof Error);
    assert.equal(error.error_type, 'ValidationError');
    assert.equal(error.context, context);
    assert.ok(error.message.length > 0);
    return true;
  });
}

// Must run first: nothing is loaded yet in this process.
test('calls before init() throw a ConfigurationError', () => {
  for (const fn of [
    () => clamp(new Float64Array([1]), 0, 1),
    () => MemoryManager.get_stats(),
    () => MemoryManager.init_pool(10),
    () => MemoryManager.cache_efficiency(),
    () => MemoryManager.gc(),
    () => wasm_core_version(),
    () => simdLevel(),
  ]) {
    assert.throws(fn, (error) => {
      assert.ok(error instanceof WasmError);
      assert.equal(error.error_type, 'ConfigurationError');
      assert.match(error.message, /init\(\)/);
      return true;
    });
  }
});

test('init() with no argument finds rt_core.wasm', async () => {
  const exports = await init();
  assert.ok(exports.memory instanceof WebAssembly.Memory);
  assert.equal(typeof exports.rt_math_clamp, 'function');
  assert.equal(await init(), exports, 'a second init() reuses the instance');
});

test('init() accepts bytes, a Module, a Response and a URL', async () => {
  const bytes = await readFile(WASM_URL);
  const fromBuffer = await init(bytes); // Node Buffer: a Uint8Array
  assert.equal(typeof fromBuffer.rt_math_clamp, 'function');
  assert.deepEqual(clamp([5], 0, 1), new Float64Array([1]));

  const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  await init(arrayBuffer);
  await init(new Uint8Array(arrayBuffer));
  await init(new WebAssembly.Module(bytes));
  await init(new Response(bytes, { headers: { 'Content-Type': 'application/wasm' } }));
  await init(new Response(bytes)); // no wasm MIME type: compiled from the bytes
  await init(WASM_URL);
  await init(WASM_URL.href);
  assert.deepEqual(clamp(new Float32Array([-3, 0.5, 3]), -1, 1), new Float32Array([-1, 0.5, 1]));
});

test('init() reports a bad source as a WasmError', async () => {
  await assert.rejects(init(new Uint8Array([0, 1, 2, 3])), (error) => {
    assert.ok(error instanceof WasmError);
    assert.equal(error.error_type, 'ConfigurationError');
    assert.equal(error.context, 'init');
    return true;
  });
  await assert.rejects(init(new URL('./does-not-exist.wasm', import.meta.url)), WasmError);
  await assert.rejects(init(42), (error) => error instanceof WasmError && error.error_type === 'ValidationError');
  // The failed calls did not drop the working instance.
  assert.deepEqual(clamp([2], 0, 1), new Float64Array([1]));
});

test('the module has zero imports and the expected exports', async () => {
  const module = await WebAssembly.compile(await readFile(WASM_URL));
  assert.equal(WebAssembly.Module.imports(module).length, 0);
  const names = WebAssembly.Module.exports(module).map((e) => e.name);
  for (const name of ['memory', 'rt_binding_scratch', 'rt_math_clamp', 'rt_pool_alloc', 'rt_pool_free']) {
    assert.ok(names.includes(name), name);
  }
});

test('clamp matches the reference for float64 and float32', () => {
  for (const Ctor of [Float64Array, Float32Array]) {
    // Lengths around the SIMD widths (2 and 4 lanes) and not multiples of 4 or 8.
    for (const n of [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 127, 1000, 1001, 4099]) {
      const values = sample(Ctor, n, n + 7);
      for (const [lo, hi] of [
        [-1, 1],
        [-0.1, 0.3], // not exact in float32: bounds round with Math.fround
        [0, 0],
        [-Infinity, Infinity],
        [-Infinity, 2.5],
        [-2.5, Infinity],
        [1e-320, 1e-300],
      ]) {
        const result = clamp(values, lo, hi);
        assert.notEqual(result, values, 'a new array');
        assertSameValues(result, reference(values, lo, hi), `${Ctor.name} n=${n} [${lo}, ${hi}]`);
      }
    }
  }
});

test('clamp keeps NaN and clamps infinities', () => {
  const f64 = clamp(new Float64Array([NaN, -Infinity, Infinity, 0.25, NaN]), -1, 1);
  assertSameValues(f64, new Float64Array([NaN, -1, 1, 0.25, NaN]), 'float64');
  const f32 = clamp(new Float32Array([NaN, -Infinity, Infinity, 0.1]), 0, 0.2);
  assertSameValues(f32, new Float32Array([NaN, 0, Math.fround(0.2), Math.fround(0.1)]), 'float32');
});

test('clamp handles empty arrays, plain arrays and subarray views', () => {
  assertSameValues(clamp(new Float64Array(0), 0, 1), new Float64Array(0), 'empty f64');
  assertSameValues(clamp(new Float32Array(0), 0, 1), new Float32Array(0), 'empty f32');
  assertSameValues(clamp([], 0, 1), new Float64Array(0), 'empty plain');
  assertSameValues(clamp([-5, 0.5, 5, NaN], 0, 1), new Float64Array([0, 0.5, 1, NaN]), 'plain array');

  const base = sample(Float32Array, 50, 3);
  const view = base.subarray(3, 40); // byteOffset not a multiple of 16
  assertSameValues(clamp(view, -2, 2), reference(view, -2, 2), 'subarray');

  const input = new Float64Array([3, -3]);
  clamp(input, 0, 1);
  assert.deepEqual(input, new Float64Array([3, -3]), 'input is not modified');
});

test('clamp rejects bad bounds with a ValidationError from rt_math_clamp', () => {
  for (const Ctor of [Float64Array, Float32Array]) {
    const values = new Ctor([1, 2, 3]);
    assertValidationError(() => clamp(values, 3, 1));
    assertValidationError(() => clamp(values, NaN, 1));
    assertValidationError(() => clamp(values, 0, NaN));
    assertValidationError(() => clamp(new Ctor(0), 2, 1)); // checked even when empty
  }
  const error = (() => {
    try {
      clamp([1], 2, 1);
    } catch (e) {
      return e;
    }
  })();
  assert.deepEqual(JSON.parse(JSON.stringify(error)), {
    message: error.message,
    error_type: 'ValidationError',
    context: 'rt_math_clamp',
  });
  assert.match(error.message, /lower bound is greater than upper bound/);
});

test('clamp rejects unsupported inputs in JS', () => {
  assertValidationError(() => clamp(new Int32Array([1]), 0, 1), 'clamp');
  assertValidationError(() => clamp(['1'], 0, 1), 'clamp');
  assertValidationError(() => clamp(null, 0, 1), 'clamp');
  assertValidationError(() => clamp([1], '0', 1), 'clamp');
  assertValidationError(() => clamp([1], 0, undefined), 'clamp');
});

test('pool: repeated calls hit the cache and free every buffer', () => {
  MemoryManager.init_pool(64);
  MemoryManager.reset_stats();
  const before = stats();
  assert.equal(before.bytes_in_use, 0);
  for (let i = 0; i < 20; i++) {
    clamp(sample(Float64Array, 1000, i), -1, 1);
    clamp(sample(Float32Array, 100, i), -1, 1);
  }
  const after = stats();
  for (const key of ['small', 'medium', 'large', 'hit_rate', 'memory_saved_bytes']) {
    assert.ok(key in after, key);
  }
  assert.equal(after.allocations, 80); // input + output per call
  assert.ok(after.hits > 0, 'later calls reuse cached buffers');
  assert.ok(after.hits >= 70);
  assert.ok(after.memory_saved_bytes > 0);
  assert.equal(after.frees, after.allocations);
  assert.equal(after.bytes_in_use, 0, 'every buffer returned');
  assert.equal(after.hit_rate, Math.round((10000 * after.hits) / after.allocations) / 100);
  assert.ok(after.medium >= 1 && after.small >= 1, 'cached buffers by category');
  const efficiency = MemoryManager.cache_efficiency();
  assert.ok(efficiency > 0 && efficiency <= 1);
  assert.ok(Math.abs(efficiency * 100 - after.hit_rate) < 0.01);

  // Failing calls free their buffers too.
  assert.throws(() => clamp(new Float64Array(10), 1, 0), WasmError);
  assert.equal(stats().bytes_in_use, 0);

  assert.ok(MemoryManager.gc() > 0, 'gc releases the cached bytes');
  const cleared = stats();
  assert.equal(cleared.cached_bytes, 0);
  assert.equal(cleared.small + cleared.medium + cleared.large, 0);
});

test('pool: limits and switches', () => {
  MemoryManager.init_pool(0); // no caching per category
  MemoryManager.reset_stats();
  clamp(new Float64Array(16), 0, 1);
  clamp(new Float64Array(16), 0, 1);
  assert.equal(stats().hits, 0);
  assert.equal(stats().cached_bytes, 0);

  const { max_cached_bytes } = stats();
  MemoryManager.init_pool(8);
  assert.equal(stats().max_buffers, 8);
  assert.equal(stats().max_cached_bytes, max_cached_bytes, 'byte limit unchanged when omitted');
  MemoryManager.init_pool(8, 1 << 20);
  assert.equal(stats().max_cached_bytes, 1 << 20);

  assert.throws(() => MemoryManager.init_pool(-1), (e) => e.error_type === 'ValidationError' && e.context === 'rt_pool_init');
  assert.throws(() => MemoryManager.init_pool(1.5), (e) => e.error_type === 'ValidationError');

  MemoryManager.set_enabled(false);
  assert.equal(stats().enabled, false);
  MemoryManager.set_enabled(true);
  MemoryManager.init_pool(64, 256 * 1024 * 1024);
  assert.equal(stats().enabled, true);
});

test('clamp survives linear memory growth', async () => {
  const { memory } = await init();
  const sizeBefore = memory.buffer.byteLength;
  const big = sample(Float64Array, 3_000_000, 11); // 24 MB in + 24 MB out: grows memory
  const result = clamp(big, -1, 1);
  assert.ok(memory.buffer.byteLength > sizeBefore, 'memory grew during the call');
  assertSameValues(result, reference(big, -1, 1), 'large float64');
  assert.equal(stats().bytes_in_use, 0);
  MemoryManager.gc();
});

// Regression: pool blocks of a size class that is not a multiple of 64
// (80, 96, 112, 160, 224) must not leave the next block misaligned, or
// rt_pool_free rejects it as foreign. A fresh instance keeps the binding's
// pool out of it.
test('raw pool: odd size classes keep later buffers 64-byte aligned', async () => {
  const { instance: { exports: ex } } = await WebAssembly.instantiate(await readFile(WASM_URL), {});
  const scratch = ex.rt_binding_scratch();
  const alloc = (n) => {
    assert.equal(ex.rt_pool_alloc(BigInt(n), scratch + 512, scratch), 0);
    return new DataView(ex.memory.buffer).getUint32(scratch + 512, true);
  };
  const pointers = [72, 72, 100, 8].map(alloc); // classes 80, 80, 112, 64
  for (const p of pointers) {
    assert.equal(p % 64, 0, `pointer ${p} is 64-byte aligned`);
    assert.equal(ex.rt_pool_free(p, scratch), 0);
  }
});

test('versions and SIMD level', () => {
  assert.equal(wasm_core_version(), '0.1.0');
  assert.equal(wasm_advanced_math_version(), '0.1.0');
  for (const fn of [wasm_quality_metrics_version, wasm_anomaly_detection_version, wasm_transforms_version]) {
    assert.match(fn(), /^\d+\.\d+\.\d+$/);
  }
  assert.equal(simdLevel(), 'wasm-simd128');
});
