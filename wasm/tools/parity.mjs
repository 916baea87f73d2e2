// Runs the cases of a manifest through the JS module and writes each result next to its
// inputs, for tests/test_wasm_parity.py (which runs the same inputs through the Python
// native and wasm backends). Usage: node wasm/tools/parity.mjs <dir> (reads <dir>/manifest.json).
//
// A case is {name, op, dtype: "float32"|"float64", inputs: [file...], shape?, params?};
// results go to <dir>/<name>.out as raw little-endian values of the result's type.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import init, {
  WasmTensor,
  WasmAdvancedMath,
  WasmNormalize,
  WasmResize,
  WasmCenterCrop,
  clamp,
} from '../index.js';

const ARRAYS = { float32: Float32Array, float64: Float64Array };

async function load(dir, file, Ctor) {
  const bytes = await readFile(join(dir, file));
  return new Ctor(bytes.buffer, bytes.byteOffset, bytes.byteLength / Ctor.BYTES_PER_ELEMENT);
}

/** Image transforms run on a WasmTensor (float32) of the case's shape. */
function runTransform(op, input, shape, params) {
  const layout = { layout: params.layout ?? 'HWC' };
  const transform =
    op === 'normalize' ? new WasmNormalize(params.mean, params.std, layout)
      : op === 'resize' ? new WasmResize(params.height, params.width, params.interpolation, layout)
        : new WasmCenterCrop(params.height, params.width, layout);
  const tensor = new WasmTensor(input, shape);
  const result = transform.apply(tensor);
  const values = result.data();
  [tensor, result, transform].forEach((x) => x.free());
  return values;
}

function runCase(math, { op, inputs, shape, params = {} }) {
  if (op === 'clamp') return clamp(inputs[0], params.lower, params.upper);
  if (op === 'atan2') return math.atan2(inputs[0], inputs[1]);
  if (['normalize', 'resize', 'center_crop'].includes(op)) return runTransform(op, inputs[0], shape, params);
  if (shape !== undefined) {
    // Through a WasmTensor: the same kernel, read in place.
    const tensor = new WasmTensor(inputs[0], shape);
    const result = math[op](tensor);
    const values = result.data();
    tensor.free();
    result.free();
    return values;
  }
  return math[op](inputs[0]);
}

const dir = process.argv[2];
await init();
const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
const math = new WasmAdvancedMath();
for (const entry of manifest.cases) {
  const Ctor = ARRAYS[entry.dtype];
  const inputs = await Promise.all(entry.inputs.map((file) => load(dir, file, Ctor)));
  const result = runCase(math, { ...entry, inputs });
  await writeFile(join(dir, `${entry.name}.out`), new Uint8Array(result.buffer, result.byteOffset, result.byteLength));
}
math.free();
