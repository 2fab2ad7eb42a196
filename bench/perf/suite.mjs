// The measurements, shared by Node (run.mjs) and headless Chromium (page.html).
// Each operation runs `warmup` times, then `runs` samples; a sample times a
// batch of calls long enough to be well above the timer's resolution and
// reports the time per call. The same operation is measured on ondevice and on
// the plain-JS ranker in the same environment.
import init, { Personalizer } from '../../index.js';
import { catalogue, profile, DAY_MS } from './gen.mjs';
import { PlainRanker, plainProfile } from './plain-ranker.mjs';

// The package does not expose its instance; the benchmark peeks at it to
// read the wasm memory size (init() uses the synchronous constructor where it
// can, the promise-based API otherwise).
let instance = null;
const Instance = WebAssembly.Instance;
WebAssembly.Instance = function (...args) {
  instance = new Instance(...args);
  return instance;
};
WebAssembly.Instance.prototype = Instance.prototype;
const instantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async function (...args) {
  const result = await instantiate.apply(this, args);
  instance = result.instance ?? result;
  return result;
};
const wasmMemory = () => instance?.exports.memory.buffer.byteLength ?? null;

const now = () => performance.now();

/** Median and p95 (nearest rank) of per-call times in ms. */
export function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { median: at(0.5), p95: at(0.95), n: s.length };
}

/**
 * Times `fn`: `warmup` calls, then batches sized so one batch takes at least
 * `minBatchMs`, `runs` batches. `before` runs untimed before each call.
 */
export function measure(fn, { runs = 15, warmup = 3, minBatchMs = 2, before = null } = {}) {
  for (let i = 0; i < warmup; i++) {
    before?.();
    fn();
  }
  let batch = 1;
  if (!before) {
    for (;;) {
      const t = now();
      for (let i = 0; i < batch; i++) fn();
      const dt = now() - t;
      if (dt >= minBatchMs || batch >= 4096) break;
      batch *= dt > 0 ? Math.min(16, Math.max(2, Math.ceil(minBatchMs / dt))) : 16;
    }
  }
  const samples = [];
  for (let r = 0; r < runs; r++) {
    let total = 0;
    for (let i = 0; i < batch; i++) {
      before?.();
      const t = now();
      fn();
      total += now() - t;
    }
    samples.push(total / batch);
  }
  return { ...stats(samples), batch };
}

function tryMeasure(fn, options) {
  try {
    fn();
  } catch (e) {
    return { error: String(e.message ?? e).slice(0, 160) };
  }
  return measure(fn, options);
}

/** In-memory localStorage for Node (ondevice itself falls back to memory there). */
export class MemoryStorage {
  constructor() {
    this.map = new Map();
  }
  getItem(k) {
    return this.map.has(k) ? this.map.get(k) : null;
  }
  setItem(k, v) {
    this.map.set(k, String(v));
  }
  removeItem(k) {
    this.map.delete(k);
  }
}

const plainStorage = globalThis.localStorage ?? new MemoryStorage();
const browser = typeof window !== 'undefined' && !!globalThis.localStorage;

/** Profile names of one catalogue size. */
export const profileName = (size, events) => `bench-${size}-${events}`;

/** Compact catalogue bytes, when this build has a compact form. */
async function compactForm(doc) {
  if (typeof Personalizer.prototype.loadCompactCatalogue !== 'function') return null;
  try {
    const { encodeCompact } = await import('./compact.mjs');
    return encodeCompact(doc);
  } catch {
    return null;
  }
}

/**
 * Everything measured for one catalogue size: loads, memory, then per profile
 * open, rank, rank with context, slider move and record.
 */
/** The bytes of the compact form version 2 that run.mjs wrote (the core's
 * writer), fetched in the page or read in Node; null without one. */
async function compactV2({ compactUrl, compactFile }) {
  try {
    if (compactFile) return new Uint8Array((await import('node:fs')).readFileSync(compactFile));
    if (compactUrl) return new Uint8Array(await (await fetch(compactUrl)).arrayBuffer());
  } catch {}
  return null;
}

export async function runSize({ size, profiles = [0, 200, 1000], runs = 15, warmup = 3, loadRuns = 7, loadsOnly = false, compactUrl = null, compactFile = null }) {
  await init();
  const t0 = now();
  const doc = catalogue(size);
  const text = JSON.stringify(doc);
  const compact = await compactForm(doc);
  const v2 = await compactV2({ compactUrl, compactFile });
  const out = { size, env: browser ? 'chromium' : 'node', jsonBytes: text.length, compactBytes: compact?.byteLength ?? null, generatedMs: now() - t0, ops: [], checks: [] };
  const memoryBefore = wasmMemory();

  const loader = new Personalizer({ storage: 'memory', profile: 'loader' });
  // Memory after one load of the form a site would use (compact when this
  // build has it), before any timed load: a rejected 115 MB JSON string is
  // copied into wasm memory before it is refused, and memory never shrinks.
  let loaded = false;
  for (const form of [compact, text]) {
    if (loaded || !form) continue;
    try {
      if (form === compact) loader.loadCompactCatalogue(form);
      else loader.loadCatalogue(form);
      loaded = true;
    } catch {}
  }
  const memoryAfterLoad = wasmMemory();
  const slow = size >= 100_000;
  const loadOptions = { runs: loadsOnly ? runs : slow ? Math.min(loadRuns, 5) : loadRuns, warmup: 1, minBatchMs: 0 };
  const record = (op, profileEvents, ondevice, js, extra = {}) => out.ops.push({ op, profile: profileEvents, ondevice, js, ...extra });

  // Loading: the JS ranker parses the same string / walks the same object.
  const plain = new PlainRanker();
  // The platform's own parser on the same text: the budget for loadCatalogue.
  record('JSON.parse (same text)', null, measure(() => JSON.parse(text), loadOptions), null);
  record('load JSON string', null, tryMeasure(() => loader.loadCatalogue(text), loadOptions), measure(() => plain.loadJSON(text), loadOptions));
  // The JSON file's bytes, as `await response.arrayBuffer()` gives them.
  const bytes = new TextEncoder().encode(text);
  const decoder = new TextDecoder();
  record('load JSON bytes', null, tryMeasure(() => loader.loadCatalogue(bytes), loadOptions), measure(() => plain.loadJSON(decoder.decode(bytes)), loadOptions));
  record('load object', null, tryMeasure(() => loader.loadCatalogue(doc), loadOptions), measure(() => plain.load(doc), loadOptions));
  if (compact) {
    record('load compact', null, tryMeasure(() => loader.loadCompactCatalogue(compact), loadOptions), null, { note: `${compact.byteLength} bytes vs ${text.length} of JSON` });
  }
  if (v2) {
    record('load compact v2', null, tryMeasure(() => loader.loadCompactCatalogue(v2), loadOptions), null, { note: `${v2.byteLength} bytes, 8-bit weights` });
  }
  loader.free();
  out.memory = { beforeLoad: memoryBefore, afterFirstLoad: memoryAfterLoad, afterLoads: wasmMemory() };
  if (!loaded || loadsOnly) return out;

  const contextItem = doc.items[Math.floor(size / 3)].id;
  const sliderCategory = doc.categories[3].id;
  for (const events of profiles) {
    const name = profileName(size, events);
    const exportDoc = profile(doc, events, { name });
    // Store the profile as a returning visitor would have it.
    const setup = new Personalizer({ profile: name, storage: browser ? 'local' : 'memory' });
    setup.importData(exportDoc);
    setup.free();
    plainStorage.setItem(`plain:${name}`, JSON.stringify(plainProfile(exportDoc)));

    const openRuns = { runs, warmup: 2, minBatchMs: 2 };
    let p = null;
    const opened = measure(() => {
      p?.free();
      p = new Personalizer({ profile: name, storage: browser ? 'local' : 'memory' });
    }, openRuns);
    if (!browser) p.importData(exportDoc);
    const js = new PlainRanker({ storage: plainStorage, key: `plain:${name}` });
    const jsOpened = measure(() => js.open(), openRuns);
    if (browser) record('open stored profile', events, opened, jsOpened);
    for (const form of [compact, text]) {
      if (!form) continue;
      try {
        if (form === compact) p.loadCompactCatalogue(form);
        else p.loadCatalogue(form);
        break;
      } catch {}
    }
    js.load(doc);

    const fast = { runs, warmup };
    const a = p.rank({ limit: 20 });
    const b = js.rank({ limit: 20 });
    out.checks.push(sameTop(`rank, ${events} events`, a, b));
    record('rank top-20 + reasons', events, measure(() => p.rank({ limit: 20 }), fast), measure(() => js.rank({ limit: 20 }), fast));
    const ctx = { limit: 20, context: { itemId: contextItem } };
    out.checks.push(sameTop(`rank with context, ${events} events`, p.rank(ctx), js.rank(ctx)));
    record('rank with context', events, measure(() => p.rank(ctx), fast), measure(() => js.rank(ctx), fast));
    // The site's say (issue 18), ondevice only: a category filter, and 1% of
    // the items out of stock; budget: at most 10% over 'rank top-20 + reasons'.
    const filtered = { limit: 20, filter: { excludeCategories: [doc.categories[0].id] } };
    record('rank with a site filter', events, measure(() => p.rank(filtered), fast), null);
    const gone = doc.items.filter((_, i) => i % 100 === 0).map((it) => it.id);
    p.setAvailability(gone, false);
    record('rank, 1% of items unavailable', events, measure(() => p.rank({ limit: 20 }), fast), null);
    p.setAvailability(gone, true);

    let x = 0;
    const slider = () => ({ categories: { [sliderCategory]: (x = (x + 1) % 20) / 20 - 0.5 } });
    record('slider: setPreferences + rank', events,
      measure(() => { p.setPreferences(slider()); p.rank({ limit: 20 }); }, fast),
      measure(() => { js.setPreferences(slider()); js.rank({ limit: 20 }); }, fast));
    const settled = { categories: { [sliderCategory]: 0.3 } };
    p.setPreferences(settled);
    js.setPreferences(settled);
    out.checks.push(sameTop(`rank after a slider move, ${events} events`, p.rank({ limit: 20 }), js.rank({ limit: 20 })));

    let k = 0;
    const event = () => ({ itemId: doc.items[(k = (k + 7919) % size)].id, kind: 'view' });
    record('record one event (+ storage write)', events,
      measure(() => p.record(event()), { runs, warmup, minBatchMs: 2 }),
      measure(() => js.record(event()), { runs, warmup, minBatchMs: 2 }));
    p.free();
  }
  out.memory.end = wasmMemory();
  return out;
}

function sameTop(what, a, b) {
  const ids = (xs) => xs.map((x) => x.id);
  const equalIds = ids(a).every((id, i) => id === ids(b)[i]) && a.length === b.length;
  const reasons = (xs) => JSON.stringify(xs.map((x) => x.reasons.map((r) => [r.kind, r.text])));
  const maxScoreDiff = Math.max(0, ...a.map((x, i) => Math.abs(x.score - (b[i]?.score ?? NaN))));
  return { what, sameIds: equalIds, sameReasons: reasons(a) === reasons(b), maxScoreDiff };
}

/**
 * Instantiation and opening, in a fresh page or process: `init()`, then
 * `new Personalizer` of one stored profile. Profiles must have been stored by
 * `runSize` (browser) or are imported here (Node, where ondevice has no
 * localStorage).
 */
export async function startup({ name, exportDoc = null }) {
  const t = now();
  await init();
  const instantiated = now() - t;
  const t1 = now();
  const p = new Personalizer({ profile: name, storage: exportDoc ? 'memory' : 'local' });
  if (exportDoc) p.importData(exportDoc);
  const open = now() - t1;
  p.free();
  return { name, instantiated, open, total: instantiated + open, memory: wasmMemory() };
}

export { catalogue, profile, DAY_MS };
