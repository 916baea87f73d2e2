/**
 * Component versions of the loaded rt_core.wasm and its SIMD level.
 */
import { configurationError } from './errors.js';
import { readCString, requireCore } from './core.js';

/** enum rt_component. */
const COMPONENT_CORE = 0;
const COMPONENT_MATH = 1;
const COMPONENT_QUALITY = 2;
const COMPONENT_ANOMALY = 3;
const COMPONENT_TRANSFORMS = 4;

function componentVersion(component, context) {
  const c = requireCore(context);
  const version = readCString(c, c.exports.rt_version(component));
  if (version === null) throw configurationError(`unknown component ${component}`, context);
  return version;
}

/** Version ("MAJOR.MINOR.PATCH") of the core: pool, errors, SIMD dispatch. */
export const wasm_core_version = () => componentVersion(COMPONENT_CORE, 'wasm_core_version');
/** Version of the math kernels. */
export const wasm_advanced_math_version = () => componentVersion(COMPONENT_MATH, 'wasm_advanced_math_version');
/** Version of the data-quality kernels ("0.0.0" until they exist). */
export const wasm_quality_metrics_version = () =>
  componentVersion(COMPONENT_QUALITY, 'wasm_quality_metrics_version');
/** Version of the anomaly-detection kernels ("0.0.0" until they exist). */
export const wasm_anomaly_detection_version = () =>
  componentVersion(COMPONENT_ANOMALY, 'wasm_anomaly_detection_version');
/** Version of the transform kernels. */
export const wasm_transforms_version = () => componentVersion(COMPONENT_TRANSFORMS, 'wasm_transforms_version');

/**
 * Name of the SIMD variant the kernels use: "wasm-simd128" (or "scalar").
 *
 * @returns {string}
 */
export function simdLevel() {
  const c = requireCore('simdLevel');
  return readCString(c, c.exports.rt_simd_name(c.exports.rt_simd_active())) ?? 'unknown';
}
