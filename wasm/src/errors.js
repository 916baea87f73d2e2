/**
 * The one error type of rt-pandas-wasm.
 *
 * C failures arrive as an rt_status plus the rt_error record the core
 * filled; JS-side checks (bad arguments, freed objects, calls before
 * init()) use the same four categories.
 */

/**
 * Error thrown by every function of this module.
 *
 * `error_type` is one of 'ValidationError', 'ComputationError',
 * 'MemoryError', 'ConfigurationError'; `context` names the C function (or
 * JS function / argument) concerned.
 */
export class WasmError extends Error {
  /**
   * @param {string} message
   * @param {string} error_type
   * @param {string} [context]
   * @param {{cause?: unknown}} [options]
   */
  constructor(message, error_type, context = '', options = undefined) {
    super(message, options);
    this.name = 'WasmError';
    this.error_type = error_type;
    this.context = context;
  }

  /** The spec's plain shape: `{message, error_type, context}`. */
  toJSON() {
    return { message: this.message, error_type: this.error_type, context: this.context };
  }

  toString() {
    return `${this.name} [${this.error_type}]: ${this.message}` + (this.context ? ` (in ${this.context})` : '');
  }
}

export const validationError = (message, context) => new WasmError(message, 'ValidationError', context);

export const configurationError = (message, context, cause) =>
  new WasmError(message, 'ConfigurationError', context, cause === undefined ? undefined : { cause });
