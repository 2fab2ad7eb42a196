// ondevice package entry.
//
// The wasm module is embedded in pkg/ondevice_wasm.js as a string, one
// character per byte, and instantiated from those bytes: loading ondevice
// makes no request (there is no `fetch` anywhere in the package), works the
// same in bundlers, plain <script type="module"> pages and Node, and needs
// only `script-src 'self' 'wasm-unsafe-eval'` under a Content-Security-Policy.
import * as bindings from './pkg/ondevice_bg.js';
import wasmText from './pkg/ondevice_wasm.js';

let ready = null;

// Native paths first: Node's Buffer, then the browser's btoa +
// Uint8Array.fromBase64 (both native, well under a millisecond); the
// charCodeAt loop, for engines without fromBase64, takes a few.
function bytes() {
  if (typeof globalThis.Buffer === 'function') return new Uint8Array(globalThis.Buffer.from(wasmText, 'latin1'));
  if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(btoa(wasmText));
  const out = new Uint8Array(wasmText.length);
  for (let i = 0; i < wasmText.length; i++) out[i] = wasmText.charCodeAt(i);
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
