export * from './pkg/ondevice.js';

/** What `init` loads the module from: the compiled module, the site's
 * response for `ondevice/ondevice.wasm` (or a promise of it), or its bytes. */
export interface SlimInitOptions {
  module: WebAssembly.Module | Response | PromiseLike<Response> | BufferSource;
}

/** Loads the wasm module from what the site passes (the package makes no
 * request). Calls after the first return the same promise; a failed load
 * can be retried. */
export default function init(options: SlimInitOptions): Promise<void>;

/** Synchronous `init` from a compiled module or the bytes; a no-op once loaded. */
export function initSync(options: { module: WebAssembly.Module | BufferSource }): void;
