// Type-checked by wasm/test/types.test.mjs (tsc --noEmit): the spec's usage examples and
// the operand kinds against index.d.ts. Lines marked @ts-expect-error must not compile.
import init, {
  WasmTensor,
  WasmAdvancedMath,
  WasmQualityMetrics,
  WasmAnomalyDetector,
  WasmTransformPipeline,
  WasmNormalize,
  WasmResize,
  MemoryManager,
  WasmError,
  clamp,
  wasm_advanced_math_version,
  wasm_quality_metrics_version,
  wasm_transforms_version,
  wasm_anomaly_detection_version,
  type ArrowVectorLike,
  type PipelineStats,
  type QualityReport,
  type DetectorStatistics,
  type StreamingAnomaly,
  type WasmResult,
} from 'rt-pandas-wasm';

export async function basic(): Promise<void> {
  await init();
  const data = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const tensor = new WasmTensor(data, [3, 3]);
  const math = new WasmAdvancedMath();
  const result: WasmTensor = math.tanh(tensor);
  const values: Float32Array = result.data();
  const shape: number[] = result.shape();
  console.log(values, shape);
  tensor.free();
  result.free();
  math.free();
}

export function pipeline(imageData: Float32Array): void {
  const pipeline = new WasmTransformPipeline(true);
  pipeline.add_transform('normalize');
  pipeline.add_transform('resize');
  pipeline.add_transform('center_crop');
  pipeline.add_transform(new WasmResize(112, 112, 'area'));
  pipeline.add_transform(new WasmNormalize([0.5], [0.5], { layout: 'HWC' }));
  const input = new WasmTensor(imageData, [224, 224, 3]);
  const processed: WasmTensor = pipeline.execute(input);
  const stats: PipelineStats = JSON.parse(pipeline.get_stats());
  console.log(stats.cache_hits);
  input.free();
  processed.free();
  pipeline.free();
}

export function kinds(vector: ArrowVectorLike): void {
  const math = new WasmAdvancedMath();
  const a: Float32Array = math.sinh(new Float32Array(3));
  const b: Float64Array = math.sinh(new Float64Array(3));
  const c: Float64Array = math.sinh([1, 2, 3]);
  const d: ArrowVectorLike = math.sinh(vector);
  const e: Float64Array = clamp([1, 2], 0, 1);
  const f: Float64Array = math.atan2(new Float64Array(2), new Float64Array(2));
  // @ts-expect-error a Float32Array input does not give a Float64Array
  const g: Float64Array = math.tanh(new Float32Array(3));
  // @ts-expect-error strings are not operands
  math.tanh('1');
  console.log(a, b, c, d, e, f, g);
  MemoryManager.init_pool(100);
  console.log(MemoryManager.get_stats(), MemoryManager.cache_efficiency(), MemoryManager.gc());
  console.log(wasm_advanced_math_version(), wasm_quality_metrics_version(), wasm_transforms_version(),
    wasm_anomaly_detection_version());
  try {
    clamp(new Float32Array(1), 2, 1);
  } catch (error) {
    if (error instanceof WasmError) console.log(error.error_type, error.context, error.message);
  }
  const r: WasmResult<number> = { message: 'm', error_type: 'ValidationError', context: '' };
  console.log(r);
}

export function qualityAndAnomalies(vector: ArrowVectorLike, streamingData: number[]): void {
  const tensor = new WasmTensor(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), [3, 3]);
  const quality = new WasmQualityMetrics(0.8);
  const score: number | null = quality.overall_quality(tensor);
  const report: QualityReport = JSON.parse(quality.quality_report(vector, { range: [0, 100], name: 'reading' }));
  const accuracy: number | null = quality.accuracy([1, null, 3], 0, 2);
  // @ts-expect-error strings are not columns
  quality.completeness(['a']);
  console.log(score, report.passed, accuracy);
  quality.free();

  const detector = new WasmAnomalyDetector(2.5, 100);
  const data = new WasmTensor(new Float32Array(1000), [1000]);
  const anomalies = detector.detect_statistical(data);
  console.log(anomalies.map((a) => a.index), detector.detect_isolation_forest(data, 100)[0]?.score);
  const scores: Float64Array = detector.detect_isolation_forest(data, 100, { all_scores: true });
  for (const value of streamingData) {
    const anomaly: StreamingAnomaly | null = detector.detect_realtime(value);
    if (anomaly) console.log(`Anomaly detected: ${JSON.stringify(anomaly)}`);
  }
  const stats: DetectorStatistics = JSON.parse(detector.get_statistics());
  detector.set_threshold(3);
  console.log(scores.length, stats.anomalies);
  detector.free();
  data.free();
  tensor.free();
}
