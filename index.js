// ondevice package entry.
//
// The wasm module is embedded in pkg/ondevice_wasm.js as base64 and
// instantiated from those bytes: loading ondevice makes no request (there is
// no `fetch` anywhere in the package), works the same in bundlers, plain
// <script type="module"> pages and Node, and needs only
// `script-src 'self' 'wasm-unsafe-eval'` under a Content-Security-Policy.
import * as bindings from './pkg/ondevice_bg.js';
import wasmBase64 from './pkg/ondevice_wasm.js';

let ready = null;

// The native decoders take well under a millisecond; the atob loop, the
// fallback for older browsers, several (it runs before any JIT warms up).
function bytes() {
  if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(wasmBase64);
  if (typeof globalThis.Buffer === 'function') return new Uint8Array(globalThis.Buffer.from(wasmBase64, 'base64'));
  const text = atob(wasmBase64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

const imports = () => ({ './ondevice_bg.js': bindings });

function start(instance) {
  bindings.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
}

/**
 * Loads the wasm module. Idempotent: every call returns the same promise.
 * Compiles synchronously where the engine allows (saves ~0.5 ms of task hops
 * in Chromium), else through the promise-based API.
 * @returns {Promise<void>}
 */
export default function init() {
  if (ready === null) {
    const wasm = bytes();
    let module;
    try {
      module = new WebAssembly.Module(wasm);
    } catch {
      // Refused on this thread, or invalid: the promise-based API decides.
      return (ready = WebAssembly.instantiate(wasm, imports()).then(({ instance }) => start(instance)));
    }
    try {
      start(new WebAssembly.Instance(module, imports()));
      ready = Promise.resolve();
    } catch (e) {
      ready = Promise.reject(e);
    }
  }
  return ready;
}

/** Synchronous `init()` for workers and tests; a no-op once loaded. */
export function initSync() {
  if (ready === null) {
    start(new WebAssembly.Instance(new WebAssembly.Module(bytes()), imports()));
    ready = Promise.resolve();
  }
}

export { Personalizer } from './pkg/ondevice_bg.js';
