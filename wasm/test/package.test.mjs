// The package as a user installs it: the files package.json publishes, in a consumer's
// node_modules, imported by name; init() with no argument finds the bundled rt_core.wasm,
// and the exports map resolves the .wasm (how Framework's import.meta.resolve finds it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { WASM_URL } from './helpers.mjs';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

test('installed package: import by name, init() finds rt_core.wasm, exports map resolves it', () => {
  const consumer = mkdtempSync(join(tmpdir(), 'rt-pandas-wasm-consumer-'));
  try {
    const installed = join(consumer, 'node_modules', 'rt-pandas-wasm');
    mkdirSync(installed, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8'));
    for (const entry of manifest.files) {
      if (entry === 'rt_core.wasm') continue; // built into rt_pandas/ in the repository
      const path = entry.replace('/*.js', '');
      cpSync(join(PACKAGE_DIR, path), join(installed, path), { recursive: true });
    }
    cpSync(join(PACKAGE_DIR, 'package.json'), join(installed, 'package.json'));
    cpSync(fileURLToPath(WASM_URL), join(installed, 'rt_core.wasm'));
    writeFileSync(join(consumer, 'main.mjs'), `
      import init, { WasmTensor, WasmAdvancedMath, wasm_transforms_version } from 'rt-pandas-wasm';
      await init();
      const wasmUrl = import.meta.resolve('rt-pandas-wasm/rt_core.wasm');
      const math = new WasmAdvancedMath();
      const t = new WasmTensor([0, 1], [2]);
      const r = math.tanh(t);
      console.log(JSON.stringify({ values: Array.from(r.data()), wasmUrl, transforms: wasm_transforms_version() }));
    `);
    const run = spawnSync(process.execPath, [join(consumer, 'main.mjs')], { cwd: consumer, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.deepEqual(out.values, [0, Math.fround(Math.tanh(1))]);
    assert.ok(out.wasmUrl.endsWith('/node_modules/rt-pandas-wasm/rt_core.wasm'), out.wasmUrl);
    assert.equal(out.transforms, '0.1.0');
  } finally {
    rmSync(consumer, { recursive: true, force: true });
  }
});
