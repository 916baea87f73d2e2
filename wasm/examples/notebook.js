// A small Observable notebook in the runtime's compiled form (what Observable exports):
// cells load rt-pandas-wasm and apache-arrow, build an Arrow table and run the module on
// its column. The same file runs in Node (wasm/test/observable.test.mjs) and in
// Chromium (wasm/examples/observable.html, with an import map for the bare names).
// The quality and anomaly cells pass the Arrow column itself: its nulls are missing values.

export default function define(runtime, observer) {
  const main = runtime.module();

  main.variable(observer('rt')).define('rt', async () => {
    const rt = await import('rt-pandas-wasm');
    await rt.default(); // init(): finds rt_core.wasm next to the module
    return rt;
  });

  main.variable(observer('Arrow')).define('Arrow', () => import('apache-arrow'));

  // A reading every minute: a slow wave, two spikes and two gaps (nulls).
  main.variable(observer('table')).define('table', ['Arrow'], (Arrow) => {
    const reading = Array.from({ length: 240 }, (_, i) => Math.sin(i / 20) + (i === 60 ? 6 : i === 181 ? -5 : 0));
    reading[30] = null;
    reading[200] = null;
    return Arrow.tableFromArrays({
      minute: Int32Array.from({ length: 240 }, (_, i) => i),
      reading: Arrow.vectorFromArray(reading, new Arrow.Float64()),
    });
  });

  main.variable(observer('readings')).define('readings', ['table'], (table) => table.getChild('reading'));

  main.variable(observer('math')).define('math', ['rt', 'invalidation'], (rt, invalidation) => {
    const math = new rt.WasmAdvancedMath();
    invalidation.then(() => math.free());
    return math;
  });

  main.variable(observer('squashed')).define('squashed', ['math', 'readings'], (math, readings) => math.tanh(readings));

  main.variable(observer('clipped')).define('clipped', ['rt', 'readings'], (rt, readings) => rt.clamp(readings, -1, 1));

  main.variable(observer('quality_report')).define('quality_report', ['rt', 'readings'], (rt, readings) => {
    const quality = new rt.WasmQualityMetrics(0.8);
    try {
      return JSON.parse(quality.quality_report(readings, { range: [-2, 2], name: 'reading' }));
    } finally {
      quality.free();
    }
  });

  main.variable(observer('anomalies')).define('anomalies', ['rt', 'readings'], (rt, readings) => {
    const detector = new rt.WasmAnomalyDetector(3, 60);
    try {
      return detector.detect_statistical(readings);
    } finally {
      detector.free();
    }
  });

  // What the tests read: plain JSON.
  main.variable(observer('summary')).define(
    'summary',
    ['rt', 'readings', 'squashed', 'clipped', 'quality_report', 'anomalies'],
    (rt, readings, squashed, clipped, quality_report, anomalies) => ({
      rows: readings.length,
      nulls: readings.nullCount,
      squashed: { type: String(squashed.type), nulls: squashed.nullCount, at60: squashed.get(60), at30: squashed.get(30) },
      clipped: { max: Math.max(...clipped.toArray().filter((_, i) => clipped.isValid(i))), nulls: clipped.nullCount },
      quality_report,
      anomalies,
      simd: rt.simdLevel(),
      bytes_in_use: JSON.parse(rt.MemoryManager.get_stats()).bytes_in_use,
    }),
  );

  return main;
}
