/**
 * Ownership of linear-memory resources by JS objects.
 *
 * Every class of this module keeps a Resource: the instance it was made in,
 * an address (a pool buffer, or 0 when the object holds none) and how to
 * release it. `free()` releases it at once; a FinalizationRegistry releases
 * what users forget (whenever the garbage collector gets to it); any use
 * after free() throws a WasmError instead of reading memory that now
 * belongs to someone else.
 */
import { configurationError, validationError } from './errors.js';
import { errorFromRecord, getCore } from './core.js';

/** How a Resource's address is given back. */
export const releasePoolBuffer = (c, ptr) => c.exports.rt_pool_free(ptr, c.errPtr);

/**
 * Held values are `{owner, ptr, release}`; never the object itself (that
 * would keep it alive). Errors cannot be reported from here: a failing
 * release only leaves the buffer allocated.
 */
const finalizers = new FinalizationRegistry(({ owner, ptr, release }) => {
  if (ptr !== 0) release(owner, ptr);
});

export class Resource {
  #owner;
  #ptr;
  #release;
  #label;
  #held;
  #freed = false;

  /**
   * @param {object} target   the JS object whose collection releases the resource
   * @param {object | null} owner  the instance (from core.js) the address belongs to; null for none
   * @param {number} ptr      address in linear memory, or 0 for none
   * @param {(c: object, ptr: number) => number} release  returns an rt_status
   * @param {string} label    class name for error messages
   */
  constructor(target, owner, ptr, release, label) {
    this.#owner = owner;
    this.#ptr = ptr;
    this.#release = release;
    this.#label = label;
    this.#held = { owner, ptr, release };
    if (ptr !== 0) finalizers.register(target, this.#held, this);
  }

  /**
   * The owning instance, after checking the object is alive and belongs to
   * the instance init() loaded last (an earlier instance's memory is not
   * the one kernels now run in).
   */
  live(context) {
    if (this.#freed) {
      throw validationError(`this ${this.#label} has been freed; it cannot be used after free()`, context);
    }
    if (this.#owner !== null && this.#owner !== getCore()) {
      throw configurationError(
        `this ${this.#label} was made before the last init() loaded a new rt_core.wasm; make it again`,
        context,
      );
    }
    return this.#owner;
  }

  get ptr() {
    return this.#ptr;
  }

  get freed() {
    return this.#freed;
  }

  /** Releases the address now; a second call does nothing. */
  free() {
    if (this.#freed) return;
    this.#freed = true;
    if (this.#ptr === 0) return;
    finalizers.unregister(this);
    const status = this.#release(this.#owner, this.#ptr);
    this.#ptr = 0;
    if (status !== 0) throw errorFromRecord(this.#owner, status, `${this.#label}.free`);
  }
}
