// WasmTensor and WasmAdvancedMath over tensors, typed arrays, plain arrays and Arrow vectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as arrow from 'apache-arrow';

import { WasmTensor, WasmAdvancedMath, clamp } from '../index.js';
import { ready, uniform, assertUlps, assertWasmError, poolStats } from './helpers.mjs';

await ready;

test('WasmTensor keeps data and shape from every accepted input', () => {
  const cases = [
    [new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]],
    [new Float64Array([1, 2, 3, 4, 5, 6]), [3, 2]],
    [[1, 2, 3, 4, 5, 6], [1, 2, 3]],
    [arrow.vectorFromArray([1, 2, 3, 4, 5, 6], new arrow.Float64()), [6]],
  ];
  for (const [data, shape] of cases) {
    const t = new WasmTensor(data, shape);
    assert.deepEqual(t.data(), new Float32Array([1, 2, 3, 4, 5, 6]));
    assert.deepEqual(t.shape(), shape);
    assert.equal(t.size, 6);
    t.free();
  }
  const flat = new WasmTensor(new Float32Array([7, 8]));
  assert.deepEqual(flat.shape(), [2], 'shape defaults to [length]');
  flat.free();
  const empty = new WasmTensor([], [0, 3]);
  assert.deepEqual(empty.data(), new Float32Array(0));
  empty.free();
});

test('WasmTensor rounds float64 to float32 and copies its input', () => {
  const input = new Float64Array([0.1, 1e300, -1e-300]);
  const t = new WasmTensor(input, [3]);
  assert.deepEqual(t.data(), new Float32Array([Math.fround(0.1), Infinity, -0]));
  const out = t.data();
  out[0] = 42;
  assert.equal(t.data()[0], Math.fround(0.1), 'data() is a copy');
  input[0] = 5;
  assert.equal(t.data()[0], Math.fround(0.1), 'the constructor copied');
  t.free();
});

test('WasmTensor from Arrow: nulls become NaN, any numeric type, sliced and chunked vectors', () => {
  const withNulls = arrow.vectorFromArray([1.5, null, 3, null], new arrow.Float32());
  const a = new WasmTensor(withNulls, [2, 2]);
  assert.deepEqual(Array.from(a.data()), [1.5, NaN, 3, NaN]);
  a.free();

  const ints = arrow.vectorFromArray([1, -2, null, 2 ** 30], new arrow.Int32());
  const b = new WasmTensor(ints);
  assert.deepEqual(Array.from(b.data()), [1, -2, NaN, 2 ** 30]);
  b.free();

  const big = arrow.vectorFromArray([1n, null, -3n], new arrow.Int64());
  const c = new WasmTensor(big);
  assert.deepEqual(Array.from(c.data()), [1, NaN, -3]);
  c.free();

  const base = arrow.vectorFromArray([0, 1, null, 3, 4, null, 6, 7, 8, 9, 10], new arrow.Float64());
  const sliced = base.slice(2, 10); // offset 2 into the bitmap
  const d = new WasmTensor(sliced);
  assert.deepEqual(Array.from(d.data()), [NaN, 3, 4, NaN, 6, 7, 8, 9]);
  d.free();

  const chunked = base.slice(0, 3).concat(base.slice(5, 8));
  assert.equal(chunked.data.length, 2);
  const e = new WasmTensor(chunked);
  assert.deepEqual(Array.from(e.data()), [0, 1, NaN, NaN, 6, 7]);
  e.free();
});

test('WasmTensor rejects bad data and shapes with a ValidationError', () => {
  const bad = [
    () => new WasmTensor([1, 2, 3], [2, 2]),
    () => new WasmTensor([1, 2], [2, -1]),
    () => new WasmTensor([1, 2], [2.5]),
    () => new WasmTensor([1, 2], '2'),
    () => new WasmTensor([1, '2'], [2]),
    () => new WasmTensor(new Int32Array(2), [2]),
    () => new WasmTensor(null, [0]),
    () => new WasmTensor(arrow.vectorFromArray(['a', 'b']), [2]),
    () => new WasmTensor([1], [2 ** 31, 2 ** 31]),
  ];
  for (const fn of bad) assertWasmError(fn, 'ValidationError', 'WasmTensor');
});

test('a freed tensor throws on every use; free() twice is harmless', () => {
  const t = new WasmTensor([1, 2], [2]);
  const math = new WasmAdvancedMath();
  t.free();
  t.free();
  assert.equal(t.freed, true);
  assertWasmError(() => t.data(), 'ValidationError', 'WasmTensor.data');
  assertWasmError(() => t.shape(), 'ValidationError', 'WasmTensor.shape');
  assertWasmError(() => math.sinh(t), 'ValidationError', 'WasmAdvancedMath.sinh');
  assertWasmError(() => math.atan2(t, t), 'ValidationError');
  assertWasmError(() => clamp(t, 0, 1), 'ValidationError', 'clamp');
  math.free();
  assertWasmError(() => math.tanh([1]), 'ValidationError', 'WasmAdvancedMath.tanh');
  assert.equal(String(t), 'WasmTensor(freed)');
});

// Math.* in float64 is the reference: V8's fdlibm ports are within 1 ULP, as
// the kernels are, so float64 results agree within 2 ULPs; rounded to
// float32 the reference is within 1 float32 ULP of the kernel.
const UNARY = [
  ['sinh', Math.sinh, -20, 20],
  ['cosh', Math.cosh, -20, 20],
  ['tanh', Math.tanh, -10, 10],
  ['asin', Math.asin, -1, 1],
  ['acos', Math.acos, -1, 1],
  ['atan', Math.atan, -50, 50],
  ['exp', Math.exp, -80, 80],
  ['expm1', Math.expm1, -5, 5],
  ['log', Math.log, 1e-3, 1e6],
  ['log1p', Math.log1p, -0.9, 100],
];

test('unary methods match Math.* on tensors, Float32Array and Float64Array', () => {
  const math = new WasmAdvancedMath();
  for (const [name, reference, lo, hi] of UNARY) {
    for (const n of [0, 1, 3, 4, 5, 17, 1000]) {
      const f64 = uniform(Float64Array, n, lo, hi, n + 3);
      const f32 = Float32Array.from(f64);
      assertUlps(math[name](f64), Array.from(f64, reference), 2, `${name} float64 n=${n}`);
      assertUlps(math[name](f32), Array.from(f32, reference), 1, `${name} float32 n=${n}`);
      const plain = math[name](Array.from(f64));
      assert.ok(plain instanceof Float64Array, 'a plain array gives a Float64Array');
      const tensor = new WasmTensor(f32, [n]);
      const result = math[name](tensor);
      assert.ok(result instanceof WasmTensor);
      assert.deepEqual(result.shape(), [n]);
      assertUlps(result.data(), Array.from(f32, reference), 1, `${name} tensor n=${n}`);
      tensor.free();
      result.free();
    }
  }
  math.free();
});

test('special values follow C99 Annex F', () => {
  const math = new WasmAdvancedMath();
  const x = new Float64Array([NaN, Infinity, -Infinity, 0, -0]);
  const same = (a, b) => a.every((v, i) => Object.is(v, b[i]));
  assert.ok(same(math.tanh(x), [NaN, 1, -1, 0, -0]));
  assert.ok(same(math.sinh(x), [NaN, Infinity, -Infinity, 0, -0]));
  assert.ok(same(math.cosh(x), [NaN, Infinity, Infinity, 1, 1]));
  assert.ok(same(math.atan(x), [NaN, Math.PI / 2, -Math.PI / 2, 0, -0]));
  assert.ok(same(math.asin(new Float64Array([2, -2, 0])), [NaN, NaN, 0]));
  assert.ok(same(math.erf(x), [NaN, 1, -1, 0, -0]));
  math.free();
});

test('erf and erfc match hand-checked values (mpmath, 17 digits)', () => {
  const math = new WasmAdvancedMath();
  const x = [0.5, 1, -2, 0.01, 3.5];
  const erf = [0.5204998778130465, 0.8427007929497149, -0.9953222650189527, 0.011283415555849618, 0.9999992569016276];
  const erfc = [0.4795001221869535, 0.15729920705028513, 1.9953222650189528, 0.9887165844441504, 7.430983723414128e-7];
  assertUlps(math.erf(new Float64Array(x)), erf, 1, 'erf');
  assertUlps(math.erfc(new Float64Array(x)), erfc, 2, 'erfc');
  assertUlps(math.erf(new Float32Array(x)), erf, 1, 'erf float32');
  math.free();
});

test('atan2 matches Math.atan2, signed zeros and infinities included', () => {
  const math = new WasmAdvancedMath();
  const y = uniform(Float64Array, 999, -5, 5, 1);
  const x = uniform(Float64Array, 999, -5, 5, 2);
  assertUlps(math.atan2(y, x), Array.from(y, (v, i) => Math.atan2(v, x[i])), 2, 'atan2 float64');
  const specials = [0, -0, Infinity, -Infinity, 1, -1, NaN];
  const ys = [], xs = [];
  for (const a of specials) for (const b of specials) { ys.push(a); xs.push(b); }
  const r = math.atan2(new Float64Array(ys), new Float64Array(xs));
  ys.forEach((a, i) => assert.ok(Object.is(r[i], Math.atan2(a, xs[i])), `atan2(${a}, ${xs[i]})`));
  const ty = new WasmTensor(Float32Array.from(y), [9, 111]);
  const tx = new WasmTensor(Float32Array.from(x), [9, 111]);
  const tr = math.atan2(ty, tx);
  assert.deepEqual(tr.shape(), [9, 111]);
  assertUlps(tr.data(), Array.from(Float32Array.from(y), (v, i) => Math.atan2(v, Math.fround(x[i]))), 1, 'atan2 tensor');
  [ty, tx, tr].forEach((t) => t.free());
  math.free();
});

test('binary operands must agree in kind, type and shape', () => {
  const math = new WasmAdvancedMath();
  const a = new WasmTensor([1, 2, 3, 4], [2, 2]);
  const b = new WasmTensor([1, 2, 3, 4], [4]);
  assertWasmError(() => math.atan2(a, b), 'ValidationError', 'WasmAdvancedMath.atan2');
  assertWasmError(() => math.atan2(a, new Float32Array(4)), 'ValidationError');
  assertWasmError(() => math.atan2(new Float32Array(4), new Float64Array(4)), 'ValidationError');
  assertWasmError(() => math.atan2(new Float64Array(3), new Float64Array(4)), 'ValidationError');
  a.free();
  b.free();
  math.free();
});

test('clamp on every kind; NaN bounds and lower > upper are ValidationErrors from C', () => {
  const math = new WasmAdvancedMath();
  const t = new WasmTensor([-2, 0.5, 3, NaN], [2, 2]);
  const r = math.clamp(t, 0, 1);
  assert.deepEqual(Array.from(r.data()), [0, 0.5, 1, NaN]);
  r.free();
  for (const [lo, hi] of [[NaN, 1], [0, NaN], [2, 1]]) {
    assertWasmError(() => math.clamp(t, lo, hi), 'ValidationError', 'rt_math_clamp');
    assertWasmError(() => math.clamp(new Float64Array(0), lo, hi), 'ValidationError', 'rt_math_clamp');
  }
  assertWasmError(() => math.clamp(t, '0', 1), 'ValidationError', 'WasmAdvancedMath.clamp');
  t.free();
  math.free();
});

test('kernels not in this build say so instead of computing something else', () => {
  const math = new WasmAdvancedMath();
  assertWasmError(() => math.pow(new Float64Array([1]), 2), 'ConfigurationError', 'WasmAdvancedMath.pow');
  math.free();
});

test('gamma: exact at integers, sqrt(pi) at 1/2, poles and overflow per Annex F', () => {
  const math = new WasmAdvancedMath();
  const got = math.gamma(new Float64Array([1, 2, 5, 0.5, 0, -0, -1, 172, -0.5]));
  assert.deepEqual(Array.from(got.slice(0, 3)), [1, 1, 24]);
  assert.ok(Math.abs(got[3] - Math.sqrt(Math.PI)) <= 2 * Number.EPSILON * Math.sqrt(Math.PI));
  assert.equal(got[4], Infinity);
  assert.equal(got[5], -Infinity);
  assert.ok(Number.isNaN(got[6]));
  assert.equal(got[7], Infinity);
  assert.ok(Math.abs(got[8] + 2 * Math.sqrt(Math.PI)) <= 4 * Number.EPSILON * 2 * Math.sqrt(Math.PI));
  math.free();
});

test('Arrow vectors: same type out, nulls kept, sliced and chunked inputs', () => {
  const math = new WasmAdvancedMath();
  const values = [0.5, null, -1.5, 2, null, 0.25, 3, -0.75, null, 1];
  for (const [type, Ctor] of [[new arrow.Float64(), Float64Array], [new arrow.Float32(), Float32Array]]) {
    const v = arrow.vectorFromArray(values, type);
    const r = math.tanh(v);
    assert.equal(String(r.type), String(type));
    assert.equal(r.length, v.length);
    assert.equal(r.nullCount, 3);
    const ref = values.map((x) => (x === null ? null : Math.tanh(x)));
    r.toArray(); // materialises
    for (let i = 0; i < values.length; i++) {
      if (ref[i] === null) assert.equal(r.get(i), null, `row ${i} stays null`);
      else assertUlps(Ctor.of(r.get(i)), [ref[i]], 1, `${type} row ${i}`);
    }
    const sliced = v.slice(1, 9); // bitmap offset 1
    const rs = math.sinh(sliced);
    for (let i = 0; i < sliced.length; i++) {
      const x = sliced.get(i);
      assert.equal(rs.isValid(i), x !== null, `sliced row ${i} validity`);
      if (x !== null) assertUlps(Ctor.of(rs.get(i)), [Math.sinh(x)], 1, `sliced row ${i}`);
    }
    const chunked = v.slice(0, 4).concat(v.slice(6, 10));
    const rc = math.atan(chunked);
    assert.equal(rc.data.length, 2, 'chunks kept');
    assert.deepEqual(rc.toJSON().map((x) => x === null), chunked.toJSON().map((x) => x === null));
  }
  const table = arrow.tableFromArrays({ reading: new Float64Array([-3, 0.5, 9]) });
  assert.deepEqual(math.clamp(table.getChild('reading'), 0, 1).toArray(), new Float64Array([0, 0.5, 1]));

  const y = arrow.vectorFromArray([1, null, 1, 1], new arrow.Float64());
  const x = arrow.vectorFromArray([1, 1, null, -1], new arrow.Float64());
  const r = math.atan2(y, x);
  assert.deepEqual(r.toJSON(), [Math.atan2(1, 1), null, null, Math.atan2(1, -1)]);

  const empty = arrow.vectorFromArray([], new arrow.Float64());
  assert.equal(math.sinh(empty).length, 0);
  assertWasmError(() => math.sinh(arrow.vectorFromArray([1, 2], new arrow.Int32())), 'ValidationError');
  assertWasmError(() => math.sinh(arrow.vectorFromArray(['a'])), 'ValidationError');
  assertWasmError(() => math.atan2(y, new Float64Array(4)), 'ValidationError');
  math.free();
});

test('bad operands are ValidationErrors', () => {
  const math = new WasmAdvancedMath();
  for (const bad of [null, undefined, 3, 'x', new Int32Array(3), [1, '2'], {}]) {
    assertWasmError(() => math.cosh(bad), 'ValidationError', 'WasmAdvancedMath.cosh');
  }
  math.free();
});

test('1,000 create/compute/free cycles leave the pool bytes in use where they started', () => {
  const math = new WasmAdvancedMath();
  const before = poolStats().bytes_in_use;
  for (let i = 0; i < 1000; i++) {
    const t = new WasmTensor(uniform(Float32Array, 64 + (i % 50), -1, 1, i), [64 + (i % 50)]);
    const r = math.asin(t);
    const s = math.atan2(t, r);
    [t, r, s].forEach((x) => x.free());
    math.sinh(new Float64Array(10));
  }
  assert.equal(poolStats().bytes_in_use, before);
  math.free();
});

test('failing calls free what they allocated', () => {
  const math = new WasmAdvancedMath();
  const t = new WasmTensor(new Float32Array(100), [100]);
  const before = poolStats().bytes_in_use;
  for (let i = 0; i < 10; i++) {
    assert.throws(() => math.clamp(t, 1, 0));
    assert.throws(() => math.clamp(new Float64Array(100), 1, 0));
    assert.throws(() => math.pow(t, 2));
  }
  assert.equal(poolStats().bytes_in_use, before);
  t.free();
  math.free();
});
