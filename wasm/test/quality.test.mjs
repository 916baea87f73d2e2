// WasmQualityMetrics against hand-computed values (the same fixtures as rt_pandas.quality's
// doctests), Arrow nulls, slices and chunks, bad input, use after free and a leak test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as arrow from 'apache-arrow';

import { WasmQualityMetrics, WasmTensor } from '../index.js';
import { assertWasmError, poolStats, ready } from './helpers.mjs';

await ready;

const quality = new WasmQualityMetrics(0.8);

test('metrics on hand-computed fixtures', () => {
  assert.equal(quality.completeness([1, 2, null, 4]), 0.75);
  assert.equal(quality.completeness(new Float64Array([1, NaN, 3, 4])), 0.75); // NaN is missing, as in pandas
  assert.equal(quality.accuracy([1, 5, 50, null], 0, 10), 2 / 3);
  assert.equal(quality.accuracy([0, 10, 10.000001], 0, 10), 2 / 3); // bounds inclusive
  assert.equal(quality.uniqueness([1, 2, 2, 3]), 0.5);
  assert.equal(quality.validity([1, Infinity, NaN, -Infinity, 2]), 0.5); // 2 finite of 4 present
  // sorted 9, 9.5, 10, 10.5, 11, 100: median 10.25, MAD 0.75, bounds 10.25 -/+ 3.5 * 1.4826 * 0.75
  assert.equal(quality.consistency([10, 11, 9, 10.5, 9.5, 100]), 5 / 6);
  // MAD 0: scale 1.2533 * mean |x - 5| = 1.2533 * 3/9; 5 -/+ 3.5 * 0.4178 = [3.54, 6.46] holds all but 7
  assert.equal(quality.consistency([5, 5, 5, 5, 5, 6, 5, 5, 7]), 8 / 9);
  assert.equal(quality.consistency([5, 5, 5]), 1); // MAD and mean deviation both 0: all consistent
  assert.equal(quality.overall_quality([1, 2, 3, 4], { range: [0, 10] }), 1);
  // completeness 0.8, validity 1, accuracy 0.75, uniqueness 0.5 (1 and 250 once of 1, 2, 2, 250), consistency 0.75
  assert.equal(quality.overall_quality([1, 2, null, 2, 250], { range: [0, 100] }), (0.8 + 1 + 0.75 + 0.5 + 0.75) / 5);
  assert.equal(quality.overall_quality([1, 2, null, 2, 250]), (0.8 + 1 + 0.5 + 0.75) / 4); // no range: no accuracy
});

test('not applicable is null: no rows, all missing', () => {
  assert.equal(quality.completeness([]), null);
  assert.equal(quality.completeness([null, NaN]), 0);
  assert.equal(quality.uniqueness([null, NaN]), null);
  assert.equal(quality.consistency(new Float32Array(0)), null);
  assert.equal(quality.overall_quality([]), null);
  assert.equal(quality.overall_quality([null, null]), 0); // only completeness applies
});

test('every input kind gives the same numbers; float32 tensors are read in place', () => {
  const values = [3, 1, 4, 1, 5, 9, 2, 6];
  const tensor = new WasmTensor(values, [2, 4]);
  for (const data of [values, new Float32Array(values), new Float64Array(values), tensor,
    arrow.vectorFromArray(values, new arrow.Float64()), arrow.vectorFromArray(values, new arrow.Int32())]) {
    assert.equal(quality.uniqueness(data), 6 / 8);
    assert.equal(quality.accuracy(data, 2, 5), 4 / 8);
  }
  tensor.free();
});

test('Arrow nulls are missing (not NaN, not 0), in slices and chunks', () => {
  const v = arrow.vectorFromArray([1, null, 3, 3, null, 0], new arrow.Float64());
  assert.equal(quality.completeness(v), 4 / 6);
  assert.equal(quality.uniqueness(v), 2 / 4);
  assert.equal(quality.accuracy(v, 0.5, 10), 3 / 4); // the null slots hold 0 in the buffer: not counted
  const sliced = v.slice(1, 5); // null, 3, 3, null
  assert.equal(quality.completeness(sliced), 0.5);
  assert.equal(quality.uniqueness(sliced), 0);
  const chunked = v.concat(arrow.vectorFromArray([null, 7], new arrow.Float64()));
  assert.equal(chunked.data.length, 2);
  assert.equal(quality.completeness(chunked), 5 / 8);
  const table = arrow.tableFromArrays({ t: new Float64Array([20, 21.5, NaN, 140]) });
  assert.equal(quality.accuracy(table.getChild('t'), 0, 100), 2 / 3);
  const ints = arrow.vectorFromArray([1, null, 2 ** 30, 1], new arrow.Int32());
  assert.equal(quality.completeness(ints), 0.75);
  assert.equal(quality.uniqueness(ints), 1 / 3);
});

test('quality_report: the rt_pandas.quality schema, numbers and findings', () => {
  const report = JSON.parse(quality.quality_report([1, 2, null, 2, 250], { range: [0, 100], name: 't' }));
  assert.equal(report.schema, 'rt-pandas/quality-report');
  assert.equal(report.version, 1);
  assert.equal(report.rows, 5);
  assert.equal(report.threshold, 0.8);
  assert.equal(report.overall, 0.76);
  assert.equal(report.passed, false);
  const [column] = report.columns;
  assert.deepEqual(
    { name: column.name, missing: column.missing, completeness: column.completeness, accuracy: column.accuracy,
      distinct: column.distinct, accuracy_range: column.accuracy_range },
    { name: 't', missing: 1, completeness: 0.8, accuracy: 0.75, distinct: 3, accuracy_range: [0, 100] },
  );
  // The first two findings are those of rt_pandas.quality's module doctest.
  assert.deepEqual(report.findings.slice(0, 2), ['t: 20.0% of values missing', 't: 25.0% of values outside [0, 100]']);
  const clean = JSON.parse(new WasmQualityMetrics(0.9).quality_report(new Float32Array([1, 2, 3])));
  assert.equal(clean.passed, true);
  assert.deepEqual(clean.findings, []);
  assert.equal(clean.columns[0].dtype, 'float32');
});

test('options: k and weights', () => {
  const narrow = new WasmQualityMetrics(0.5, { k: 0.5 });
  assert.ok(narrow.consistency([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) < 1);
  const onlyCompleteness = new WasmQualityMetrics(0.5, { weights: { validity: 0, uniqueness: 0, consistency: 0, accuracy: 0 } });
  assert.equal(onlyCompleteness.overall_quality([1, 1, null, 1]), 0.75);
  narrow.free();
  onlyCompleteness.free();
});

test('bad input: typed WasmErrors, never a wrong answer', () => {
  assertWasmError(() => quality.accuracy([1, 2], NaN, 3), 'ValidationError');
  assertWasmError(() => quality.accuracy([1, 2], 3, 1), 'ValidationError');
  assertWasmError(() => quality.accuracy([1, 2], '0', 1), 'ValidationError');
  assertWasmError(() => quality.completeness(['a', 'b']), 'ValidationError');
  assertWasmError(() => quality.completeness(new Int32Array([1, 2])), 'ValidationError');
  assertWasmError(() => quality.completeness(arrow.vectorFromArray(['a', 'b'])), 'ValidationError');
  assertWasmError(() => quality.completeness(undefined), 'ValidationError');
  assertWasmError(() => new WasmQualityMetrics(1.5), 'ValidationError');
  assertWasmError(() => new WasmQualityMetrics(NaN), 'ValidationError');
  assertWasmError(() => new WasmQualityMetrics(0.8, { k: 0 }), 'ValidationError');
  assertWasmError(() => new WasmQualityMetrics(0.8, { weights: { speed: 1 } }), 'ValidationError');
  assertWasmError(() => new WasmQualityMetrics(0.8, { weights: { validity: -1 } }), 'ValidationError');
  const tensor = new WasmTensor([1, 2]);
  tensor.free();
  assertWasmError(() => quality.completeness(tensor), 'ValidationError');
  const freed = new WasmQualityMetrics(0.8);
  freed.free();
  freed.free(); // twice does nothing
  assertWasmError(() => freed.completeness([1]), 'ValidationError');
});

test('1,000 create/compute/free cycles and failing calls leave the pool where it was', () => {
  const data = new Float64Array(500).map((_, i) => (i * 7) % 13);
  quality.quality_report(data); // warm the pool's caches
  const before = poolStats().bytes_in_use;
  for (let i = 0; i < 1000; i++) {
    const q = new WasmQualityMetrics(0.8);
    q.quality_report(data, { range: [0, 10] });
    assert.throws(() => q.accuracy(data, 5, 1));
    q.free();
  }
  assert.equal(poolStats().bytes_in_use, before);
});
