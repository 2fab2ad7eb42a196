// "The module makes no network request of any kind. This is tested, not
// promised." Checked on the built artifacts that ship (package.json `files`):
// (a) the embedded wasm module imports only what a pure computation with
// localStorage, JSON, Date, Error and storage events needs; (b) no shipped JS
// names a network API or imports anything from outside the package; (c) the
// wasm does not even hold a network API's name; (d) a run of the whole API
// with every network API trapped touches none of them.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  FORBIDDEN_JS, codeOf, findNetworkJs, staticImports, checkImports, findNetworkWasm, baseName,
} from './network-check.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const JS = /\.(m|c)?js$/;

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]));
}

function globRegex(pattern) {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\/?/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '(?:.*/)?');
  return new RegExp(`^${re}$`);
}

/** Shipped JS files (relative paths), and whitelisted JS that is missing. */
function shippedJs() {
  const files = new Set();
  const missing = [];
  for (const entry of manifest.files) {
    const clean = entry.replace(/^\.\//, '').replace(/\/$/, '');
    if (/[*?]/.test(clean)) {
      const re = globRegex(clean);
      for (const f of walk(ROOT).map((f) => relative(ROOT, f).split(sep).join('/'))) if (re.test(f) && JS.test(f)) files.add(f);
      continue;
    }
    const full = join(ROOT, clean);
    if (!existsSync(full)) {
      if (JS.test(clean)) missing.push(clean);
      continue;
    }
    if (statSync(full).isDirectory()) {
      for (const f of walk(full)) if (JS.test(f)) files.add(relative(ROOT, f).split(sep).join('/'));
    } else if (JS.test(clean)) {
      files.add(clean);
    }
  }
  return { files: [...files].sort(), missing };
}

const { files: SHIPPED, missing: MISSING } = shippedJs();

/** Shipped JS plus every existing file it imports, shipped or not: what a
 * page would load if the whitelist is fixed, so it is scanned too. */
function loadedJs() {
  const seen = new Set(SHIPPED);
  const queue = [...SHIPPED];
  while (queue.length) {
    const f = queue.pop();
    for (const spec of staticImports(readFileSync(join(ROOT, f), 'utf8'), f)) {
      if (!spec.startsWith('.')) continue;
      const target = relative(ROOT, resolve(ROOT, dirname(f), spec)).split(sep).join('/');
      if (!seen.has(target) && existsSync(join(ROOT, target))) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return [...seen].sort();
}
const LOADED = loadedJs();

test('the shipped JS is found: entry, glue and embedded wasm, and every export target', (t) => {
  for (const f of ['index.js', 'pkg/ondevice_bg.js', 'pkg/ondevice_wasm.js']) assert.ok(SHIPPED.includes(f), `${f} ships (build first: bash scripts/build.sh)`);
  // Whitelisted JS may be missing only while the panel is being built.
  for (const m of MISSING) assert.match(m, /^panel\//, `${m} is in "files" but does not exist`);
  if (MISSING.length) t.diagnostic(`not built yet, not checked: ${MISSING.join(', ')}`);
  const targets = [manifest.main, ...Object.values(manifest.exports).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e)))]
    .filter((t) => JS.test(t))
    .map((t) => t.replace(/^\.\//, ''));
  for (const t of targets) {
    if (MISSING.includes(t)) continue;
    assert.ok(SHIPPED.includes(t), `export target ${t} is checked`);
  }
});

test('(b) no shipped JS names a network API', (t) => {
  t.diagnostic(`checked: ${LOADED.join(', ')}`);
  const found = LOADED.flatMap((f) => findNetworkJs(readFileSync(join(ROOT, f), 'utf8'), f));
  assert.deepEqual(found, []);
});

test('(b) shipped JS imports only other shipped files, by relative path (or a peer dependency: react)', () => {
  const problems = [];
  const peers = Object.keys(manifest.peerDependencies ?? {});
  assert.deepEqual(peers, ['react'], 'peer dependencies are reviewed: a new one is a new capability');
  for (const f of SHIPPED) {
    for (const spec of staticImports(readFileSync(join(ROOT, f), 'utf8'), f)) {
      if (peers.includes(spec) && f.startsWith('react/')) continue;
      if (!spec.startsWith('./') && !spec.startsWith('../')) {
        problems.push(`${f} imports ${spec}: not a relative path inside the package`);
        continue;
      }
      const target = relative(ROOT, resolve(ROOT, dirname(f), spec)).split(sep).join('/');
      if (!SHIPPED.includes(target)) problems.push(`${f} imports ${spec} (${target}), which is not in package.json "files"`);
    }
  }
  assert.deepEqual(problems, []);
});

function embeddedModules() {
  return LOADED.flatMap((f) => codeOf(readFileSync(join(ROOT, f), 'utf8'), f).blobs.map((bytes) => ({ file: f, bytes })));
}

test('(a) every import of the embedded wasm is on the allow-list', (t) => {
  const modules = embeddedModules();
  assert.equal(modules.length, 1, `one embedded module, found ${modules.map((m) => m.file)}`);
  const [{ bytes }] = modules;
  assert.deepEqual([...bytes.subarray(0, 4)], [0, 0x61, 0x73, 0x6d], 'wasm magic');
  assert.ok(WebAssembly.validate(bytes));
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(bytes));
  assert.ok(imports.length > 0);
  const glue = readFileSync(join(ROOT, 'pkg/ondevice_bg.js'), 'utf8');
  assert.deepEqual(checkImports(imports, glue), []);
  t.diagnostic(`wasm imports: ${[...new Set(imports.map((i) => baseName(i.name)))].join(', ')}`);
});

test('(c) the wasm holds no network API name', () => {
  for (const { file, bytes } of embeddedModules()) assert.deepEqual(findNetworkWasm(bytes), [], file);
});

test('(d) running the whole API touches no network API', async () => {
  const touched = [];
  const trap = (name) => new Proxy(function () {}, {
    apply() { touched.push(name); throw new Error(`${name} called`); },
    construct() { touched.push(name); throw new Error(`${name} constructed`); },
    get(_, key) { touched.push(`${name}.${String(key)}`); return undefined; },
  });
  const names = ['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'Image', 'RTCPeerConnection', 'importScripts', 'Worker'];
  const saved = Object.fromEntries(names.map((n) => [n, Object.getOwnPropertyDescriptor(globalThis, n)]));
  const savedNavigator = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  try {
    for (const n of names) Object.defineProperty(globalThis, n, { value: trap(n), configurable: true, writable: true });
    Object.defineProperty(globalThis, 'navigator', { value: { sendBeacon: trap('navigator.sendBeacon'), connection: trap('navigator.connection') }, configurable: true });
    const { busy, catalogue } = await import('./fixtures.mjs');
    const p = await busy();
    p.rank({ limit: 5, context: { itemId: 'm2' } });
    p.explain('m3');
    p.profileSummary();
    const doc = p.exportData();
    p.forget();
    p.importData(doc);
    p.sync();
    p.onChange(() => {});
    p.loadCatalogue(catalogue());
    try { p.loadCatalogue({ version: 9 }); } catch { /* an error, expectedly */ }
    p.free();
  } finally {
    for (const n of names) {
      if (saved[n]) Object.defineProperty(globalThis, n, saved[n]);
      else delete globalThis[n];
    }
    if (savedNavigator) Object.defineProperty(globalThis, 'navigator', savedNavigator);
    else delete globalThis.navigator;
  }
  assert.deepEqual(touched, []);
});

// The checkers must be able to fail.

test('the JS checker flags each network API and ignores comments', () => {
  assert.deepEqual(findNetworkJs('const r = await fetch("/collect", { method: "POST" });', 'sample.js').length, 1);
  const samples = {
    fetch: 'window.fetch(u)',
    XMLHttpRequest: 'const x = new XMLHttpRequest();',
    WebSocket: 'new WebSocket("wss://x")',
    sendBeacon: 'navigator.sendBeacon(u, d)',
    EventSource: 'new EventSource(u)',
    'new Image': 'new Image().src = u',
    importScripts: 'importScripts(u)',
    RTCPeerConnection: 'new RTCPeerConnection()',
    'navigator.connection': 'const t = navigator.connection.effectiveType;',
    'dynamic import(': 'const m = await import("https://cdn.example/x.js");',
  };
  assert.deepEqual(Object.keys(samples).sort(), FORBIDDEN_JS.map(([n]) => n).sort(), 'a sample per pattern');
  for (const [name, code] of Object.entries(samples)) {
    const found = findNetworkJs(code, 'sample.js');
    assert.ok(found.some((f) => f.includes(name)), `${name} in ${code}: ${found}`);
  }
  assert.ok(findNetworkJs('const api = globalThis["fetch"];', 's.js').length === 1, 'a string naming fetch is flagged');
  for (const clean of [
    '// no fetch here\n/* nor XMLHttpRequest */\nexport const a = 1;',
    '/** uses no WebSocket */ export function prefetchAll() { return refetch; }',
    'import x from "./a.js"; export { y } from "./b.js"; const u = import.meta.url; obj.import(1);',
  ]) {
    assert.deepEqual(findNetworkJs(clean, 'clean.js'), [], clean);
  }
});

test('the import checker flags network imports, unknown imports and changed glue', () => {
  const glue = `export function __wbg_now_0123456789abcdef() {\n    const ret = Date.now();\n    return ret;\n}\n` +
    `export function __wbg_new_0123456789abcdef(arg0, arg1) {\n    const ret = new WebSocket(getStringFromWasm0(arg0, arg1));\n    return ret;\n}\n` +
    `export function __wbg_fetch_0123456789abcdef(arg0) {\n    return arg0.fetch("/x");\n}\n`;
  const imp = (name, extra = {}) => ({ module: './ondevice_bg.js', name, kind: 'function', ...extra });
  assert.deepEqual(checkImports([imp('__wbg_now_0123456789abcdef')], glue), []);
  const flagged = (imports) => checkImports(imports, glue).join('\n');
  assert.match(flagged([imp('__wbg_fetch_0123456789abcdef')]), /mentions a network API/);
  assert.match(flagged([imp('__wbg_fetch_0123456789abcdef')]), /not on the allow-list/);
  assert.match(flagged([imp('__wbg_new_0123456789abcdef')]), /does something else/);
  assert.match(flagged([imp('__wbg_new_0123456789abcdef')]), /uses WebSocket/);
  assert.match(flagged([imp('__wbg_postMessage_0123456789abcdef')]), /network API|allow-list/);
  assert.match(flagged([imp('__wbg_getBattery_0123456789abcdef')]), /not on the allow-list/);
  assert.match(flagged([imp('__wbg_now_0123456789abcdef', { module: 'env' })]), /expected only/);
  assert.match(flagged([imp('memory', { kind: 'memory' })]), /a memory import/);
  assert.match(flagged([imp('__wbg_getItem_0123456789abcdef')]), /no implementation/);
});

test('the wasm checker flags a network API name in the bytes', () => {
  const bytes = Buffer.concat([Buffer.from([0, 0x61, 0x73, 0x6d]), Buffer.from('\u0000\u0005fetch\u0000')]);
  assert.deepEqual(findNetworkWasm(bytes), ['fetch']);
  assert.deepEqual(findNetworkWasm(Buffer.from('prefetched refetch XMLHttpRequests')), []);
});
