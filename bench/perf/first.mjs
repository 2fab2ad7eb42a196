// Time to the first list (issue 16), in a fresh page: a stored profile and
// the catalogue already in memory (ondevice: the compact form's bytes; the
// plain-JS ranker: the JSON text), then from the start of the work that a
// site's module script does to the first `rank({ limit: 20 })` result. Has
// no static import of the package, so that nothing is loaded before t0.
//
// ondevice, broken down as the default entry (index.js) does it: load the
// scripts (the glue and the embedded module, one char per byte), decode the
// string into bytes, compile, instantiate (through ondevice/slim's initSync,
// which is index.js's instantiation without the embedded string), open the
// stored profile, load the catalogue, rank.
const now = () => performance.now();

/** Fetches what the visitor's page would already hold. */
export async function prepare({ compactUrl, size }) {
  const bytes = new Uint8Array(await (await fetch(compactUrl)).arrayBuffer());
  const { catalogue } = await import('./gen.mjs');
  const text = JSON.stringify(catalogue(size));
  return { bytes, text };
}

export async function ondevice({ name, bytes }) {
  const t0 = now();
  const [{ default: wasmText }, slim] = await Promise.all([import('../../pkg/ondevice_wasm.js'), import('../../slim.js')]);
  const t1 = now();
  const wasm = typeof Uint8Array.fromBase64 === 'function' ? Uint8Array.fromBase64(btoa(wasmText)) : Uint8Array.from(wasmText, (c) => c.charCodeAt(0));
  const t2 = now();
  const module = new WebAssembly.Module(wasm);
  const t3 = now();
  slim.initSync({ module });
  const t4 = now();
  const p = new slim.Personalizer({ profile: name, storage: 'local' });
  const t5 = now();
  p.loadCompactCatalogue(bytes);
  const t6 = now();
  const top = p.rank({ limit: 20 });
  const t7 = now();
  const events = p.profileSummary().totalEvents;
  p.free();
  return { total: t7 - t0, scripts: t1 - t0, decode: t2 - t1, compile: t3 - t2, instantiate: t4 - t3, open: t5 - t4, load: t6 - t5, rank: t7 - t6, items: top.length, events };
}

/** The default entry as a site imports it (index.js), for the total only. */
export async function defaultEntry({ name, bytes }) {
  const t0 = now();
  const pkg = await import('../../index.js');
  await pkg.default();
  const p = new pkg.Personalizer({ profile: name, storage: 'local' });
  p.loadCompactCatalogue(bytes);
  const top = p.rank({ limit: 20 });
  const total = now() - t0;
  p.free();
  return { total, items: top.length };
}

export async function plain({ name, text }) {
  const t0 = now();
  const { PlainRanker } = await import('./plain-ranker.mjs');
  const t1 = now();
  const js = new PlainRanker({ storage: localStorage, key: `plain:${name}` }).open();
  const t2 = now();
  js.loadJSON(text);
  const t3 = now();
  const top = js.rank({ limit: 20 });
  const t4 = now();
  return { total: t4 - t0, scripts: t1 - t0, open: t2 - t1, load: t3 - t2, rank: t4 - t3, items: top.length, events: js.profile.history.events.length };
}
