// Speed of WasmQualityMetrics and WasmAnomalyDetector (wasm/index.js in Node) next to the plain
// JavaScript a user would write instead, on the same float64 column, in the same run. Ratios.
//
//     node benchmarks/bench_wasm_quality_anomaly.mjs [--size 1000000] [--repeat 5]
//
// Cases (each side computes the same numbers; the script checks they agree):
// - zscore: detect_statistical (mean, population std, flag |z| > 3) vs two JS passes and a filter;
// - streaming: detect_realtime per value (window 100) vs a JS ring buffer with running sums;
// - quality: quality_report (counts, sort, distinct/singletons, median, MAD, robust bounds, range)
//   vs JS that sorts a Float64Array copy and scans it for the same counts.
// Median of --repeat interleaved rounds (wasm and JS alternate). Writes
// benchmarks/results/wasm_quality_anomaly.json.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import init, { WasmAnomalyDetector, WasmQualityMetrics, simdLevel } from '../wasm/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseArgs({
  options: { size: { type: 'string', default: '1000000' }, repeat: { type: 'string', default: '5' } },
});
const N = Number(args.size);
const REPEAT = Number(args.repeat);

await init();

/** A random walk with spikes and 1% NaN (missing). */
function series(n) {
  let s = 12345;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const out = new Float64Array(n);
  let level = 0;
  for (let i = 0; i < n; i++) {
    level += rand() - 0.5;
    out[i] = rand() < 0.01 ? NaN : level + (rand() < 0.001 ? 40 * (rand() - 0.5) : 0);
  }
  return out;
}

function jsZscore(x, threshold) {
  let n = 0, sum = 0;
  for (const v of x) if (v === v) { n++; sum += v; }
  const mean = sum / n;
  let ss = 0;
  for (const v of x) if (v === v) ss += (v - mean) ** 2;
  const std = Math.sqrt(ss / n);
  const found = [];
  for (let i = 0; i < x.length; i++) {
    const z = Math.abs(x[i] - mean) / std;
    if (z > threshold) found.push(i);
  }
  return found;
}

function jsStreaming(x, threshold, window) {
  const ring = new Float64Array(window);
  let fill = 0, head = 0, sum = 0, sumsq = 0, count = 0;
  for (const v of x) {
    if (v !== v) continue;
    if (fill === window) {
      const mean = sum / window;
      const std = Math.sqrt(Math.max(sumsq / window - mean * mean, 0));
      if (Math.abs(v - mean) / std > threshold) count++;
      const old = ring[head];
      sum -= old; sumsq -= old * old;
    } else fill++;
    ring[head] = v; head = (head + 1) % window;
    sum += v; sumsq += v * v;
  }
  return count;
}

function jsQuality(x, lo, hi, k) {
  const sorted = Float64Array.from(x.filter((v) => v === v)).sort();
  const n = sorted.length;
  let distinct = 0, singletons = 0, finite = 0, inRange = 0;
  for (let i = 0; i < n; i++) {
    const v = sorted[i];
    if (Number.isFinite(v)) finite++;
    if (v >= lo && v <= hi) inRange++;
    if (i === 0 || sorted[i - 1] !== v) {
      distinct++;
      if (i + 1 === n || sorted[i + 1] !== v) singletons++;
    }
  }
  const quantile = (a, q) => { const p = q * (a.length - 1); const j = Math.floor(p); return a[j] + (p - j) * ((a[j + 1] ?? a[j]) - a[j]); };
  const median = quantile(sorted, 0.5);
  const deviations = sorted.map((v) => Math.abs(v - median)).sort();
  const scale = 1.4826 * quantile(deviations, 0.5);
  let consistent = 0;
  for (const v of sorted) if (v >= median - k * scale && v <= median + k * scale) consistent++;
  return { completeness: n / x.length, validity: finite / n, accuracy: inRange / n, uniqueness: singletons / n,
    consistency: consistent / n, distinct };
}

const x = series(N);
const detector = new WasmAnomalyDetector(3, 100);
const quality = new WasmQualityMetrics(0.8);
const cases = {
  zscore: {
    wasm: () => detector.detect_statistical(x).length,
    js: () => jsZscore(x, 3).length,
  },
  streaming: {
    wasm: () => {
      const d = new WasmAnomalyDetector(3, 100);
      let count = 0;
      for (let i = 0; i < x.length; i++) if (d.detect_realtime(x[i]) !== null) count++;
      d.free();
      return count;
    },
    js: () => jsStreaming(x, 3, 100),
  },
  quality: {
    wasm: () => JSON.parse(quality.quality_report(x, { range: [-100, 100] })).columns[0].distinct,
    js: () => jsQuality(x, -100, 100, 3.5).distinct,
  },
};

const times = Object.fromEntries(Object.keys(cases).map((name) => [name, { wasm: [], js: [] }]));
const answers = {};
for (let round = 0; round < REPEAT; round++) {
  for (const [name, sides] of Object.entries(cases)) {
    for (const side of ['wasm', 'js']) {
      const start = process.hrtime.bigint();
      const answer = sides[side]();
      times[name][side].push(Number(process.hrtime.bigint() - start) / 1e6);
      (answers[name] ??= {})[side] = answer;
    }
  }
}
const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
const rows = Object.entries(times).map(([name, t]) => ({
  case: name, n: N, wasm_ms: median(t.wasm), js_ms: median(t.js), js_over_wasm: median(t.js) / median(t.wasm),
  wasm_answer: answers[name].wasm, js_answer: answers[name].js,
}));
const result = { node: process.version, simd: simdLevel(), size: N, repeat: REPEAT, rows };
writeFileSync(`${ROOT}/benchmarks/results/wasm_quality_anomaly.json`, JSON.stringify(result, null, 2) + '\n');
console.log(`node ${process.version}, ${simdLevel()}, n = ${N}, median of ${REPEAT}`);
console.log('| case | wasm (ms) | plain JS (ms) | JS / wasm | answers (wasm, JS) |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.case} | ${r.wasm_ms.toFixed(1)} | ${r.js_ms.toFixed(1)} | ${r.js_over_wasm.toFixed(2)}x | ${r.wasm_answer}, ${r.js_answer} |`);
}
detector.free();
quality.free();
