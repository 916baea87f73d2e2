// Speed of the wasm SIMD module (wasm/index.js in Node) next to plain JavaScript loops
// (Math.sinh etc.) and the native build (rt_pandas' cffi backend, driven from Python) on
// the same float32 inputs, in the same run. Reported as ratios.
//
//     node benchmarks/bench_wasm.mjs [--sizes 1000000,10000000] [--repeat 5]
//
// wasm is timed two ways: on a WasmTensor (data already in linear memory: the kernel
// alone) and on a Float32Array (what a caller with a plain array pays: copy in, kernel,
// copy out). Native is timed single-threaded (the same work as wasm, which runs on one
// thread) and with its default thread pool. Best of --repeat interleaved rounds (wasm,
// JS and native alternate, so load on a shared machine hits all alike), ns per element.
// Writes benchmarks/results/wasm.json.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';

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

/** Nanoseconds of one call (a tensor result is freed after the clock stops). */
function timeOnce(fn) {
  const start = process.hrtime.bigint();
  const result = fn();
  const elapsed = Number(process.hrtime.bigint() - start);
  if (result?.free) result.free();
  return elapsed;
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

/**
 * The native backend in a Python child process that times one call per request, so
 * native rounds interleave with the wasm and JS rounds of the same case (load drift on a
 * shared machine then hits all three alike). Inputs go through temporary files.
 */
const NATIVE_SERVER = `
import json, sys, time
import numpy as np, rt_pandas
from rt_pandas import math as rtm
cases = {}
def call(name, x, y):
    if name == "atan2": return lambda: rtm.atan2(y, x)
    if name == "clamp": return lambda: rtm.clamp(x, -1, 1)
    f = getattr(rtm, name); return lambda: f(x)
print(json.dumps({"simd": rt_pandas.versions()["simd"], "threads": rt_pandas.get_num_threads()}), flush=True)
for line in sys.stdin:
    request = json.loads(line)
    if "load" in request:
        x = np.fromfile(request["x"], np.float32)
        y = np.fromfile(request["y"], np.float32) if request["y"] else None
        cases[request["load"]] = call(request["name"], x, y)
        cases[request["load"]]()  # warm up
        print("{}", flush=True)
    else:
        rt_pandas.set_num_threads(request["threads"])
        start = time.perf_counter_ns(); cases[request["time"]](); elapsed = time.perf_counter_ns() - start
        print(json.dumps({"ns": elapsed}), flush=True)
`;

async function startNative() {
  const child = spawn(process.env.PYTHON ?? 'python3', ['-c', NATIVE_SERVER], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const read = async () => JSON.parse((await lines.next()).value);
  const ask = async (request) => {
    child.stdin.write(JSON.stringify(request) + '\n');
    return read();
  };
  return { info: await read(), ask, close: () => child.stdin.end() };
}

const dir = mkdtempSync(join(tmpdir(), 'bench-wasm-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

await init();
MemoryManager.init_pool(64, 1 << 30);
const math = new WasmAdvancedMath();
const native = await startNative();
const rows = [];
for (const n of SIZES) {
  for (const [name, [domain, jsFn]] of Object.entries(FUNCS)) {
    const x = uniform(n, domain, n + name.length);
    const y = name === 'atan2' ? uniform(n, domain, n + 99) : null;
    writeFileSync(join(dir, 'x'), x);
    if (y) writeFileSync(join(dir, 'y'), y);
    await native.ask({ load: 0, name, x: join(dir, 'x'), y: y ? join(dir, 'y') : null });
    const tensorX = new WasmTensor(x, [n]);
    const tensorY = y ? new WasmTensor(y, [n]) : null;
    const contenders = {
      wasm_tensor: name === 'atan2' ? () => math.atan2(tensorY, tensorX)
        : name === 'clamp' ? () => math.clamp(tensorX, -1, 1)
          : () => math[name](tensorX),
      wasm_array: name === 'atan2' ? () => math.atan2(y, x)
        : name === 'clamp' ? () => clamp(x, -1, 1)
          : () => math[name](x),
      js: jsFn ? jsLoop(jsFn, x, y) : null,
    };
    const best = { wasm_tensor: Infinity, wasm_array: Infinity, js: jsFn ? Infinity : null, native_1thread: Infinity, native_threads: Infinity };
    // Warm up (JIT, pool buffers), then interleaved rounds; best of each.
    Object.values(contenders).forEach((fn) => fn && timeOnce(fn));
    for (let round = 0; round < REPEAT; round++) {
      for (const [key, fn] of Object.entries(contenders)) if (fn) best[key] = Math.min(best[key], timeOnce(fn));
      best.native_1thread = Math.min(best.native_1thread, (await native.ask({ time: 0, threads: 1 })).ns);
      best.native_threads = Math.min(best.native_threads, (await native.ask({ time: 0, threads: null })).ns);
    }
    tensorX.free();
    tensorY?.free();
    const ns = Object.fromEntries(Object.entries(best).map(([k, v]) => [k, v === null ? null : v / n]));
    rows.push({
      name,
      n,
      ...ns,
      js_over_wasm: ns.js === null ? null : ns.js / ns.wasm_tensor,
      js_over_wasm_array: ns.js === null ? null : ns.js / ns.wasm_array,
      wasm_over_native_1thread: ns.wasm_tensor / ns.native_1thread,
      wasm_over_native_threads: ns.wasm_tensor / ns.native_threads,
    });
    process.stderr.write(`${name} ${n}: wasm ${ns.wasm_tensor.toFixed(2)} ns/elem\n`);
  }
}
math.free();
native.close();

const result = {
  command: 'node benchmarks/bench_wasm.mjs',
  node: process.version,
  wasm_simd: simdLevel(),
  native_simd: native.info.simd,
  native_threads: native.info.threads,
  repeat: REPEAT,
  unit: 'ns per element, best of repeat interleaved rounds',
  transcendental: TRANSCENDENTAL,
  rows,
};
writeFileSync(join(ROOT, 'benchmarks', 'results', 'wasm.json'), JSON.stringify(result, null, 2) + '\n');

const f = (v, d = 2) => (v === null ? '-' : v.toFixed(d));
console.log(`| function | n | wasm tensor | wasm Float32Array | plain JS | native 1 thread | native ${native.info.threads} threads | JS / wasm | wasm / native (1 thread) |`);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.name} | ${r.n / 1e6}M | ${f(r.wasm_tensor)} | ${f(r.wasm_array)} | ${f(r.js)} | ${f(r.native_1thread)} | ` +
    `${f(r.native_threads)} | ${f(r.js_over_wasm, 1)}x | ${f(r.wasm_over_native_1thread, 1)}x |`);
}
