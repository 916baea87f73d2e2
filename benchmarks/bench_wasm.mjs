// Speed of the wasm SIMD module (wasm/index.js in Node) next to plain JavaScript loops
// (Math.sinh etc.) and the native build (rt_pandas' cffi backend, driven from Python) on
// the same float32 inputs, in the same run. Reported as ratios.
//
//     node benchmarks/bench_wasm.mjs [--sizes 1000000,10000000] [--repeat 5]
//
// wasm is timed two ways: on a WasmTensor (data already in linear memory: the kernel
// alone) and on a Float32Array (what a caller with a plain array pays: copy in, kernel,
// copy out). Native is timed single-threaded (the same work as wasm, which runs on one
// thread) and with its default thread pool. Best of --repeat runs, ns per element.
// Writes benchmarks/results/wasm.json.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import init, { WasmTensor, WasmAdvancedMath, clamp, simdLevel, MemoryManager } from '../wasm/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseArgs({
  options: { sizes: { type: 'string', default: '1000000,10000000' }, repeat: { type: 'string', default: '5' } },
});
const SIZES = args.sizes.split(',').map(Number);
const REPEAT = Number(args.repeat);

// name: [domain, plain JS loop body or null (no Math.erf in JavaScript)]
const FUNCS = {
  sinh: [[-20, 20], Math.sinh],
  cosh: [[-20, 20], Math.cosh],
  tanh: [[-5, 5], Math.tanh],
  asin: [[-1, 1], Math.asin],
  acos: [[-1, 1], Math.acos],
  atan: [[-100, 100], Math.atan],
  exp: [[-50, 50], Math.exp],
  log: [[1e-3, 1e3], Math.log],
  erf: [[-4, 4], null],
  atan2: [[-10, 10], Math.atan2],
  clamp: [[-10, 10], (x) => Math.min(Math.max(x, -1), 1)],
};
const TRANSCENDENTAL = ['sinh', 'cosh', 'tanh', 'asin', 'acos', 'atan', 'exp', 'log', 'atan2'];

function uniform(n, [lo, hi], seed) {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + (hi - lo) * (s / 2 ** 32);
  }
  return out;
}

function bestNs(fn, n) {
  fn(); // warm up (JIT, pool buffers)
  let best = Infinity;
  for (let r = 0; r < REPEAT; r++) {
    const start = process.hrtime.bigint();
    const result = fn();
    const elapsed = Number(process.hrtime.bigint() - start);
    if (result?.free) result.free();
    best = Math.min(best, elapsed);
  }
  return best / n;
}

/** A plain JS loop into a new Float32Array, as a user without this module would write it. */
function jsLoop(f, x, y) {
  if (y) {
    return () => {
      const out = new Float32Array(x.length);
      for (let i = 0; i < x.length; i++) out[i] = f(y[i], x[i]);
      return out;
    };
  }
  return () => {
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
    return out;
  };
}

/** Times the native backend on the same inputs (written to disk) from Python. */
function nativeTimes(cases) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-wasm-'));
  try {
    const manifest = cases.map(({ name, n, x, y }, i) => {
      writeFileSync(join(dir, `${i}.x`), x);
      if (y) writeFileSync(join(dir, `${i}.y`), y);
      return { name, n, x: join(dir, `${i}.x`), y: y ? join(dir, `${i}.y`) : null };
    });
    const script = `
import json, sys, time
import numpy as np, rt_pandas
from rt_pandas import math as rtm
cases = json.load(sys.stdin); repeat = ${REPEAT}
def call(case, x, y):
    if case["name"] == "atan2": return lambda: rtm.atan2(y, x)
    if case["name"] == "clamp": return lambda: rtm.clamp(x, -1, 1)
    f = getattr(rtm, case["name"]); return lambda: f(x)
def best_ns(fn, n):
    fn(); best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter_ns(); fn(); best = min(best, time.perf_counter_ns() - start)
    return best / n
out = {"simd": rt_pandas.versions()["simd"], "threads": rt_pandas.get_num_threads(), "cases": []}
for case in cases:
    x = np.fromfile(case["x"], np.float32); y = np.fromfile(case["y"], np.float32) if case["y"] else None
    fn = call(case, x, y)
    rt_pandas.set_num_threads(1); single = best_ns(fn, case["n"])
    rt_pandas.set_num_threads(None); threaded = best_ns(fn, case["n"])
    out["cases"].append({"single": single, "threaded": threaded})
print(json.dumps(out))
`;
    const python = process.env.PYTHON ?? 'python3';
    const run = spawnSync(python, ['-c', script], { input: JSON.stringify(manifest), encoding: 'utf8', maxBuffer: 1 << 24 });
    if (run.status !== 0) throw new Error(`native timing failed: ${run.stderr}`);
    return JSON.parse(run.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await init();
MemoryManager.init_pool(64, 1 << 30);
const math = new WasmAdvancedMath();
const cases = [];
for (const n of SIZES) {
  for (const [name, [domain, jsFn]] of Object.entries(FUNCS)) {
    const x = uniform(n, domain, n + name.length);
    const y = name === 'atan2' ? uniform(n, domain, n + 99) : null;
    const tensorX = new WasmTensor(x, [n]);
    const tensorY = y ? new WasmTensor(y, [n]) : null;
    const onTensor =
      name === 'atan2' ? () => math.atan2(tensorY, tensorX)
        : name === 'clamp' ? () => math.clamp(tensorX, -1, 1)
          : () => math[name](tensorX);
    const onArray =
      name === 'atan2' ? () => math.atan2(y, x)
        : name === 'clamp' ? () => clamp(x, -1, 1)
          : () => math[name](x);
    const row = {
      name,
      n,
      wasm_tensor: bestNs(onTensor, n),
      wasm_array: bestNs(onArray, n),
      js: jsFn ? bestNs(jsLoop(jsFn, x, y), n) : null,
    };
    tensorX.free();
    tensorY?.free();
    cases.push({ ...row, x, y });
    process.stderr.write(`${name} ${n}: wasm ${row.wasm_tensor.toFixed(2)} ns/elem\n`);
  }
}
math.free();

const native = nativeTimes(cases.map(({ name, n, x, y }) => ({ name, n, x, y })));
const rows = cases.map(({ x, y, ...row }, i) => {
  const { single, threaded } = native.cases[i];
  return {
    ...row,
    native_1thread: single,
    native_threads: threaded,
    js_over_wasm: row.js === null ? null : row.js / row.wasm_tensor,
    js_over_wasm_array: row.js === null ? null : row.js / row.wasm_array,
    wasm_over_native_1thread: row.wasm_tensor / single,
    wasm_over_native_threads: row.wasm_tensor / threaded,
  };
});

const result = {
  command: 'node benchmarks/bench_wasm.mjs',
  node: process.version,
  wasm_simd: simdLevel(),
  native_simd: native.simd,
  native_threads: native.threads,
  repeat: REPEAT,
  unit: 'ns per element, best of repeat',
  transcendental: TRANSCENDENTAL,
  rows,
};
writeFileSync(join(ROOT, 'benchmarks', 'results', 'wasm.json'), JSON.stringify(result, null, 2) + '\n');

const f = (v, d = 2) => (v === null ? '-' : v.toFixed(d));
console.log(`| function | n | wasm tensor | wasm Float32Array | plain JS | native 1 thread | native ${native.threads} threads | JS / wasm | wasm / native (1 thread) |`);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.name} | ${r.n / 1e6}M | ${f(r.wasm_tensor)} | ${f(r.wasm_array)} | ${f(r.js)} | ${f(r.native_1thread)} | ` +
    `${f(r.native_threads)} | ${f(r.js_over_wasm, 1)}x | ${f(r.wasm_over_native_1thread, 1)}x |`);
}
