/**
 * WasmQualityMetrics: the data-quality metrics of rt_pandas.quality on one
 * numeric column, over the same C kernels (csrc/quality), so the numbers are
 * the Python ones (definitions in docs/quality.md):
 *
 * - completeness: non-missing values / rows (null and NaN are missing);
 * - validity: finite values / non-missing values;
 * - accuracy(min, max): values within [min, max] / non-missing values;
 * - uniqueness: values occurring exactly once / non-missing values;
 * - consistency: values within median +/- k * 1.4826 * MAD / non-missing values;
 * - overall_quality: the mean of those that apply (accuracy only with a range).
 *
 * A ratio with a zero denominator (no rows; no non-missing values) is null.
 */
import { validationError } from './errors.js';
import { check, requireCore, withPoolBuffers } from './core.js';
import { Resource } from './resource.js';
import { numericColumn, stageColumn } from './numeric_column.js';

export const METRICS = Object.freeze(['completeness', 'validity', 'accuracy', 'uniqueness', 'consistency']);
const SCHEMA = 'rt-pandas/quality-report';
const SCHEMA_VERSION = 1;
const DTYPE_NAMES = { 1: 'float32', 2: 'float64' };

/** rt_sorted_profile: 4 int64, 6 doubles, 1 int64. */
const SORTED_PROFILE_FIELDS = [
  ['count', 'i64'], ['distinct', 'i64'], ['singletons', 'i64'], ['mode_count', 'i64'],
  ['mode', 'f64'], ['median', 'f64'], ['mad', 'f64'], ['mean_abs_dev', 'f64'],
  ['consistent_lo', 'f64'], ['consistent_hi', 'f64'], ['consistent', 'i64'],
];

function readStruct(c, fields) {
  const view = new DataView(c.memory.buffer);
  const out = {};
  fields.forEach(([name, type], i) => {
    const at = c.outPtr + 8 * i;
    out[name] = type === 'i64' ? Number(view.getBigInt64(at, true)) : view.getFloat64(at, true);
  });
  return out;
}

const ratio = (part, whole) => (whole === 0 ? null : part / whole);

/** A [min, max] pair of numbers, neither NaN, min <= max. */
function checkRange(range, context) {
  if (!Array.isArray(range) || range.length !== 2 || range.some((v) => typeof v !== 'number')) {
    throw validationError(`a range is a pair [min, max] of numbers, got ${JSON.stringify(range)}`, context);
  }
  const [lo, hi] = range;
  if (Number.isNaN(lo) || Number.isNaN(hi)) throw validationError('range bounds must not be NaN', context);
  if (lo > hi) throw validationError(`range [${lo}, ${hi}] has min > max`, context);
  return [lo, hi];
}

/**
 * Counts behind every metric in one pass of the kernels: missing and
 * non-finite counts, the sorted-key profile (distinct, singletons, robust
 * bounds) and the values within each range.
 */
function profile(data, k, ranges, context) {
  const col = numericColumn(data, context);
  const c = requireCore(context);
  const e = c.exports;
  return withPoolBuffers(c, (alloc) => {
    const keys = alloc(col.length * 8);
    const { data: ptr, validity } = stageColumn(c, col, alloc, context);
    const length = BigInt(col.length);
    check(c, e.rt_quality_count_values(col.dtype, ptr, validity, 0n, length, c.outPtr, c.errPtr), 'rt_quality_count_values');
    const { nulls, nans, infinities } = readStruct(c, [['nulls', 'i64'], ['nans', 'i64'], ['infinities', 'i64']]);
    check(c, e.rt_quality_gather_keys(col.dtype, ptr, validity, 0n, length, keys, c.outPtr, c.errPtr), 'rt_quality_gather_keys');
    const n = new DataView(c.memory.buffer).getBigInt64(c.outPtr, true);
    check(c, e.rt_quality_sort_keys(keys, n, c.errPtr), 'rt_quality_sort_keys');
    const kind = e.rt_quality_key_kind(col.dtype);
    check(c, e.rt_quality_sorted_profile(kind, keys, n, k, c.outPtr, c.errPtr), 'rt_quality_sorted_profile');
    const sorted = readStruct(c, SORTED_PROFILE_FIELDS);
    const inRange = ranges.map(([lo, hi]) => {
      check(c, e.rt_quality_sorted_count_between(kind, keys, n, lo, hi, c.outPtr, c.errPtr), 'rt_quality_sorted_count_between');
      return Number(new DataView(c.memory.buffer).getBigInt64(c.outPtr, true));
    });
    return { rows: col.length, dtype: DTYPE_NAMES[col.dtype], nulls, nans, infinities, sorted, inRange };
  });
}

/** Every metric of a profile, as rt_pandas.quality's ColumnQuality (float columns, NaN missing). */
function metricsOf(p, range) {
  const missing = p.nulls + p.nans;
  const present = p.rows - missing;
  const s = p.sorted;
  return {
    rows: p.rows,
    missing,
    completeness: ratio(present, p.rows),
    validity: ratio(present - p.infinities, present),
    accuracy: range === null ? null : ratio(p.inRange[0], present),
    uniqueness: ratio(s.singletons, present),
    consistency: ratio(s.consistent, present),
    distinctness: ratio(s.distinct, present),
    distinct: s.distinct,
    consistency_bounds: s.count ? [s.consistent_lo, s.consistent_hi] : null,
  };
}

/** Weighted mean of the metrics that apply; null when none does. */
function overallOf(metrics, weights) {
  let total = 0;
  let weightSum = 0;
  for (const name of METRICS) {
    const value = metrics[name];
    if (value === null || weights[name] === 0) continue;
    total += weights[name] * value;
    weightSum += weights[name];
  }
  return weightSum === 0 ? null : total / weightSum;
}

/** Python's `f"{value:g}"`: 6 significant digits, trailing zeros dropped. */
export function formatG(value) {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, exponentText] = value.toExponential(5).split('e');
  const exponent = Number(exponentText);
  const strip = (text) => (text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text);
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+';
    return `${strip(mantissa)}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return strip(value.toFixed(5 - exponent));
}

const percent = (share) => `${(100 * share).toFixed(1)}%`;

/** The report's findings for one column, worded as rt_pandas.quality's. */
function findingsOf(name, m) {
  if (m.rows === 0) return [`${name}: no rows`];
  const found = [];
  if (m.completeness < 1) found.push(`${name}: ${percent(1 - m.completeness)} of values missing`);
  if (m.completeness === 0) return found;
  if (m.accuracy !== null && m.accuracy < 1) {
    const [lo, hi] = m.accuracy_range;
    found.push(`${name}: ${percent(1 - m.accuracy)} of values outside [${formatG(lo)}, ${formatG(hi)}]`);
  }
  if (m.validity !== null && m.validity < 1) {
    found.push(`${name}: ${percent(1 - m.validity)} of values invalid (rule: finite)`);
  }
  if (m.consistency !== null && m.consistency < 1) {
    const [lo, hi] = m.consistency_bounds;
    found.push(`${name}: ${percent(1 - m.consistency)} of values outside the robust bounds [${formatG(lo)}, ${formatG(hi)}]`);
  }
  if (m.uniqueness !== null && m.uniqueness < 1) {
    found.push(`${name}: ${percent(m.uniqueness)} of values occur exactly once (${m.distinct} distinct values)`);
  }
  return found;
}

/** Metric weights, equal by default; unknown names, negative, infinite or NaN weights are errors. */
function checkWeights(weights, context) {
  const result = Object.fromEntries(METRICS.map((m) => [m, 1]));
  if (weights === undefined || weights === null) return result;
  if (typeof weights !== 'object') throw validationError('weights must be an object of metric -> weight', context);
  for (const [metric, weight] of Object.entries(weights)) {
    if (!METRICS.includes(metric)) {
      throw validationError(`unknown metric ${metric} in weights; known: ${METRICS.join(', ')}`, context);
    }
    if (typeof weight !== 'number' || !(weight >= 0) || weight === Infinity) {
      throw validationError(`weight of ${metric} must be a finite number >= 0, got ${weight}`, context);
    }
    result[metric] = weight;
  }
  if (METRICS.reduce((sum, m) => sum + result[m], 0) <= 0) throw validationError('weights must sum to a positive number', context);
  return result;
}

/**
 * Data-quality metrics of one numeric column.
 *
 *     const quality = new WasmQualityMetrics(0.8);
 *     quality.completeness([1, 2, null, 4]);          // 0.75
 *     quality.accuracy([1, 5, 50], 0, 10);            // 0.6666666666666666
 *     JSON.parse(quality.quality_report(table.getChild("t"), { range: [0, 100], name: "t" })).passed;
 *     quality.free();
 *
 * Every method takes a WasmTensor, a Float32Array / Float64Array, a plain
 * array (null is missing) or an arrow-js numeric Vector (its nulls are
 * missing). NaN is missing too, as in pandas.
 */
export class WasmQualityMetrics {
  #resource;
  #threshold;
  #k;
  #weights;

  /**
   * @param {number} threshold  quality_report's `passed` is `overall >= threshold` (in [0, 1])
   * @param {{k?: number, weights?: Record<string, number>}} [options]
   *   k: width of consistency's robust bounds in MAD-based standard deviations (3.5);
   *   weights: metric -> weight of the overall score (equal by default; 0 leaves one out)
   */
  constructor(threshold, options = {}) {
    const context = 'WasmQualityMetrics';
    if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
      throw validationError(`threshold must be a number in [0, 1], got ${threshold}`, context);
    }
    const { k = 3.5, weights } = options ?? {};
    if (typeof k !== 'number' || !(k > 0) || k === Infinity) {
      throw validationError(`k must be a positive finite number, got ${k}`, context);
    }
    this.#weights = checkWeights(weights, context);
    this.#threshold = threshold;
    this.#k = k;
    this.#resource = new Resource(this, null, 0, null, 'WasmQualityMetrics');
  }

  #metrics(data, range, context) {
    this.#resource.live(context);
    const checked = range === null ? null : checkRange(range, context);
    const p = profile(data, this.#k, checked === null ? [] : [checked], context);
    return { ...metricsOf(p, checked), dtype: p.dtype, accuracy_range: checked };
  }

  /** Non-missing values / rows (null for no rows). @returns {number | null} */
  completeness(data) {
    return this.#metrics(data, null, 'WasmQualityMetrics.completeness').completeness;
  }

  /** Values within [min, max] / non-missing values. NaN bounds or min > max: ValidationError. */
  accuracy(data, min, max) {
    return this.#metrics(data, [min, max], 'WasmQualityMetrics.accuracy').accuracy;
  }

  /** Values within median +/- k * 1.4826 * MAD / non-missing values. */
  consistency(data) {
    return this.#metrics(data, null, 'WasmQualityMetrics.consistency').consistency;
  }

  /** Finite values / non-missing values. */
  validity(data) {
    return this.#metrics(data, null, 'WasmQualityMetrics.validity').validity;
  }

  /** Values occurring exactly once / non-missing values. */
  uniqueness(data) {
    return this.#metrics(data, null, 'WasmQualityMetrics.uniqueness').uniqueness;
  }

  /**
   * Weighted mean of the metrics that apply (accuracy only with `range`).
   * @param {{range?: [number, number]}} [options]
   */
  overall_quality(data, options = {}) {
    const m = this.#metrics(data, options?.range ?? null, 'WasmQualityMetrics.overall_quality');
    return overallOf(m, this.#weights);
  }

  /**
   * The report of rt_pandas.quality (schema "rt-pandas/quality-report",
   * docs/quality.md) for this one column, as a JSON string.
   * @param {{range?: [number, number], name?: string}} [options]
   * @returns {string}
   */
  quality_report(data, options = {}) {
    const name = String(options?.name ?? 'x');
    const m = this.#metrics(data, options?.range ?? null, 'WasmQualityMetrics.quality_report');
    const overall = overallOf(m, this.#weights);
    const column = {
      name, dtype: m.dtype, kind: 'float', rows: m.rows, missing: m.missing,
      ...Object.fromEntries(METRICS.map((metric) => [metric, m[metric]])),
      overall, validity_rule: 'finite', accuracy_range: m.accuracy_range,
      distinctness: m.distinctness, distinct: m.distinct, consistency_bounds: m.consistency_bounds,
    };
    return JSON.stringify({
      schema: SCHEMA, version: SCHEMA_VERSION, rows: m.rows, threshold: this.#threshold,
      overall, passed: overall !== null && overall >= this.#threshold, exact: true,
      duplicate_rows: null, duplicate_row_share: null, weights: { ...this.#weights },
      columns: [column], findings: findingsOf(name, m),
    });
  }

  /** The threshold given to the constructor. */
  get threshold() {
    this.#resource.live('WasmQualityMetrics.threshold');
    return this.#threshold;
  }

  /** Whether free() was called. */
  get freed() {
    return this.#resource.freed;
  }

  /** Marks the object freed (it holds no linear memory); later calls throw a WasmError. */
  free() {
    this.#resource.free();
  }
}
