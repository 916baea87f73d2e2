// WasmNormalize, WasmResize, WasmCenterCrop and WasmTransformPipeline against JS references.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  WasmTensor,
  WasmNormalize,
  WasmResize,
  WasmCenterCrop,
  WasmTransformPipeline,
  register_transform,
  registered_transforms,
} from '../index.js';
import { ready, uniform, assertWasmError, poolStats } from './helpers.mjs';

await ready;

/** Element (h, w, c) of an HWC image batch n. */
const at = (values, [H, W, C], n, h, w, c) => values[((n * H + h) * W + w) * C + c];

function assertClose(actual, expected, tolerance, message) {
  assert.equal(actual.length, expected.length, message);
  for (let i = 0; i < expected.length; i++) {
    const ok = Number.isNaN(expected[i]) ? Number.isNaN(actual[i]) : Math.abs(actual[i] - expected[i]) <= tolerance;
    assert.ok(ok, `${message}: [${i}] ${actual[i]} vs ${expected[i]}`);
  }
}

test('normalize: (x - mean[c]) / std[c] per channel, HWC and CHW, broadcast single values', () => {
  const [H, W, C] = [5, 7, 3];
  const values = uniform(Float32Array, H * W * C, 0, 1, 9);
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  const hwc = new WasmTensor(values, [H, W, C]);
  const norm = new WasmNormalize(mean, std);
  const out = norm.apply(hwc);
  assert.deepEqual(out.shape(), [H, W, C]);
  assertClose(out.data(), Array.from(values, (v, i) => (v - mean[i % C]) / std[i % C]), 1e-6, 'HWC');

  const chw = new WasmTensor(values, [C, H, W]);
  const normChw = new WasmNormalize(mean, std, { layout: 'CHW' });
  const outChw = normChw.apply(chw);
  const plane = H * W;
  assertClose(outChw.data(), Array.from(values, (v, i) => (v - mean[Math.floor(i / plane)]) / std[Math.floor(i / plane)]), 1e-6, 'CHW');

  const single = new WasmNormalize(0.5, [0.25]);
  const outSingle = single.apply(hwc);
  assertClose(outSingle.data(), Array.from(values, (v) => (v - 0.5) / 0.25), 1e-6, 'broadcast');

  const scaled = new WasmNormalize([0], [1], { pixel_scale: 1 / 255 });
  const pixels = new WasmTensor([0, 255, 51], [1, 3]);
  const outScaled = scaled.apply(pixels);
  assertClose(outScaled.data(), [0, 1, 0.2], 1e-7, 'pixel_scale');

  const nan = new WasmTensor([NaN, 1], [1, 2]);
  const outNan = single.apply(nan);
  assert.ok(Number.isNaN(outNan.data()[0]), 'NaN propagates');
  [hwc, out, chw, outChw, outSingle, pixels, outScaled, nan, outNan, norm, normChw, single, scaled].forEach((x) => x.free());
});

test('normalize rejects bad parameters and shapes', () => {
  for (const fn of [
    () => new WasmNormalize([0.5], [0]),
    () => new WasmNormalize([NaN], [1]),
    () => new WasmNormalize([0.5], [Infinity]),
    () => new WasmNormalize([], [1]),
    () => new WasmNormalize(['0.5'], [1]),
    () => new WasmNormalize([0.5], [1], { layout: 'NHWC' }),
    () => new WasmNormalize([0.5], [1], { pixel_scale: NaN }),
  ]) {
    assertWasmError(fn, 'ValidationError', 'WasmNormalize');
  }
  const norm = new WasmNormalize([0.1, 0.2], [1, 1]);
  const rgb = new WasmTensor(new Float32Array(12), [2, 2, 3]);
  assertWasmError(() => norm.apply(rgb), 'ValidationError', 'WasmNormalize.apply'); // 2 values, 3 channels
  const flat = new WasmTensor(new Float32Array(4), [4]);
  assertWasmError(() => norm.apply(flat), 'ValidationError', 'WasmNormalize.apply'); // rank 1
  assertWasmError(() => norm.apply(new Float32Array(4)), 'ValidationError', 'WasmNormalize.apply');
  const five = new WasmTensor(new Float32Array(32), [2, 2, 2, 2, 2]);
  assertWasmError(() => norm.apply(five), 'ValidationError');
  [norm, rgb, flat, five].forEach((x) => x.free());
});

test('resize nearest follows OpenCV: source index floor(d * src / dst)', () => {
  const [H, W, C] = [7, 9, 2];
  const values = uniform(Float32Array, 2 * H * W * C, -1, 1, 4);
  const batch = new WasmTensor(values, [2, H, W, C]);
  for (const [h, w] of [[3, 4], [7, 9], [14, 5], [1, 1]]) {
    const resize = new WasmResize(h, w, 'nearest');
    const out = resize.apply(batch);
    assert.deepEqual(out.shape(), [2, h, w, C]);
    const expected = [];
    for (let n = 0; n < 2; n++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++)
          for (let c = 0; c < C; c++)
            expected.push(at(values, [H, W, C], n, Math.floor((y * H) / h), Math.floor((x * W) / w), c));
    assert.deepEqual(out.data(), Float32Array.from(expected), `${h}x${w}`);
    out.free();
    resize.free();
  }
  batch.free();
});

test('resize area halves by 2x2 averages; bilinear matches pixel-centre interpolation', () => {
  const [H, W] = [6, 8];
  const values = uniform(Float32Array, H * W, 0, 1, 5);
  const image = new WasmTensor(values, [H, W]);
  const area = new WasmResize(3, 4, 'area');
  const half = area.apply(image);
  assert.deepEqual(half.shape(), [3, 4]);
  const expected = [];
  for (let y = 0; y < 3; y++)
    for (let x = 0; x < 4; x++) {
      const v = (r, c) => values[r * W + c];
      expected.push((v(2 * y, 2 * x) + v(2 * y, 2 * x + 1) + v(2 * y + 1, 2 * x) + v(2 * y + 1, 2 * x + 1)) / 4);
    }
  assertClose(half.data(), expected, 1e-6, 'area');

  const taps = (d, src, dst) => {
    let f = (d + 0.5) * (src / dst) - 0.5;
    let i = Math.floor(f);
    f -= i;
    if (i < 0) [i, f] = [0, 0];
    if (i >= src - 1) [i, f] = [src - 1, 0];
    return [i, Math.min(i + 1, src - 1), f];
  };
  const bilinear = new WasmResize(11, 5, 'bilinear');
  const up = bilinear.apply(image);
  const ref = [];
  for (let y = 0; y < 11; y++)
    for (let x = 0; x < 5; x++) {
      const [y0, y1, fy] = taps(y, H, 11);
      const [x0, x1, fx] = taps(x, W, 5);
      const v = (r, c) => values[r * W + c];
      ref.push((1 - fy) * ((1 - fx) * v(y0, x0) + fx * v(y0, x1)) + fy * ((1 - fx) * v(y1, x0) + fx * v(y1, x1)));
    }
  assertClose(up.data(), ref, 1e-5, 'bilinear');

  const same = new WasmResize(H, W, 'bicubic');
  const copy = same.apply(image);
  assert.deepEqual(copy.data(), values, 'same size copies');
  [image, area, half, bilinear, up, same, copy].forEach((x) => x.free());
});

test('resize CHW keeps planes apart', () => {
  const plane = (k) => Array.from({ length: 16 }, () => k);
  const chw = new WasmTensor([...plane(1), ...plane(2), ...plane(3)], [3, 4, 4]);
  const resize = new WasmResize(2, 2, 'bilinear', { layout: 'CHW' });
  const out = resize.apply(chw);
  assert.deepEqual(out.shape(), [3, 2, 2]);
  assert.deepEqual(Array.from(out.data()), [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
  [chw, resize, out].forEach((x) => x.free());
});

test('resize rejects bad sizes, interpolations and layouts', () => {
  for (const fn of [
    () => new WasmResize(0, 4),
    () => new WasmResize(4, -1),
    () => new WasmResize(2.5, 4),
    () => new WasmResize('4', 4),
    () => new WasmResize(2 ** 31, 4),
    () => new WasmResize(4, 4, 'lanczos'),
    () => new WasmResize(4, 4, 'bilinear', { layout: 'WHC' }),
  ]) {
    assertWasmError(fn, 'ValidationError', 'WasmResize');
  }
});

test('center crop follows torchvision: centred window, zero padding when larger', () => {
  const image = new WasmTensor(Array.from({ length: 25 }, (_, i) => i), [5, 5]);
  const crop = new WasmCenterCrop(3, 1);
  const out = crop.apply(image);
  assert.deepEqual(Array.from(out.data()), [7, 12, 17]);
  const pad = new WasmCenterCrop(7, 6);
  const padded = pad.apply(image);
  assert.deepEqual(padded.shape(), [7, 6]);
  const p = padded.data();
  // (7 - 5) // 2 = 1 row of zeros before, 1 after; (6 - 5) // 2 = 0 columns before, 1 after.
  assert.deepEqual(Array.from(p.subarray(0, 6)), [0, 0, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(p.subarray(6, 12)), [0, 1, 2, 3, 4, 0]);
  assert.deepEqual(Array.from(p.subarray(30, 36)), [20, 21, 22, 23, 24, 0]);
  assert.deepEqual(Array.from(p.subarray(36, 42)), [0, 0, 0, 0, 0, 0]);
  [image, crop, out, pad, padded].forEach((x) => x.free());
});

test('transform objects: name(), key() and use after free()', () => {
  const objects = [new WasmNormalize([0.5], [0.5]), new WasmResize(4, 3, 'area'), new WasmCenterCrop(2, 2)];
  assert.deepEqual(objects.map((t) => t.name()), ['normalize', 'resize', 'center_crop']);
  assert.deepEqual(objects.map((t) => t.key()), ['normalize:0.5:0.5:HWC', 'resize:4x3:area:HWC', 'center_crop:2x2:HWC']);
  const image = new WasmTensor(new Float32Array(16), [4, 4]);
  for (const t of objects) {
    t.free();
    assertWasmError(() => t.apply(image), 'ValidationError');
    assertWasmError(() => t.key(), 'ValidationError');
  }
  image.free();
});

test('pipeline: results equal the transforms applied by hand; the cache serves repeats', () => {
  const values = uniform(Float32Array, 16 * 12 * 3, 0, 1, 3);
  const input = new WasmTensor(values, [16, 12, 3]);
  const pipeline = new WasmTransformPipeline(true);
  pipeline.add_transform('resize:8x6:area');
  pipeline.add_transform('center_crop:4');
  pipeline.add_transform('normalize');

  const steps = [new WasmResize(8, 6, 'area'), new WasmCenterCrop(4, 4), new WasmNormalize()];
  let byHand = input;
  for (const step of steps) {
    const next = step.apply(byHand);
    if (byHand !== input) byHand.free();
    byHand = next;
  }
  const first = pipeline.execute(input);
  assert.deepEqual(first.shape(), [4, 4, 3]);
  assert.deepEqual(first.data(), byHand.data());
  const second = pipeline.execute(input);
  assert.deepEqual(second.data(), byHand.data());
  first.free();
  assert.deepEqual(second.data(), byHand.data(), 'results are the caller\'s: freeing one leaves the cache intact');

  let stats = JSON.parse(pipeline.get_stats());
  assert.equal(stats.calls, 2);
  assert.equal(stats.cache_misses, 3);
  assert.equal(stats.cache_hits, 3);
  assert.equal(stats.cached_entries, 3);
  assert.equal(stats.hit_rate, 0.5);
  assert.deepEqual(stats.transforms.map((t) => t.key), ['resize:8x6:area:HWC', 'center_crop:4x4:HWC',
    'normalize:0.485,0.456,0.406:0.229,0.224,0.225:HWC']);
  assert.deepEqual(stats.transforms.map((t) => t.calls), [1, 1, 1]);

  // A changed input misses; a longer pipeline reuses the cached prefix.
  const other = new WasmTensor(values.map((v) => 1 - v), [16, 12, 3]);
  pipeline.execute(other).free();
  pipeline.add_transform('resize:2x2:nearest');
  pipeline.execute(input).free();
  stats = pipeline.stats();
  assert.equal(stats.calls, 4);
  assert.deepEqual(stats.transforms.map((t) => t.calls), [2, 2, 2, 1]);
  assert.deepEqual(stats.transforms.map((t) => t.hits), [2, 2, 2, 0]);

  pipeline.reset_stats();
  assert.equal(pipeline.stats().calls, 0);
  const before = poolStats().bytes_in_use;
  pipeline.clear_cache();
  assert.ok(poolStats().bytes_in_use < before, 'clear_cache frees the cached tensors');
  assert.equal(pipeline.stats().cached_entries, 0);
  [second, byHand, input, other, pipeline, ...steps].forEach((x) => x.free());
});

test('pipeline without cache, with a small cache bound, and with transform objects', () => {
  const input = new WasmTensor(uniform(Float32Array, 64, 0, 1, 8), [8, 8]);
  const resize = new WasmResize(4, 4, 'area');
  const expected = resize.apply(input);

  const uncached = new WasmTransformPipeline(false);
  uncached.add_transform(resize);
  for (let i = 0; i < 3; i++) {
    const out = uncached.execute(input);
    assert.deepEqual(out.data(), expected.data());
    out.free();
  }
  assert.equal(uncached.stats().cache_hits, 0);
  assert.equal(uncached.stats().cached_entries, 0);

  const small = new WasmTransformPipeline(true, { cache_bytes: 64 }); // one 4x4 float32 result
  small.add_transform('resize:4x4:area');
  small.add_transform('center_crop:2x2');
  const a = small.execute(input);
  const b = small.execute(input);
  assert.deepEqual(a.data(), b.data());
  assert.ok(small.stats().cached_bytes <= 64);

  const empty = new WasmTransformPipeline();
  const copy = empty.execute(input);
  assert.deepEqual(copy.data(), input.data(), 'no transforms: a copy of the input');
  [a, b, copy, expected, input, resize, uncached, small, empty].forEach((x) => x.free());
});

test('pipeline: bad names, arguments and inputs; custom transforms; free()', () => {
  const pipeline = new WasmTransformPipeline(true);
  assertWasmError(() => pipeline.add_transform('blur'), 'ValidationError', 'WasmTransformPipeline.add_transform');
  assertWasmError(() => pipeline.add_transform('resize:abc'), 'ValidationError', 'resize');
  assertWasmError(() => pipeline.add_transform('resize:4x4:cubic'), 'ValidationError', 'WasmResize');
  assertWasmError(() => pipeline.add_transform('normalize:0.5:0'), 'ValidationError', 'WasmNormalize');
  assertWasmError(() => pipeline.add_transform(42), 'ValidationError', 'WasmTransformPipeline.add_transform');
  assertWasmError(() => pipeline.execute(new Float32Array(4)), 'ValidationError', 'WasmTransformPipeline.execute');
  assertWasmError(() => new WasmTransformPipeline(true, { cache_bytes: -1 }), 'ValidationError');

  register_transform('flip_sign', () => ({
    name: () => 'flip_sign',
    key: () => 'flip_sign',
    apply: (t) => new WasmTensor(t.data().map((v) => -v), t.shape()),
  }));
  assert.ok(registered_transforms().includes('flip_sign'));
  pipeline.add_transform('flip_sign');
  const input = new WasmTensor([1, -2], [1, 2]);
  const out = pipeline.execute(input);
  assert.deepEqual(Array.from(out.data()), [-1, 2]);
  assertWasmError(() => register_transform('a:b', () => null), 'ValidationError', 'register_transform');

  const before = poolStats().bytes_in_use;
  pipeline.free();
  assert.ok(poolStats().bytes_in_use < before, 'free() releases the cache');
  pipeline.free();
  assertWasmError(() => pipeline.execute(input), 'ValidationError', 'WasmTransformPipeline.execute');
  assertWasmError(() => pipeline.get_stats(), 'ValidationError');
  input.free();
  assertWasmError(() => new WasmTransformPipeline().execute(input), 'ValidationError');
  out.free();
});

test('1,000 transform and pipeline cycles leave the pool bytes in use where they started', () => {
  const before = poolStats().bytes_in_use;
  for (let i = 0; i < 1000; i++) {
    const t = new WasmTensor(new Float32Array(48).fill(i), [4, 4, 3]);
    const pipeline = new WasmTransformPipeline(i % 2 === 0);
    pipeline.add_transform('resize:2x2:area');
    pipeline.add_transform('normalize');
    pipeline.execute(t).free();
    pipeline.execute(t).free();
    pipeline.free();
    t.free();
  }
  assert.equal(poolStats().bytes_in_use, before);
});

test('outputs too large for wasm32 memory are typed errors, and the module keeps working', () => {
  const t = new WasmTensor(new Float32Array(4), [2, 2]);
  const before = poolStats().bytes_in_use;
  const near = new WasmResize(30000, 30000, 'nearest'); // 3.6 GB: more than the pool can give
  assertWasmError(() => near.apply(t), 'MemoryError', 'rt_pool_alloc');
  const over = new WasmResize(40000, 40000, 'nearest'); // 6.4 GB: beyond wasm32 addresses
  assertWasmError(() => over.apply(t), 'ValidationError', 'WasmResize.apply');
  assert.equal(poolStats().bytes_in_use, before);
  const fine = new WasmResize(2, 3).apply(t);
  assert.deepEqual(fine.shape(), [2, 3]);
  [t, near, over, fine].forEach((x) => x.free());
});

test('a failing step frees the intermediate results of the pipeline', () => {
  register_transform('fail_always', () => ({
    name: () => 'fail_always',
    key: () => 'fail_always',
    apply: () => {
      throw new Error('this step fails');
    },
  }));
  const input = new WasmTensor(new Float32Array(64), [8, 8]);
  const before = poolStats().bytes_in_use;
  for (const cached of [false, true]) {
    const pipeline = new WasmTransformPipeline(cached);
    pipeline.add_transform('resize:4x4:area');
    pipeline.add_transform('fail_always');
    assert.throws(() => pipeline.execute(input), /this step fails/);
    pipeline.free();
  }
  const wrongKind = new WasmTransformPipeline(false);
  wrongKind.add_transform('resize:4x4:area');
  wrongKind.add_transform('resize:2x2:area');
  wrongKind.add_transform({ name: () => 'x', key: () => 'x', apply: () => new Float32Array(4) });
  assertWasmError(() => wrongKind.execute(input), 'ValidationError', 'WasmTransformPipeline.execute');
  wrongKind.free();
  assert.equal(poolStats().bytes_in_use, before);
  input.free();
});
