// Runs the quality and anomaly cases of tests/test_wasm_quality_anomaly_parity.py
// through the JS API: reads <dir>/manifest.json (each case's data in
// <name>.in as raw float32/float64, missing rows listed in `nulls`), writes
// <dir>/results.json (non-finite numbers as the strings "NaN", "Infinity", "-Infinity").
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import init, { WasmAnomalyDetector, WasmQualityMetrics, WasmTensor } from '../index.js';

await init();
const directory = process.argv[2];
const { cases } = JSON.parse(readFileSync(join(directory, 'manifest.json'), 'utf8'));

/** The case's data as a typed array, or a plain array with null at the missing rows. */
function input(c) {
  const bytes = readFileSync(join(directory, `${c.name}.in`));
  const Ctor = c.dtype === 'float32' ? Float32Array : Float64Array;
  const typed = new Ctor(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  if (!c.nulls.length) return c.tensor ? new WasmTensor(typed, c.shape ?? [typed.length]) : typed;
  const plain = Array.from(typed);
  for (const i of c.nulls) plain[i] = null;
  return plain;
}

/** JSON has no NaN or infinities: they travel as strings Python's float() reads. */
const finiteOrString = (v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);
const plain = (x) => (x instanceof Float64Array ? Array.from(x, finiteOrString) : x);

const results = {};
for (const c of cases) {
  const data = input(c);
  if (c.op === 'quality') {
    const quality = new WasmQualityMetrics(c.threshold);
    results[c.name] = JSON.parse(quality.quality_report(data, { range: c.range ?? undefined, name: 'x' }));
    quality.free();
  } else if (c.op === 'statistical') {
    const detector = new WasmAnomalyDetector(c.threshold, 2);
    const { scores } = detector.statistical_scores(data, { method: c.method });
    results[c.name] = { scores: plain(scores), anomalies: detector.detect_statistical(data, { method: c.method }).map((r) => r.index) };
    detector.free();
  } else if (c.op === 'streaming') {
    const detector = new WasmAnomalyDetector(c.threshold, c.window_size);
    const records = [];
    for (let i = 0; i < data.length; i++) {
      const record = detector.detect_realtime(data[i]);
      if (record !== null) records.push(record);
    }
    results[c.name] = { records, statistics: JSON.parse(detector.get_statistics()) };
    detector.free();
  } else if (c.op === 'iforest') {
    const detector = new WasmAnomalyDetector(2.5, 10);
    results[c.name] = plain(detector.detect_isolation_forest(data, c.n_trees, { seed: c.seed, all_scores: true }));
    detector.free();
  }
  if (data instanceof WasmTensor) data.free();
}
writeFileSync(join(directory, 'results.json'), JSON.stringify(results, (_, v) => finiteOrString(v)));
