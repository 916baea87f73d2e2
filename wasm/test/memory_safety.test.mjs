// Memory, failure injection and hostile pointers over every Wasm class and function (issue 11):
// - every method under a failing N-th pool allocation throws a MemoryError WasmError, leaves
//   the pool's bytes in use where they were, and the next call gives the same answer;
// - 100,000 calls of the C entry points and 1,000 create/free cycles of every class leak nothing;
// - pointers and lengths outside linear memory are refused with a WasmError before a kernel reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as arrow from 'apache-arrow';

import init, {
  MemoryManager,
  WasmAdvancedMath,
  WasmAnomalyDetector,
  WasmCenterCrop,
  WasmError,
  WasmNormalize,
  WasmQualityMetrics,
  WasmResize,
  WasmTensor,
  WasmTransformPipeline,
  clamp,
} from '../index.js';
import { poolStats, ready, uniform } from './helpers.mjs';

const exports = await ready;

const VALUES = uniform(Float64Array, 64, -3, 3, 7);
VALUES[5] = 25;
const VALUES32 = Float32Array.from(VALUES);
const POSITIVE = VALUES.map((v) => Math.abs(v) + 0.25);
const UNIT = VALUES.map((v) => Math.max(-0.99, Math.min(0.99, v / 4)));
const WITH_NULLS = Array.from(VALUES, (v, i) => (i % 9 === 4 ? null : v));
const ARROW = arrow.vectorFromArray(WITH_NULLS, new arrow.Float64());
const IMAGE = uniform(Float32Array, 8 * 8 * 3, 0, 1, 3);

/** Runs `body(keep)`; everything passed to keep() is freed afterwards, whether body threw or not. */
function scoped(body) {
  const owned = [];
  const keep = (object) => {
    owned.push(object);
    return object;
  };
  try {
    return body(keep);
  } finally {
    for (const object of owned.reverse()) object.free();
  }
}

/** A result as plain data: typed arrays and tensors as arrays, NaN as null. */
function plain(value) {
  if (value instanceof WasmTensor) return { data: plain(value.data()), shape: value.shape() };
  if (ArrayBuffer.isView(value)) return Array.from(value, (v) => (Number.isNaN(v) ? null : v));
  if (value && typeof value.toArray === 'function') return plain(Array.from(value));
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'throughput').map(([k, v]) => [k, plain(v)]));
  }
  if (typeof value === 'string' && value.startsWith('{')) return plain(JSON.parse(value));
  return Number.isNaN(value) ? null : value;
}

const tensor = (keep, data = VALUES32, shape = [data.length]) => keep(new WasmTensor(data, shape));
const image = (keep) => tensor(keep, IMAGE, [8, 8, 3]);
const mathOf = (keep) => keep(new WasmAdvancedMath());

const UNARY = ['sinh', 'cosh', 'tanh', 'asin', 'acos', 'atan', 'exp', 'expm1', 'log', 'log1p', 'erf', 'erfc', 'gamma'];
const QUALITY = ['completeness', 'validity', 'uniqueness', 'consistency'];

/** Every JS entry point that reaches the core, on a small valid input: [name, () => plain result]. */
const CALLS = [
  ['clamp Float64Array', () => plain(clamp(VALUES, -1, 1))],
  ['clamp Arrow', () => plain(clamp(ARROW, -1, 1))],
  ['clamp WasmTensor', () => scoped((keep) => plain(keep(clamp(tensor(keep), -1, 1))))],
  ['WasmTensor', () => scoped((keep) => plain(tensor(keep, [1, 2, 3, 4, 5, 6], [2, 3])))],
  ...UNARY.map((name) => [
    `WasmAdvancedMath.${name}`,
    () => scoped((keep) => {
      const x = name === 'log' || name === 'gamma' ? POSITIVE : UNIT;
      return [plain(mathOf(keep)[name](x)), plain(keep(mathOf(keep)[name](tensor(keep, Float32Array.from(x)))))];
    }),
  ]),
  ['WasmAdvancedMath.atan2', () => scoped((keep) => plain(mathOf(keep).atan2(VALUES, UNIT)))],
  ['WasmAdvancedMath.atan2 Arrow', () => scoped((keep) => plain(mathOf(keep).atan2(ARROW, ARROW)))],
  ['WasmAdvancedMath.clamp', () => scoped((keep) => plain(keep(mathOf(keep).clamp(tensor(keep), -1, 1))))],
  ['WasmAdvancedMath.pow', () => scoped((keep) => plain(mathOf(keep).pow(POSITIVE, 1.5)))],
  ['WasmAdvancedMath.sinh Arrow', () => scoped((keep) => plain(mathOf(keep).sinh(ARROW)))],
  ...QUALITY.map((name) => [
    `WasmQualityMetrics.${name}`,
    () => scoped((keep) => [keep(new WasmQualityMetrics(0.8))[name](WITH_NULLS), keep(new WasmQualityMetrics(0.8))[name](ARROW)]),
  ]),
  ['WasmQualityMetrics.accuracy', () => scoped((keep) => keep(new WasmQualityMetrics(0.8)).accuracy(VALUES, -2, 2))],
  ['WasmQualityMetrics.overall_quality', () =>
    scoped((keep) => keep(new WasmQualityMetrics(0.8)).overall_quality(WITH_NULLS, { range: [-2, 2] }))],
  ['WasmQualityMetrics.quality_report', () =>
    scoped((keep) => plain(keep(new WasmQualityMetrics(0.8)).quality_report(ARROW, { range: [-2, 2], name: 't' })))],
  ...['zscore', 'iqr', 'mad'].map((method) => [
    `WasmAnomalyDetector.detect_statistical ${method}`,
    () => scoped((keep) => {
      const detector = keep(new WasmAnomalyDetector(2.5, 8));
      return [plain(detector.detect_statistical(WITH_NULLS, { method })),
        plain(detector.statistical_scores(ARROW, { method }))];
    }),
  ]),
  ['WasmAnomalyDetector.detect_isolation_forest', () => scoped((keep) => {
    const detector = keep(new WasmAnomalyDetector(2.5, 8));
    return [plain(detector.detect_isolation_forest(VALUES, 8, { seed: 3 })),
      plain(detector.detect_isolation_forest(VALUES, 8, { seed: 3, all_scores: true }))];
  })],
  ['WasmAnomalyDetector.detect_realtime', () => scoped((keep) => {
    const detector = keep(new WasmAnomalyDetector(2.5, 8));
    const records = Array.from(VALUES.subarray(0, 20), (v) => plain(detector.detect_realtime(v)));
    detector.set_threshold(2);
    return [records, plain(detector.detect_realtime(40)), plain(detector.get_statistics())];
  })],
  ['WasmNormalize', () => scoped((keep) => plain(keep(keep(new WasmNormalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25])).apply(image(keep)))))],
  ['WasmResize', () => scoped((keep) => plain(keep(keep(new WasmResize(5, 3, 'bilinear')).apply(image(keep)))))],
  ['WasmResize area', () => scoped((keep) => plain(keep(keep(new WasmResize(4, 4, 'area')).apply(image(keep)))))],
  ['WasmCenterCrop', () => scoped((keep) => plain(keep(keep(new WasmCenterCrop(4, 6)).apply(image(keep)))))],
  ['WasmTransformPipeline', () => scoped((keep) => {
    const pipeline = keep(new WasmTransformPipeline(true));
    pipeline.add_transform('resize:4x4:bilinear');
    pipeline.add_transform('center_crop:2x2');
    pipeline.add_transform(keep(new WasmNormalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25])));
    const input = image(keep);
    return [plain(keep(pipeline.execute(input))), plain(keep(pipeline.execute(input)))]; // the second is cached
  })],
];

const failAfter = (n) => exports.rt_pool_fail_after(BigInt(n));

function allocationsOf(call) {
  const before = poolStats().allocations;
  call();
  return poolStats().allocations - before;
}

test('every failing allocation of every call throws a MemoryError and leaks nothing', () => {
  let failures = 0;
  for (const [name, call] of CALLS) {
    const expected = call();
    const count = allocationsOf(call);
    if (process.env.RT_VERBOSE) console.log(name, count);
    assert.equal(allocationsOf(call), count, `${name}: allocations vary from call to call`);
    const before = poolStats().bytes_in_use;
    for (let n = 1; n <= count; n++) {
      failAfter(n);
      try {
        assert.throws(call, (error) => {
          assert.ok(error instanceof WasmError, `${name} #${n}: not a WasmError: ${error?.stack ?? error}`);
          assert.equal(error.error_type, 'MemoryError', `${name} #${n}: ${error.message}`);
          return true;
        }, `${name}: failing allocation ${n} of ${count} did not throw`);
      } finally {
        failAfter(0);
      }
      failures++;
      assert.equal(poolStats().bytes_in_use, before, `${name}: allocation ${n} of ${count} failed and leaked`);
      assert.deepEqual(call(), expected, `${name}: the call after failing allocation ${n} differs`);
    }
  }
  assert.ok(failures > 100, `only ${failures} failures injected`);
  console.log(`# ${failures} failing allocations injected over ${CALLS.length} calls`);
});

test('every public call, repeated, leaves the pool where it was', () => {
  for (const [, call] of CALLS) call();
  const before = poolStats().bytes_in_use;
  const rss = process.memoryUsage().rss;
  for (let pass = 0; pass < 100; pass++) for (const [, call] of CALLS) call();
  assert.equal(poolStats().bytes_in_use, before);
  assert.ok(process.memoryUsage().rss - rss < 20 * 2 ** 20, 'RSS grew by 20 MiB or more');
});

test('100,000 calls of the C entry points leave the pool and linear memory where they were', () => {
  // Straight into the exports, as the classes call them: clamp, a unary kernel, a quality count,
  // the statistical detector and a transform, on buffers staged once.
  const c = exports;
  const { out: scratchOut, err } = { out: c.rt_binding_scratch() + 512, err: c.rt_binding_scratch() };
  const alloc = (nbytes) => {
    assert.equal(c.rt_pool_alloc(BigInt(nbytes), scratchOut, err), 0);
    return new DataView(c.memory.buffer).getUint32(scratchOut, true);
  };
  const n = 64;
  const data = alloc(8 * n);
  const out = alloc(8 * n);
  const flags = alloc(n);
  const summary = alloc(128);
  const pixels = alloc(4 * 8 * 8 * 3);
  const resized = alloc(4 * 4 * 4 * 3);
  new Float64Array(c.memory.buffer, data, n).set(VALUES);
  new Float32Array(c.memory.buffer, pixels, 8 * 8 * 3).set(IMAGE);
  const before = poolStats().bytes_in_use;
  const pages = c.memory.buffer.byteLength;
  let status = 0;
  for (let i = 0; i < 100_000; i++) {
    status |= c.rt_math_clamp(2, data, 0n, BigInt(n), -1, 1, out, err);
    status |= c.rt_math_tanh(2, data, 0n, BigInt(n), out, err);
    status |= c.rt_quality_count_values(2, data, 0, 0n, BigInt(n), summary, err);
    status |= c.rt_anomaly_statistical(3, 3.5, 2, data, 0, 0n, BigInt(n), out, flags, summary, err);
    status |= c.rt_transform_resize(1, pixels, 1n, 8n, 8n, 3n, 0, 4n, 4n, 1, resized, err);
  }
  assert.equal(status, 0);
  assert.equal(poolStats().bytes_in_use, before);
  assert.equal(c.memory.buffer.byteLength, pages, 'linear memory grew');
  for (const ptr of [data, out, flags, summary, pixels, resized]) assert.equal(c.rt_pool_free(ptr, err), 0);
});

test('1,000 create/free cycles of every class leave the pool where it was', () => {
  const CLASSES = {
    WasmTensor: () => new WasmTensor(VALUES32.subarray(0, 12), [3, 4]),
    WasmAdvancedMath: () => new WasmAdvancedMath(),
    WasmNormalize: () => new WasmNormalize([0.5], [0.5]),
    WasmResize: () => new WasmResize(4, 4),
    WasmCenterCrop: () => new WasmCenterCrop(2, 2),
    WasmTransformPipeline: () => {
      const pipeline = new WasmTransformPipeline(true);
      pipeline.add_transform('resize:4x4');
      scoped((keep) => keep(pipeline.execute(image(keep))));
      return pipeline;
    },
    WasmQualityMetrics: () => new WasmQualityMetrics(0.8),
    WasmAnomalyDetector: () => {
      const detector = new WasmAnomalyDetector(3, 4);
      for (const v of VALUES.subarray(0, 8)) detector.detect_realtime(v);
      return detector;
    },
  };
  for (const [name, make] of Object.entries(CLASSES)) {
    make().free();
    const before = poolStats().bytes_in_use;
    for (let i = 0; i < 1000; i++) make().free();
    assert.equal(poolStats().bytes_in_use, before, name);
  }
});

test('the memory manager reports the calls of this file consistently', () => {
  const stats = poolStats();
  assert.equal(stats.allocations, stats.hits + stats.misses);
  MemoryManager.reset_stats();
  assert.equal(poolStats().allocations, 0);
});

test('pointers and lengths outside linear memory are refused before the kernel reads them', () => {
  const c = exports;
  const err = c.rt_binding_scratch();
  const size = c.memory.buffer.byteLength;
  const buffer = (() => {
    assert.equal(c.rt_pool_alloc(64n, err + 512, err), 0);
    return new DataView(c.memory.buffer).getUint32(err + 512, true);
  })();
  const before = poolStats();
  const cases = [
    ['a pointer past the end', () => c.rt_math_clamp(2, size + 64, 0n, 8n, 0, 1, buffer, err), 'rt_math_clamp'],
    ['a negative (wrapped) pointer', () => c.rt_math_clamp(2, -64, 0n, 8n, 0, 1, buffer, err), 'rt_math_clamp'],
    ['a length past the end', () => c.rt_math_clamp(2, buffer, 0n, BigInt(size), 0, 1, buffer, err), 'rt_math_clamp'],
    ['an offset past the end', () => c.rt_math_tanh(2, buffer, 2n ** 40n, 1n, buffer, err), 'rt_math_tanh'],
    ['a validity bitmap past the end', () =>
      c.rt_quality_count_values(2, buffer, size - 1, 0n, 64n, buffer, err), 'rt_quality_count_values'],
    ['an out-parameter past the end', () => c.rt_pool_get_stats(size - 8), 'rt_pool_get_stats'],
    ['an rt_error past the end', () => c.rt_math_clamp(2, buffer, 0n, 1n, 0, 1, buffer, size - 4), 'rt_math_clamp'],
    ['a matrix past the end', () =>
      c.rt_iforest_fit(buffer, 1n << 20n, 8n, 4, 16n, 1n, err + 512, err), 'rt_iforest_fit'],
    ['serialised bytes past the end', () =>
      c.rt_anomaly_detector_deserialize(buffer, BigInt(size), err + 512, err), 'rt_anomaly_detector_deserialize'],
    ['a handle past the end', () => c.rt_iforest_free(size + 4096, err), 'rt_iforest_free'],
    ['a pool free past the end', () => c.rt_pool_free(size + 64, err), 'rt_pool_free'],
  ];
  for (const [what, call, context] of cases) {
    assert.throws(call, (error) => {
      assert.ok(error instanceof WasmError, `${what}: ${error?.stack ?? error}`);
      assert.equal(error.error_type, 'ValidationError', what);
      assert.equal(error.context, context, what);
      assert.match(error.message, /outside linear memory/, what);
      return true;
    }, what);
  }
  assert.deepEqual(poolStats(), before, 'nothing ran');
  assert.equal(c.rt_math_clamp(2, buffer, 0n, 8n, 0, 1, buffer, err), 0, 'a call inside memory works');
  assert.equal(c.rt_pool_free(buffer, err), 0);
});

test('a maximum memory makes allocation fail with a MemoryError, not a trap, and the instance lives on', async () => {
  const c = await init(undefined, { maxMemoryBytes: exports.memory.buffer.byteLength + 4 * 2 ** 20 });
  try {
    const big = new Float64Array(2 ** 20); // 8 MiB: past the cap
    assert.throws(() => clamp(big, 0, 1), (error) => {
      assert.ok(error instanceof WasmError, String(error));
      assert.equal(error.error_type, 'MemoryError', error.message);
      return true;
    });
    const bigger = new Float32Array(4 * 2 ** 20); // 16 MiB
    assert.throws(() => new WasmTensor(bigger, [bigger.length]), (error) => error.error_type === 'MemoryError');
    assert.deepEqual(Array.from(clamp(new Float64Array([-1, 0.5, 2]), 0, 1)), [0, 0.5, 1]); // small calls still work
    assert.equal(poolStats().allocations, poolStats().hits + poolStats().misses);
  } finally {
    await init(undefined, { maxMemoryBytes: 0 });
  }
  const big = new Float64Array(2 ** 20);
  assert.equal(clamp(big, 0, 1).length, big.length, 'without the cap the same call works');
  assert.equal(c, exports);
  await assert.rejects(init(undefined, { maxMemoryBytes: -1 }), (error) => error.error_type === 'ValidationError');
});
