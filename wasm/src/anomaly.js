/**
 * WasmAnomalyDetector: the anomaly kernels of csrc/anomaly (rt/anomaly.h
 * maps one to one onto these methods), the same C code as
 * rt_pandas.anomaly, so the same scores:
 *
 * - detect_statistical(data): z-score (or IQR, MAD) of every value against
 *   the whole column; the values scoring above the threshold;
 * - detect_isolation_forest(tensor, n_trees): an Isolation Forest grown on
 *   the rows (sub-samples of 256, a fixed seed) and scored on them;
 * - detect_realtime(value): a z-score against the previous window_size
 *   values, a record when it is an anomaly, else null;
 * - get_statistics(), set_threshold(t).
 *
 * Missing values (null, NaN, Arrow nulls) are never anomalies.
 */
import { validationError } from './errors.js';
import { check, checkSize, copyIn, copyOut, requireCore, withPoolBuffers } from './core.js';
import { Resource } from './resource.js';
import { numericColumn, rowValue, stageColumn } from './numeric_column.js';

/** enum rt_anomaly_method. */
const METHODS = Object.freeze({ zscore: 1, iqr: 2, mad: 3 });

/** rt_anomaly_record: int64 index, doubles value, score, mean, std, int32 is_anomaly. */
function readRecord(c) {
  const view = new DataView(c.memory.buffer);
  const at = c.outPtr;
  return {
    index: Number(view.getBigInt64(at, true)),
    value: view.getFloat64(at + 8, true),
    score: view.getFloat64(at + 16, true),
    mean: view.getFloat64(at + 24, true),
    std: view.getFloat64(at + 32, true),
  };
}

/** rt_anomaly_detector_stats: 5 int64 then threshold, mean, std. */
function readDetectorStats(c) {
  const view = new DataView(c.memory.buffer);
  const at = c.outPtr;
  const int = (i) => Number(view.getBigInt64(at + 8 * i, true));
  return {
    count: int(0),
    anomalies: int(1),
    missing: int(2),
    window_size: int(3),
    window_fill: int(4),
    threshold: view.getFloat64(at + 40, true),
    mean: view.getFloat64(at + 48, true),
    std: view.getFloat64(at + 56, true),
  };
}

/** rt_anomaly_summary: count, anomalies (int64), center, scale, lower, upper, q1, q3. */
function readSummary(c) {
  const view = new DataView(c.memory.buffer);
  const at = c.outPtr;
  const f = (i) => view.getFloat64(at + 8 * i, true);
  return {
    count: Number(view.getBigInt64(at, true)),
    anomalies: Number(view.getBigInt64(at + 8, true)),
    center: f(2), scale: f(3), lower: f(4), upper: f(5), q1: f(6), q3: f(7),
  };
}

function checkThreshold(threshold, context) {
  if (typeof threshold !== 'number' || !(threshold > 0) || threshold === Infinity) {
    throw validationError(`threshold must be a positive finite number, got ${threshold}`, context);
  }
  return threshold;
}

const now = () => (typeof performance === 'object' ? performance.now() : Date.now());

/** Rows x features of an isolation-forest input, as float64 row-major. */
function forestMatrix(data, context) {
  const col = numericColumn(data, context, 'tensor');
  const shape = col.shape ?? [col.length];
  if (shape.length > 2) throw validationError(`the tensor must be [rows] or [rows, features], got [${shape}]`, context);
  const rows = shape[0];
  const features = shape.length === 2 ? shape[1] : 1;
  const values = Float64Array.from(col.tensor !== undefined ? col.tensor.data() : col.values);
  if (col.bitmap !== null) {
    for (let i = 0; i < col.length; i++) if ((col.bitmap[i >> 3] & (1 << (i & 7))) === 0) values[i] = NaN;
  }
  return { values, rows, features };
}

/**
 * Batch and streaming anomaly detection.
 *
 *     const detector = new WasmAnomalyDetector(2.5, 100);   // threshold, window_size
 *     detector.detect_statistical(series);   // [{index, value, score}, ...] with score > 2.5
 *     detector.detect_realtime(25);          // {index, value, score, mean, std} or null
 *     JSON.parse(detector.get_statistics()); // {count, anomalies, missing, window_size, ...}
 *     detector.free();
 */
export class WasmAnomalyDetector {
  #resource;
  #created;

  /**
   * @param {number} threshold  anomaly when the score exceeds it (> 0); z-scores for the
   *   statistical and streaming detection
   * @param {number} window_size  values in detect_realtime's sliding window (>= 2)
   */
  constructor(threshold, window_size) {
    const context = 'WasmAnomalyDetector';
    checkThreshold(threshold, context);
    checkSize(window_size, 'window_size', context);
    if (window_size < 2) throw validationError(`window_size must be >= 2, got ${window_size}`, context);
    const c = requireCore(context);
    check(c, c.exports.rt_anomaly_detector_new(threshold, BigInt(window_size), c.outPtr, c.errPtr), 'rt_anomaly_detector_new');
    const handle = new DataView(c.memory.buffer).getUint32(c.outPtr, true);
    this.#resource = new Resource(this, c, handle, (owner, ptr) => owner.exports.rt_anomaly_detector_free(ptr, owner.errPtr), context);
    this.#created = now();
  }

  #stats(context) {
    const c = this.#resource.live(context);
    check(c, c.exports.rt_anomaly_detector_statistics(this.#resource.ptr, c.outPtr, c.errPtr), 'rt_anomaly_detector_statistics');
    return readDetectorStats(c);
  }

  /**
   * Scores every value against the whole column and returns the anomalies,
   * in row order: `{index, value, score}` for each value whose score
   * exceeds the detector's threshold.
   *
   * @param {unknown} data  a WasmTensor, typed array, number[] or numeric Arrow vector
   * @param {{method?: 'zscore' | 'iqr' | 'mad'}} [options]  zscore: |x - mean| / std
   *   (population); iqr: distance outside [Q1, Q3] in IQRs; mad: |x - median| / (1.4826 MAD)
   * @returns {{index: number, value: number, score: number}[]}
   */
  detect_statistical(data, options = {}) {
    const context = 'WasmAnomalyDetector.detect_statistical';
    const method = options?.method ?? 'zscore';
    if (!Object.hasOwn(METHODS, method)) {
      throw validationError(`method must be one of ${Object.keys(METHODS).join(', ')}, got ${method}`, context);
    }
    const { threshold } = this.#stats(context);
    const col = numericColumn(data, context);
    const c = requireCore(context);
    return withPoolBuffers(c, (alloc) => {
      const scoresPtr = alloc(col.length * 8);
      const flagsPtr = alloc(col.length);
      const staged = stageColumn(c, col, alloc, context);
      check(c, c.exports.rt_anomaly_statistical(METHODS[method], threshold, col.dtype, staged.data, staged.validity,
        0n, BigInt(col.length), scoresPtr, flagsPtr, c.outPtr, c.errPtr), 'rt_anomaly_statistical');
      // Views, not copies: no allocation follows, and only the flagged rows are read.
      const scores = new Float64Array(c.memory.buffer, scoresPtr, col.length);
      const flags = new Uint8Array(c.memory.buffer, flagsPtr, col.length);
      const found = [];
      for (let i = 0; i < col.length; i++) {
        if (flags[i]) found.push({ index: i, value: rowValue(c, col, staged, i), score: scores[i] });
      }
      return found;
    });
  }

  /**
   * The summary of a statistical detection (count, anomalies, center, scale,
   * lower and upper value fences, q1, q3) and every value's score.
   *
   * @returns {{summary: object, scores: Float64Array}}
   */
  statistical_scores(data, options = {}) {
    const context = 'WasmAnomalyDetector.statistical_scores';
    const method = options?.method ?? 'zscore';
    if (!Object.hasOwn(METHODS, method)) {
      throw validationError(`method must be one of ${Object.keys(METHODS).join(', ')}, got ${method}`, context);
    }
    const { threshold } = this.#stats(context);
    const col = numericColumn(data, context);
    const c = requireCore(context);
    return withPoolBuffers(c, (alloc) => {
      const scoresPtr = alloc(col.length * 8);
      const staged = stageColumn(c, col, alloc, context);
      check(c, c.exports.rt_anomaly_statistical(METHODS[method], threshold, col.dtype, staged.data, staged.validity,
        0n, BigInt(col.length), scoresPtr, 0, c.outPtr, c.errPtr), 'rt_anomaly_statistical');
      const summary = readSummary(c);
      return { summary, scores: copyOut(c, scoresPtr, Float64Array, col.length) };
    });
  }

  /**
   * Grows an Isolation Forest of `n_trees` trees on the rows and scores
   * them: `2^(-E[h(x)] / c(psi))` in (0, 1], about 1 for anomalies, below
   * 0.5 for normal rows. Returns `{index, score}` (and `value` for one
   * feature) for the rows scoring above `options.score_threshold` (0.5,
   * scikit-learn's "auto" rule), most anomalous first.
   *
   * @param {unknown} tensor  `[rows]` or `[rows, features]` (a WasmTensor; arrays and Arrow vectors are one feature)
   * @param {number} n_trees
   * @param {{seed?: number, score_threshold?: number, all_scores?: boolean}} [options]
   *   seed fixes the forest (0); all_scores returns every row's score as a Float64Array instead
   */
  detect_isolation_forest(tensor, n_trees, options = {}) {
    const context = 'WasmAnomalyDetector.detect_isolation_forest';
    this.#resource.live(context);
    checkSize(n_trees, 'n_trees', context);
    const seed = options?.seed ?? 0;
    if (!Number.isSafeInteger(seed) || seed < 0) throw validationError(`seed must be a non-negative integer, got ${seed}`, context);
    const scoreThreshold = options?.score_threshold ?? 0.5;
    if (typeof scoreThreshold !== 'number' || Number.isNaN(scoreThreshold)) {
      throw validationError(`score_threshold must be a number, got ${scoreThreshold}`, context);
    }
    const { values, rows, features } = forestMatrix(tensor, context);
    const c = requireCore(context);
    const scores = withPoolBuffers(c, (alloc) => {
      const scoresPtr = alloc(rows * 8);
      const x = alloc(values.byteLength);
      copyIn(c, x, values);
      check(c, c.exports.rt_anomaly_isolation_forest(x, BigInt(rows), BigInt(features), n_trees, BigInt(seed),
        scoresPtr, c.errPtr), 'rt_anomaly_isolation_forest');
      return copyOut(c, scoresPtr, Float64Array, rows);
    });
    if (options?.all_scores) return scores;
    const found = [];
    for (let i = 0; i < rows; i++) {
      if (scores[i] > scoreThreshold) {
        found.push(features === 1 ? { index: i, value: values[i], score: scores[i] } : { index: i, score: scores[i] });
      }
    }
    return found.sort((a, b) => b.score - a.score || a.index - b.index);
  }

  /**
   * Scores one value against the previous window_size valid values, then
   * adds it to the window. Returns `{index, value, score, mean, std}` when
   * it is an anomaly, else null (also during warm-up and for a missing
   * value: null, undefined or NaN).
   *
   * @param {number | null | undefined} value
   */
  detect_realtime(value) {
    const context = 'WasmAnomalyDetector.detect_realtime';
    const c = this.#resource.live(context);
    const x = value === null || value === undefined ? NaN : value;
    if (typeof x !== 'number') throw validationError(`value must be a number or null, not ${typeof value}`, context);
    const hit = c.exports.rt_anomaly_detector_push(this.#resource.ptr, x);
    if (hit === 0) return null;
    check(c, c.exports.rt_anomaly_detector_last(this.#resource.ptr, c.outPtr, c.errPtr), 'rt_anomaly_detector_last');
    return readRecord(c);
  }

  /**
   * Totals of the streaming detection as JSON: count (values seen), anomalies,
   * missing, window_size, window_fill, threshold, the window's mean and std
   * (null during warm-up) and throughput (values per second since creation).
   *
   * @returns {string}
   */
  get_statistics() {
    const stats = this.#stats('WasmAnomalyDetector.get_statistics');
    const seconds = (now() - this.#created) / 1000;
    stats.throughput = seconds > 0 ? stats.count / seconds : 0;
    return JSON.stringify(stats);
  }

  /** Sets the threshold for the values and batches that follow (> 0). */
  set_threshold(threshold) {
    const context = 'WasmAnomalyDetector.set_threshold';
    const c = this.#resource.live(context);
    checkThreshold(threshold, context);
    check(c, c.exports.rt_anomaly_detector_set_threshold(this.#resource.ptr, threshold, c.errPtr), 'rt_anomaly_detector_set_threshold');
  }

  /** Whether free() was called. */
  get freed() {
    return this.#resource.freed;
  }

  /** Frees the detector's state (its window); later calls throw a WasmError. */
  free() {
    this.#resource.free();
  }
}
