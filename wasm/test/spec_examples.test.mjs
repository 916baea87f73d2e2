// The spec's usage examples (../shared/seed/wasm-modules-spec.md), as written there with
// only the import path changed (and the placeholder data filled in).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import * as rt from '../index.js';
import { ready, poolStats } from './helpers.mjs';

await ready;

/** Captures console.log while `fn` runs. */
async function captureLog(fn) {
  const lines = [];
  const original = console.log;
  console.log = (...args) => lines.push(args.map(String).join(' '));
  try {
    await fn();
  } finally {
    console.log = original;
  }
  return lines;
}

test('Version Information', async () => {
  const { wasm_advanced_math_version, wasm_quality_metrics_version, wasm_transforms_version,
    wasm_anomaly_detection_version } = rt;
  const lines = await captureLog(() => {
    console.log(wasm_advanced_math_version());
    console.log(wasm_quality_metrics_version());
    console.log(wasm_transforms_version());
    console.log(wasm_anomaly_detection_version());
  });
  lines.forEach((line) => assert.match(line, /^\d+\.\d+\.\d+$/));
});

test('Memory Management: Usage Patterns', async () => {
  const { MemoryManager, WasmTensor, WasmAdvancedMath } = rt;
  const math = new WasmAdvancedMath();
  const lines = await captureLog(() => {
    // Initialize memory pool (optional - auto-initializes if needed)
    MemoryManager.init_pool(100);

    // Operations automatically use pooled memory
    const tensor = new WasmTensor([1, 2, 3, 4], [2, 2]);
    const result = math.sinh(tensor);

    // Check performance statistics
    console.log(MemoryManager.get_stats());
    console.log(MemoryManager.cache_efficiency());
    tensor.free();
    result.free();
  });
  const stats = JSON.parse(lines[0]);
  for (const key of ['small', 'medium', 'large', 'hit_rate', 'memory_saved_bytes']) assert.ok(key in stats, key);
  assert.ok(Number(lines[1]) >= 0 && Number(lines[1]) <= 1);
  math.free();
});

test('Basic Operations: tensor and advanced math', () => {
  const { WasmTensor, WasmAdvancedMath } = rt;
  // Create tensor
  const data = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const tensor = new WasmTensor(data, [3, 3]);

  // Advanced math
  const math = new WasmAdvancedMath();
  const result = math.tanh(tensor);
  assert.deepEqual(result.shape(), [3, 3]);
  assert.ok(result.data().every((v, i) => Math.abs(v - Math.tanh(data[i])) < 1e-7));

  // Cleanup
  tensor.free();
  result.free();
  math.free();
});

test('Basic Operations: the whole example', async () => {
  const { WasmTensor, WasmAdvancedMath, WasmQualityMetrics } = rt;
  const lines = await captureLog(() => {
    // Create tensor
    const data = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const tensor = new WasmTensor(data, [3, 3]);

    // Advanced math
    const math = new WasmAdvancedMath();
    const result = math.tanh(tensor);

    // Quality assessment
    const quality = new WasmQualityMetrics(0.8);
    const score = quality.overall_quality(tensor);
    const report = quality.quality_report(tensor);

    console.log(`Quality score: ${score}`);
    console.log(`Report: ${report}`);

    // Cleanup
    tensor.free();
    result.free();
    math.free();
    quality.free();
  });
  // Every metric of 1..9 is 1 (complete, finite, distinct, within the robust bounds).
  assert.equal(lines[0], 'Quality score: 1');
  const report = JSON.parse(lines[1].slice('Report: '.length));
  assert.equal(report.passed, true);
  assert.equal(report.columns[0].rows, 9);
});

test('Pipeline Processing', async () => {
  const { WasmTransformPipeline, WasmTensor } = rt;
  const imageData = new Float32Array(224 * 224 * 3).map((_, i) => (i % 256) / 255);
  const before = poolStats().bytes_in_use;
  const lines = await captureLog(() => {
    // Create processing pipeline
    const pipeline = new WasmTransformPipeline(true); // Enable caching

    // Add transforms
    pipeline.add_transform("normalize");
    pipeline.add_transform("resize");
    pipeline.add_transform("center_crop");

    // Process data
    const input = new WasmTensor(imageData, [224, 224, 3]);
    const processed = pipeline.execute(input);

    // Get performance stats
    console.log(pipeline.get_stats());
    assert.deepEqual(processed.shape(), [224, 224, 3]);

    // Cleanup
    input.free();
    processed.free();
    pipeline.free();
  });
  const stats = JSON.parse(lines[0]);
  assert.deepEqual(stats.transforms.map((t) => t.name), ['normalize', 'resize', 'center_crop']);
  assert.equal(poolStats().bytes_in_use, before);
});

test('Anomaly Detection', async () => {
  const { WasmAnomalyDetector, WasmTensor } = rt;
  const series = Array.from({ length: 1000 }, (_, i) => Math.sin(i / 10) + (i === 500 ? 10 : 0));
  // A stream longer than the window (values are scored once 100 have been seen), one spike.
  const streamingData = Array.from({ length: 300 }, (_, i) => Math.sin(i / 10) + (i === 250 ? 25 : 0));
  const lines = await captureLog(() => {
    // Create detector
    const detector = new WasmAnomalyDetector(2.5, 100); // threshold=2.5, window=100

    // Batch detection
    const data = new WasmTensor(series, [1000]);
    const anomalies = detector.detect_statistical(data);
    assert.deepEqual(anomalies.map((a) => a.index), [500]);

    // Real-time detection
    for (let value of streamingData) {
      const anomaly = detector.detect_realtime(value);
      if (anomaly) {
        console.log(`Anomaly detected: ${JSON.stringify(anomaly)}`);
      }
    }

    // Performance statistics
    console.log(detector.get_statistics());

    // Cleanup
    detector.free();
    data.free();
  });
  const detected = lines.filter((line) => line.startsWith('Anomaly detected'));
  assert.deepEqual(detected.map((line) => JSON.parse(line.slice('Anomaly detected: '.length)).index), [250]);
  const stats = JSON.parse(lines.at(-1));
  assert.equal(stats.count, 300);
  assert.equal(stats.anomalies, 1);
});
