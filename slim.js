// ondevice/slim: the same API as the default entry, with the wasm module as
// a file of its own (`ondevice/ondevice.wasm`) instead of embedded in the
// JavaScript. The site fetches it (the package still makes no request) and
// passes the response, so the browser compiles it while it downloads and it
// is cached apart from the site's scripts; it saves what the embedded string
// costs. Needs `connect-src 'self'` (or wherever the site serves the file)
// besides `script-src 'self' 'wasm-unsafe-eval'`.
//
//   import init, { Personalizer } from 'ondevice/slim';
//   import wasmUrl from 'ondevice/ondevice.wasm?url'; // Vite; or any URL the site serves it at
//   await init({ module: fetch(wasmUrl) });
import * as bindings from './pkg/ondevice_bg.js';

let ready = null;

const imports = () => ({ './ondevice_bg.js': bindings });

function start(instance) {
  bindings.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
}

const usage = 'ondevice/slim: init({ module }) takes a WebAssembly.Module, a Response (or a promise of one) or the bytes of ondevice.wasm';

async function instantiate(source) {
  const module = await source;
  if (module instanceof WebAssembly.Module) return WebAssembly.instantiate(module, imports());
  if (typeof Response === 'function' && module instanceof Response) {
    if (!module.ok) throw new Error(`ondevice/slim: the response for ondevice.wasm is ${module.status} ${module.statusText} (${module.url})`);
    // Compiles while the bytes arrive; a server that sends another MIME
    // type than application/wasm gets the buffered path instead.
    if (typeof WebAssembly.instantiateStreaming === 'function' && /^application\/wasm\b/.test(module.headers.get('content-type') ?? '')) {
      return (await WebAssembly.instantiateStreaming(module, imports())).instance;
    }
    return (await WebAssembly.instantiate(await module.arrayBuffer(), imports())).instance;
  }
  if (module instanceof ArrayBuffer || ArrayBuffer.isView(module)) return (await WebAssembly.instantiate(module, imports())).instance;
  throw new TypeError(usage);
}

/**
 * Loads the wasm module from what the site passes. Every call after the
 * first returns the same promise; a failed load (a network error, a 404)
 * can be retried.
 * @param {{ module: WebAssembly.Module | Response | PromiseLike<Response> | BufferSource }} options
 * @returns {Promise<void>}
 */
export default function init(options) {
  if (ready === null) {
    ready = instantiate(options?.module).then(start, (e) => {
      ready = null;
      throw e;
    });
  }
  return ready;
}

/**
 * Synchronous `init` from a compiled module or the bytes (workers, tests);
 * a no-op once loaded.
 * @param {{ module: WebAssembly.Module | BufferSource }} options
 */
export function initSync(options) {
  if (ready !== null) return;
  const source = options?.module;
  let module = source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) module = new WebAssembly.Module(source);
  if (!(module instanceof WebAssembly.Module)) throw new TypeError('ondevice/slim: initSync({ module }) takes a WebAssembly.Module or the bytes of ondevice.wasm');
  start(new WebAssembly.Instance(module, imports()));
  ready = Promise.resolve();
}

export { Personalizer } from './pkg/ondevice_bg.js';
