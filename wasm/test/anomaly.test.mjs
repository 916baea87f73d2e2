// WasmAnomalyDetector against hand-computed values and plain-JS references (the same fixtures as
// rt_pandas.anomaly's doctests), Arrow nulls, bad input, use after free and a leak test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as arrow from 'apache-arrow';

import { WasmAnomalyDetector, WasmTensor } from '../index.js';
import { assertWasmError, poolStats, ready, uniform } from './helpers.mjs';

await ready;

/** |x - mean| / std (population) of the non-missing values: the reference for zscore. */
function zscores(values) {
  const present = values.filter((v) => v !== null && !Number.isNaN(v));
  const mean = present.reduce((a, b) => a + b, 0) / present.length;
  const std = Math.sqrt(present.reduce((a, b) => a + (b - mean) ** 2, 0) / present.length);
  return values.map((v) => (v === null || Number.isNaN(v) ? NaN : Math.abs(v - mean) / std));
}

const close = (a, b) => (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(b), 1);

test('detect_statistical: z-scores against a plain-JS reference, anomalies in row order', () => {
  const values = Array.from(uniform(Float64Array, 2000, -1, 1, 3));
  values[123] = 9;
  values[1500] = -8;
  values[7] = null;
  const detector = new WasmAnomalyDetector(2.5, 100);
  const { scores, summary } = detector.statistical_scores(values);
  const expected = zscores(values);
  scores.forEach((s, i) => assert.ok(close(s, expected[i]), `row ${i}: ${s} vs ${expected[i]}`));
  assert.equal(summary.count, 1999);
  const anomalies = detector.detect_statistical(values);
  assert.deepEqual(anomalies.map((a) => a.index), expected.flatMap((s, i) => (s > 2.5 ? [i] : [])));
  assert.deepEqual(anomalies.map((a) => a.value), [9, -8]);
  detector.free();
});

test('detect_statistical: IQR and MAD on hand-computed fixtures', () => {
  const detector = new WasmAnomalyDetector(1.5, 10);
  // Q1 10.25, Q3 11.75 (numpy's linear rule), IQR 1.5: (50 - 11.75) / 1.5 = 25.5
  assert.deepEqual(detector.detect_statistical([10, 11, 10, 12, 11, 50], { method: 'iqr' }), [{ index: 5, value: 50, score: 25.5 }]);
  // median 2, MAD 1 (|x - 2| = 1, 0, 1, 0, 38): 38 / 1.4826
  const [mad] = detector.detect_statistical([1, 2, 3, 2, 40], { method: 'mad' });
  assert.equal(mad.index, 4);
  assert.ok(close(mad.score, 38 / 1.4826));
  // zscore of the spec example's shape: [1, 2, 3, null] -> 1.2247, 0, 1.2247, NaN
  const { scores } = detector.statistical_scores([1, 2, 3, null]);
  assert.ok(close(scores[0], Math.sqrt(1.5)) && scores[1] === 0 && Number.isNaN(scores[3]));
  // a zero scale (MAD 0): score 0 at the centre, +inf elsewhere; constant data has no anomaly
  assert.deepEqual(detector.detect_statistical([4, 4, 4, 5], { method: 'mad' }).map((a) => [a.index, a.score]), [[3, Infinity]]);
  assert.deepEqual(Array.from(detector.statistical_scores([4, 4, 4]).scores), [0, 0, 0]);
  detector.free();
});

test('every input kind gives the same anomalies; Arrow nulls are never anomalies', () => {
  const values = [0.1, -0.2, 0.15, 30, 0.05, -0.1, 0, 0.2, -0.15, 0.1];
  const detector = new WasmAnomalyDetector(2.5, 10);
  const tensor = new WasmTensor(values);
  for (const data of [values, new Float64Array(values), new Float32Array(values), tensor,
    arrow.vectorFromArray(values, new arrow.Float64())]) {
    assert.deepEqual(detector.detect_statistical(data).map((a) => a.index), [3]);
  }
  tensor.free();
  const withNulls = arrow.vectorFromArray([...values, null, null], new arrow.Float64());
  assert.deepEqual(detector.detect_statistical(withNulls).map((a) => a.index), [3]);
  const chunked = withNulls.concat(arrow.vectorFromArray([0.1, null, 0], new arrow.Float64()));
  assert.deepEqual(detector.detect_statistical(chunked).map((a) => a.index), [3]);
  assert.deepEqual(detector.detect_statistical(withNulls.slice(4)).map((a) => a.index), []);
  assert.deepEqual(detector.detect_statistical([]), []);
  assert.deepEqual(detector.detect_statistical([null, NaN]), []);
  detector.free();
});

test('detect_realtime: the window z-score of rt_pandas.anomaly.StreamingDetector', () => {
  const detector = new WasmAnomalyDetector(3, 4);
  assert.deepEqual([1, 2, 1, 2, 1.5].map((v) => detector.detect_realtime(v)), [null, null, null, null, null]);
  const record = detector.detect_realtime(10); // window [2, 1, 2, 1.5]: mean 1.625, variance 0.171875
  assert.equal(record.index, 5);
  assert.equal(record.value, 10);
  assert.equal(record.mean, 1.625);
  assert.ok(close(record.std, Math.sqrt(0.171875)));
  assert.ok(close(record.score, 8.375 / Math.sqrt(0.171875)));
  assert.equal(detector.detect_realtime(null), null); // missing: counted, never flagged
  assert.equal(detector.detect_realtime(NaN), null);
  const stats = JSON.parse(detector.get_statistics());
  assert.deepEqual(
    [stats.count, stats.anomalies, stats.missing, stats.window_size, stats.window_fill, stats.threshold],
    [8, 1, 2, 4, 4, 3],
  );
  assert.ok(stats.throughput > 0);
  detector.set_threshold(1000);
  assert.equal(detector.detect_realtime(100), null); // score (100 - 3.625) / 3.698 = 26 < 1000
  assert.equal(JSON.parse(detector.get_statistics()).threshold, 1000);
  detector.set_threshold(0.5);
  assert.notEqual(detector.detect_realtime(-1e6), null);
  detector.free();
});

test('detect_isolation_forest: isolates planted outliers, reproducible for a seed', () => {
  const n = 400;
  const points = uniform(Float32Array, n * 2, -1, 1, 9);
  points.set([8, 8], 2 * 37);
  points.set([-9, 7], 2 * 250);
  const tensor = new WasmTensor(points, [n, 2]);
  const detector = new WasmAnomalyDetector(2.5, 10);
  const found = detector.detect_isolation_forest(tensor, 100);
  assert.deepEqual(found.slice(0, 2).map((r) => r.index).sort((a, b) => a - b), [37, 250]);
  assert.ok(found.every((r, i) => r.score > 0.5 && r.score <= 1 && (i === 0 || found[i - 1].score >= r.score)));
  const all = detector.detect_isolation_forest(tensor, 100, { all_scores: true });
  assert.equal(all.length, n);
  assert.deepEqual(detector.detect_isolation_forest(tensor, 100, { all_scores: true }), all);
  assert.notDeepEqual(detector.detect_isolation_forest(tensor, 100, { all_scores: true, seed: 1 }), all);
  const series = Array.from({ length: 300 }, (_, i) => Math.sin(i / 5) + (i === 150 ? 6 : 0));
  assert.equal(detector.detect_isolation_forest(series, 50)[0].index, 150);
  assert.equal(detector.detect_isolation_forest(series, 50)[0].value, series[150]);
  tensor.free();
  detector.free();
});

test('bad input: typed WasmErrors', () => {
  assertWasmError(() => new WasmAnomalyDetector(0, 10), 'ValidationError');
  assertWasmError(() => new WasmAnomalyDetector(NaN, 10), 'ValidationError');
  assertWasmError(() => new WasmAnomalyDetector(2, 1), 'ValidationError');
  assertWasmError(() => new WasmAnomalyDetector(2, 2.5), 'ValidationError');
  const detector = new WasmAnomalyDetector(2.5, 10);
  assertWasmError(() => detector.detect_statistical([1, 2], { method: 'dbscan' }), 'ValidationError');
  assertWasmError(() => detector.detect_statistical(['1']), 'ValidationError');
  assertWasmError(() => detector.detect_statistical(arrow.vectorFromArray(['a'])), 'ValidationError');
  assertWasmError(() => detector.detect_isolation_forest([1, 2, 3], 0), 'ValidationError');
  assertWasmError(() => detector.detect_isolation_forest([1, 2, 3], 10, { seed: -1 }), 'ValidationError');
  const cube = new WasmTensor(new Float32Array(8), [2, 2, 2]);
  assertWasmError(() => detector.detect_isolation_forest(cube, 10), 'ValidationError');
  cube.free();
  assertWasmError(() => detector.detect_isolation_forest([], 10), 'ValidationError');
  assertWasmError(() => detector.detect_realtime('3'), 'ValidationError');
  assertWasmError(() => detector.set_threshold(-1), 'ValidationError');
  detector.free();
  detector.free(); // twice does nothing
  assertWasmError(() => detector.detect_realtime(1), 'ValidationError');
  assertWasmError(() => detector.detect_statistical([1]), 'ValidationError');
  assertWasmError(() => detector.get_statistics(), 'ValidationError');
});

test('1,000 create/use/free cycles and failing calls leave the pool where it was', () => {
  const series = Array.from(uniform(Float64Array, 300, 0, 1, 4));
  new WasmAnomalyDetector(2.5, 50).free(); // warm the pool's caches
  const before = poolStats().bytes_in_use;
  for (let i = 0; i < 1000; i++) {
    const detector = new WasmAnomalyDetector(2.5, 50);
    detector.detect_statistical(series);
    for (let j = 0; j < 60; j++) detector.detect_realtime(series[j]);
    assert.throws(() => detector.detect_isolation_forest([], 5));
    detector.free();
  }
  const detector = new WasmAnomalyDetector(2.5, 50);
  for (let i = 0; i < 20; i++) detector.detect_isolation_forest(series, 20);
  detector.free();
  assert.equal(poolStats().bytes_in_use, before);
});
