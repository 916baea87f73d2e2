// The example notebook (wasm/examples/notebook.js) in the Observable runtime, in Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Runtime } from '@observablehq/runtime';

import define from '../examples/notebook.js';

/** Runs the notebook until `summary` is computed; rejects with the first failing cell. */
function runNotebook() {
  const runtime = new Runtime();
  return new Promise((resolve, reject) => {
    runtime.module(define, (name) => ({
      fulfilled(value) {
        if (name === 'summary') resolve({ runtime, summary: value });
      },
      rejected(error) {
        reject(new Error(`cell ${name} failed: ${error?.stack ?? error}`));
      },
    }));
  });
}

/** What the notebook must compute (tests/test_browser.py checks the same in Chromium). */
function checkSummary(summary) {
  assert.equal(summary.rows, 240);
  assert.equal(summary.nulls, 2);
  assert.equal(summary.squashed.type, 'Float64');
  assert.equal(summary.squashed.nulls, 2);
  assert.equal(summary.squashed.at30, null);
  assert.ok(Math.abs(summary.squashed.at60 - Math.tanh(Math.sin(3) + 6)) < 1e-15);
  assert.deepEqual(summary.clipped, { max: 1, nulls: 2 });
  assert.equal(summary.simd, 'wasm-simd128');
  // 240 readings, 2 nulls (missing, not NaN or 0), the two spikes at 60 and 181 outside [-2, 2].
  const [column] = summary.quality_report.columns;
  assert.deepEqual(
    [column.rows, column.missing, column.completeness, column.accuracy, column.consistency, column.uniqueness],
    [240, 2, 238 / 240, 236 / 238, 236 / 238, 1],
  );
  assert.deepEqual(summary.anomalies.map((a) => a.index), [60, 181]);
  assert.equal(summary.anomalies[0].value, Math.sin(3) + 6);
}

test('the notebook runs in the Observable runtime and frees what it made on dispose', async () => {
  const { runtime, summary } = await runNotebook();
  checkSummary(summary);
  const { MemoryManager } = await import('rt-pandas-wasm');
  runtime.dispose();
  await new Promise((resolve) => setTimeout(resolve, 0)); // invalidation promises resolve
  assert.equal(JSON.parse(MemoryManager.get_stats()).bytes_in_use, 0);
});
