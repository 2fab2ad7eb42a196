// The checks behind no-network.test.mjs, kept apart so the test can run
// them on samples that must fail as well as on the package.
import ts from 'typescript';

/** Network APIs that must not appear in shipped JS (word-bounded). */
export const FORBIDDEN_JS = [
  ['fetch', /\bfetch\b/],
  ['XMLHttpRequest', /\bXMLHttpRequest\b/],
  ['WebSocket', /\bWebSocket\b/],
  ['sendBeacon', /\bsendBeacon\b/],
  ['EventSource', /\bEventSource\b/],
  ['new Image', /\bnew\s+Image\b/],
  ['importScripts', /\bimportScripts\b/],
  ['RTCPeerConnection', /\bRTCPeerConnection\b/],
  ['navigator.connection', /\bnavigator\s*\??\.\s*connection\b/],
  ['dynamic import(', /(?<![.\w$])import\s*\(/],
];

/** Names of network APIs that must not appear in a wasm import's name. */
export const NETWORK_WORDS = /fetch|xhr|xmlhttp|http|websocket|socket|beacon|eventsource|rtc|peer|image|importscripts|request|response|navigator|connection|worker|url|send|open|post|location|src/i;

/** Network API names that the wasm bytes must not hold as strings (wasm can
 * reach any global with Reflect.get; it would need the name to do so). */
export const FORBIDDEN_IN_WASM = /(?<![A-Za-z0-9_$])(fetch|XMLHttpRequest|WebSocket|sendBeacon|EventSource|RTCPeerConnection|importScripts|navigator)(?![A-Za-z0-9_$])/g;

/** A string literal that starts with the wasm magic and holds only
 * U+0000-U+00FF is an embedded module (scripts/embed-wasm.mjs), one
 * character per byte; every other literal stays code and is checked as text. */
const BYTE_STRING = /^\0asm[\u0000-\u00ff]*$/;

/**
 * JS source without comments (a comment saying "no fetch" is not a call),
 * and with long byte strings (embedded wasm) taken out and returned apart as
 * bytes, so they are checked as wasm, not as text.
 */
export function codeOf(source, fileName = 'file.js') {
  const parse = (text) => {
    const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
    const diagnostics = sf.parseDiagnostics ?? [];
    if (diagnostics.length > 0) throw new Error(`${fileName}: does not parse: ${ts.flattenDiagnosticMessageText(diagnostics[0].messageText, ' ')}`);
    return sf;
  };
  const sf = parse(source);
  const blobs = [];
  const spans = [];
  const visit = (node) => {
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && BYTE_STRING.test(node.text)) {
      blobs.push(Buffer.from(node.text, 'latin1'));
      spans.push([node.getStart(sf), node.getEnd()]);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  let text = source;
  for (const [start, end] of spans.reverse()) text = `${text.slice(0, start)}"<embedded module>"${text.slice(end)}`;
  const code = ts.createPrinter({ removeComments: true }).printFile(spans.length ? parse(text) : sf);
  return { code, blobs };
}

/** Forbidden APIs found in `source` (after comments are removed). */
export function findNetworkJs(source, fileName) {
  const { code } = codeOf(source, fileName);
  const found = [];
  for (const [name, re] of FORBIDDEN_JS) {
    const m = re.exec(code);
    if (m) {
      const line = code.slice(0, m.index).split('\n').length;
      const text = code.split('\n')[line - 1].trim().slice(0, 120);
      found.push(`${fileName}: ${name} (printed line ${line}: ${text})`);
    }
  }
  return found;
}

/** Static import/export-from specifiers of a module. */
export function staticImports(source, fileName = 'file.js') {
  const kind = /\.(m|c)?ts$/.test(fileName) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, kind);
  const out = [];
  for (const st of sf.statements) {
    if ((ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) {
      out.push(st.moduleSpecifier.text);
    }
  }
  return out;
}

/** The JS implementation of each `export function` in wasm-bindgen glue. */
export function glueFunctions(glue) {
  const out = new Map();
  const re = /^export function (\w+)\(/gm;
  const starts = [...glue.matchAll(re)];
  for (const [i, m] of starts.entries()) {
    const end = i + 1 < starts.length ? starts[i + 1].index : glue.length;
    let body = glue.slice(m.index, end);
    const next = body.search(/\n(?:function|const|let|class|if|export) /);
    if (next > 0) body = body.slice(0, next);
    out.set(m[1], body);
  }
  return out;
}

/**
 * What each wasm import may be, by its name without wasm-bindgen's
 * `__wbg_` prefix and hash suffix, and what its JS glue must do. Derived from
 * what the module needs: localStorage and storage events (the profile and
 * other tabs), calling the page's onChange callback, JSON, Date.now, Error
 * objects with a `field`, finding the global object, and wasm-bindgen's own
 * runtime. Anything else is a new capability and fails until reviewed.
 */
export const ALLOWED_IMPORTS = {
  // localStorage and the `storage` event.
  instanceof_Window: /instanceof Window/,
  localStorage: /\.localStorage;/,
  getItem: /\.getItem\(/,
  setItem: /\.setItem\(/,
  removeItem: /\.removeItem\(/,
  key: /\.key;/,
  addEventListener: /\.addEventListener\(/,
  removeEventListener: /\.removeEventListener\(/,
  // onChange(callback); a listener that throws is reported as an unhandled
  // rejection (src/wasm/listeners.rs), the others still run.
  call: /\.call\(/,
  reject: /Promise\.reject\(/,
  // JSON in and out.
  parse: /JSON\.parse\(/,
  stringify: /JSON\.stringify\(/,
  // The clock.
  now: /Date\.now\(\)/,
  // Cryptographic randomness for the opt-in statistics reports (getrandom).
  getRandomValues: /\.getRandomValues\(/,
  // Error objects: new Error, name, message, error.field, instanceof; and
  // new TextEncoder, for reading JS strings into wasm (src/wasm/mod.rs).
  new: /^export function __wbg_new_[0-9a-f]+\([^)]*\) \{\s*const ret = new (Error\(getStringFromWasm0\(arg0, arg1\)\)|TextEncoder\(\));\s*return ret;\s*\}\s*$/,
  encode: /^export function __wbg_encode_[0-9a-f]+\(arg0, arg1\) \{\s*const ret = arg0\.encode\(arg1\);/,
  // Copying a Uint8Array into wasm memory (an encoded string, or the bytes
  // of a JSON catalogue given to loadCatalogue).
  instanceof_Uint8Array: /^export function __wbg_instanceof_Uint8Array_[0-9a-f]+\(arg0\) \{\s*let result;\s*try \{\s*result = arg0 instanceof Uint8Array;/,
  length: /^export function __wbg_length_[0-9a-f]+\(arg0\) \{\s*const ret = arg0\.length;\s*return ret;\s*\}\s*$/,
  prototypesetcall: /Uint8Array\.prototype\.set\.call\(getArrayU8FromWasm0\(arg0, arg1\), arg2\)/,
  name: /\.name;/,
  message: /\.message;/,
  set_name: /\.name = /,
  instanceof_Error: /instanceof Error/,
  get: /Reflect\.get\(/,
  set: /Reflect\.set\(/,
  // The global object (web_sys::window()).
  static_accessor_GLOBAL_THIS: /globalThis/,
  static_accessor_GLOBAL: /typeof global\b/,
  static_accessor_SELF: /typeof self\b/,
  static_accessor_WINDOW: /typeof window\b/,
  // wasm-bindgen's runtime.
  __wbindgen_throw: /throw new Error\(/,
  __wbindgen_is_null: /=== null/,
  __wbindgen_is_undefined: /=== undefined/,
  __wbindgen_is_function: /typeof ?\(arg0\) === ['"]function['"]/,
  __wbindgen_is_symbol: /typeof ?\(arg0\) === ['"]symbol['"]/,
  __wbindgen_is_string: /typeof ?\(arg0\) === ['"]string['"]/,
  __wbindgen_string_get: /typeof ?\(obj\) === ['"]string['"]/,
  _wbg_cb_unref: /\._wbg_cb_unref\(\)/,
  __wbindgen_init_externref_table: /__wbindgen_externrefs/,
  // Casts (closure -> JS function, &str -> JS string): the whole body is
  // the cast (the build removes wasm-bindgen's comments from the glue).
  __wbindgen_generic: /^export function __wbindgen_generic_[0-9a-f]+\(arg0, arg1\) \{\s*const ret = (makeMutClosure\(arg0, arg1, [\w$]+\)|makeClosure\(arg0, arg1, [\w$]+\)|getStringFromWasm0\(arg0, arg1\));\s*return ret;\s*\}\s*$/,
};

/** `__wbg_getItem_49556a3e59cfb688` -> `getItem`. */
export function baseName(name) {
  if (/^__wbindgen_generic_[0-9a-f]+$/.test(name)) return '__wbindgen_generic';
  const m = /^__wbg_(.+)_[0-9a-f]{16}$/.exec(name);
  return m ? m[1] : name;
}

/**
 * Problems with a wasm module's imports: `imports` from
 * WebAssembly.Module.imports, `glue` the JS that provides them.
 */
export function checkImports(imports, glue, glueModule = './ondevice_bg.js') {
  const problems = [];
  const bodies = glueFunctions(glue);
  for (const imp of imports) {
    const where = `${imp.module} ${imp.name}`;
    if (imp.module !== glueModule) problems.push(`${where}: imported from ${imp.module}, expected only ${glueModule}`);
    if (imp.kind !== 'function') problems.push(`${where}: a ${imp.kind} import`);
    const base = baseName(imp.name);
    if (NETWORK_WORDS.test(base)) problems.push(`${where}: the name mentions a network API`);
    const expected = ALLOWED_IMPORTS[base];
    if (!expected) {
      problems.push(`${where}: ${base} is not on the allow-list`);
      continue;
    }
    const body = bodies.get(imp.name);
    if (body === undefined) {
      problems.push(`${where}: no implementation in the glue`);
      continue;
    }
    if (!expected.test(body)) problems.push(`${where}: the glue does something else than ${expected}: ${body.slice(0, 200)}`);
    const code = body.replace(/\/\/.*$/gm, '');
    for (const [api, re] of FORBIDDEN_JS) if (re.test(code)) problems.push(`${where}: the glue uses ${api}`);
  }
  return problems;
}

/** Network API names held as strings in wasm bytes. */
export function findNetworkWasm(bytes) {
  const text = Buffer.from(bytes).toString('latin1');
  return [...new Set([...text.matchAll(FORBIDDEN_IN_WASM)].map((m) => m[1]))];
}
