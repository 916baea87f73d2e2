// What users forget to free is freed by the FinalizationRegistry; objects of an earlier init() are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import v8 from 'node:v8';
import vm from 'node:vm';

import init, { WasmTensor, WasmAdvancedMath } from '../index.js';
import { ready, poolStats, assertWasmError, WASM_URL } from './helpers.mjs';

await ready;

// A gc() without --expose-gc on the command line (the Makefile runs plain `node --test`).
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

/** Finalization callbacks run in later tasks after a collection: collect and yield until `done()`. */
async function collectUntil(done, rounds = 200) {
  for (let i = 0; i < rounds && !done(); i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return done();
}

test('tensors dropped without free() return their buffers to the pool', async () => {
  const before = poolStats().bytes_in_use;
  (() => {
    const math = new WasmAdvancedMath();
    for (let i = 0; i < 100; i++) math.tanh(new WasmTensor(new Float32Array(256), [256])); // both leaked
  })();
  assert.ok(poolStats().bytes_in_use > before, 'the leaked tensors hold pool memory');
  const released = await collectUntil(() => poolStats().bytes_in_use === before);
  assert.ok(released, `bytes in use ${poolStats().bytes_in_use}, expected ${before}`);
});

test('a freed tensor is not freed again by the registry', async () => {
  const before = poolStats();
  (() => {
    for (let i = 0; i < 50; i++) new WasmTensor(new Float32Array(64), [64]).free();
  })();
  const frees = poolStats().frees;
  await collectUntil(() => false, 20);
  assert.equal(poolStats().frees, frees, 'no double free after collection');
  assert.equal(poolStats().bytes_in_use, before.bytes_in_use);
});

test('objects made before a new init() are refused, and can still be freed', async () => {
  const old = new WasmTensor([1, 2, 3], [3]);
  await init(await readFile(WASM_URL)); // a fresh instance replaces the loaded one
  assertWasmError(() => old.data(), 'ConfigurationError', 'WasmTensor.data');
  const math = new WasmAdvancedMath();
  assertWasmError(() => math.sinh(old), 'ConfigurationError', 'WasmAdvancedMath.sinh');
  old.free(); // returns the buffer to the old instance's pool
  const fresh = new WasmTensor([1, 2, 3], [3]);
  assert.deepEqual(math.sinh(fresh).data(), new Float32Array([1, 2, 3].map((x) => Math.fround(Math.sinh(x)))));
  fresh.free();
  math.free();
});
