// Package size, raw and gzip, and the byte budget.
//
//   node bench/perf/sizes.mjs           print the sizes
//   node bench/perf/sizes.mjs --check   also check the budget; exits 1 when over
//   node bench/perf/sizes.mjs --ceiling also check the ceiling; exits 1 when over
//
// The test command (scripts/test.sh) runs `--ceiling`: a ratchet on what a
// site downloads for the default entry (index.js + pkg/ondevice_bg.js +
// pkg/ondevice_wasm.js, gzip; issue 16), at the size reached so far
// (CEILING_GZIP_BYTES, lowered as the size comes down; raised only for a
// feature an issue asks for, by what it measured, said here and in the commit).
//
// Budget (issue 5): ".wasm + JS glue <= 60 KB gzip". Definition used here:
// 60 KB = 60,000 bytes; gzip = Node's zlib gzip at level 9 of each file on its
// own; ".wasm" = pkg/ondevice_bg.wasm (after wasm-opt); "JS glue" = the JS that
// runs it: pkg/ondevice_bg.js (wasm-bindgen's glue) + index.js (the loader).
// The sum of the three gzip sizes must be at most 60,000 bytes. What a site
// actually downloads (index.js + pkg/ondevice_bg.js + pkg/ondevice_wasm.js,
// which carries the wasm as a one-char-per-byte string) is reported too, with
// brotli (quality 11), and both checks also make sure that the embedded module
// is the measured .wasm.
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUDGET_GZIP_BYTES = 60_000;
/** The download reached so far + about 150 bytes of slack. 94,901 bytes on
 * 2026-12-06 (114,100 with the wasm embedded as base64, before the
 * one-char-per-byte string, issue 14); 97,727 after issue 15 added seen-item
 * suppression, the variety re-ranking by source and calibration (with "less
 * of this" winning over it), and the catalogue's site weights and
 * `repeatable` defaults (+2,826 bytes in all, the one time it was raised);
 * 97,424 with issue 16's compact form version 2 (paid for by a heapsort in
 * place of `sort_unstable_by` and wasm-opt's --converge and
 * --low-memory-unused), so lowered to 97,575; 97,276 once the core denied
 * unchecked indexing (issue 17), so lowered to 97,425; 97,391 with the
 * duplicate-field checks of preferences and the stored profile, paid for by
 * wasm-opt -ocimfs 20 (was 15); raised to 98,640 for issue 17's correctly
 * rounded numbers (src/core/json/decimal.rs: 98,487 measured, +1,096; core's
 * own parser would have cost +16.5 KB); to 99,395 for issue 17's
 * duplicate keys refused in every document and fields matched by name
 * (`read_fields!`): 99,243 measured, +756; to 101,805 for issue 18's
 * per-call filters and `setAvailability`: 101,655 measured, +2,412; to
 * 104,205 for issue 18's placements: 104,056 measured, +2,412 over 101,644;
 * to 108,090 for issue 18's rules (pins and boosts): 107,941 measured,
 * +3,885; 107,603 once the boosts left the ranking loop's sum, so lowered
 * to 107,755. */
export const CEILING_GZIP_BYTES = 107_755;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const br = (buf) => brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

function file(rel) {
  const p = path.join(root, rel);
  if (!existsSync(p)) return null;
  const buf = readFileSync(p);
  return { file: rel, raw: buf.length, gzip: gz(buf), brotli: br(buf), buf };
}

/** Sizes of the built package (run `bash scripts/build.sh` first). */
export function measureSizes() {
  const wasm = file('pkg/ondevice_bg.wasm');
  const glue = file('pkg/ondevice_bg.js');
  const loader = file('index.js');
  const embedded = file('pkg/ondevice_wasm.js');
  const panelDir = path.join(root, 'panel');
  const panel = existsSync(panelDir)
    ? readdirSync(panelDir).filter((f) => f.endsWith('.js')).sort().map((f) => file(`panel/${f}`))
    : [];
  const react = file('react/index.js');
  const slim = file('slim.js');
  const strip = (x) => x && { file: x.file, raw: x.raw, gzip: x.gzip, brotli: x.brotli };
  const shipped = [loader, glue, embedded].every(Boolean) ? sum([loader, glue, embedded]) : null;
  let embeddedMatches = null;
  if (wasm && embedded) {
    const bytes = embeddedBytes(embedded.buf.toString('utf8'));
    embeddedMatches = bytes !== null && bytes.equals(wasm.buf);
  }
  return {
    wasm: strip(wasm),
    glue: strip(glue),
    loader: strip(loader),
    embedded: strip(embedded),
    panel: panel.map(strip),
    react: strip(react),
    slim: strip(slim),
    // ondevice/slim: its loader, the glue and the .wasm as a file of its own.
    slimDownload: slim && glue && wasm ? sum([slim, glue, wasm]) : null,
    budgeted: wasm && glue && loader ? sum([wasm, glue, loader]) : null,
    shipped,
    embeddedMatches,
  };
}

/** The bytes held by pkg/ondevice_wasm.js (scripts/embed-wasm.mjs writes
 * them), or null when the module is not in that form. */
export function embeddedBytes(source) {
  const m = source.match(/export default "((?:[^"\\\n\r]|\\["\\nr])*)";/);
  if (!m) return null;
  const text = m[1].replace(/\\(["\\nr])/g, (_, c) => ({ n: '\n', r: '\r' })[c] ?? c);
  return /[^\u0000-\u00ff]/.test(text) ? null : Buffer.from(text, 'latin1');
}

const kb = (n) => `${(n / 1000).toFixed(1)} KB`;

const sum = (xs) => ({ raw: xs.reduce((a, x) => a + x.raw, 0), gzip: xs.reduce((a, x) => a + x.gzip, 0), brotli: xs.reduce((a, x) => a + x.brotli, 0) });

export function sizeTable(s) {
  const rows = [['file', 'raw', 'gzip', 'brotli']];
  const row = (name, x) => rows.push([name, kb(x.raw), kb(x.gzip), kb(x.brotli)]);
  for (const x of [s.wasm, s.glue, s.loader, s.embedded, ...s.panel, s.react, s.slim]) if (x) row(x.file, x);
  if (s.panel.length) row('ondevice/panel (panel/*.js)', sum(s.panel));
  if (s.budgeted) row('.wasm + JS glue (budget)', s.budgeted);
  if (s.shipped) row('download: index.js + ondevice_bg.js + ondevice_wasm.js', s.shipped);
  if (s.slimDownload) row('download, ondevice/slim: slim.js + ondevice_bg.js + .wasm', s.slimDownload);
  return rows;
}

/** `ceiling`: the download against CEILING_GZIP_BYTES; else the .wasm + glue
 * against the 60 KB budget. */
function check(s, ceiling) {
  const results = [];
  const ok = (name, pass, detail) => results.push({ name, pass, detail });
  if (!s.wasm || !s.glue || !s.loader || !s.embedded) {
    ok('package is built', false, 'pkg/ondevice_bg.wasm, pkg/ondevice_bg.js, pkg/ondevice_wasm.js or index.js is missing: run bash scripts/build.sh');
    return results;
  }
  const spare = (n, limit) => (n <= limit ? `${limit - n} to spare` : `${n - limit} over`);
  if (ceiling) {
    const n = s.shipped.gzip;
    ok(`download gzip <= ${CEILING_GZIP_BYTES.toLocaleString('en')} bytes (ceiling)`, n <= CEILING_GZIP_BYTES,
      `${n} bytes = ${s.loader.gzip} (index.js) + ${s.glue.gzip} (pkg/ondevice_bg.js) + ${s.embedded.gzip} (pkg/ondevice_wasm.js); ` +
      `ceiling ${CEILING_GZIP_BYTES}, ${spare(n, CEILING_GZIP_BYTES)}`);
  } else {
    const n = s.budgeted.gzip;
    ok(`.wasm + JS glue gzip <= ${BUDGET_GZIP_BYTES.toLocaleString('en')} bytes (budget)`, n <= BUDGET_GZIP_BYTES,
      `${n} bytes = ${s.wasm.gzip} (.wasm) + ${s.glue.gzip} (pkg/ondevice_bg.js) + ${s.loader.gzip} (index.js); budget ${BUDGET_GZIP_BYTES}, ${spare(n, BUDGET_GZIP_BYTES)}`);
  }
  ok('the embedded module is the measured .wasm', s.embeddedMatches === true,
    s.embeddedMatches ? 'pkg/ondevice_wasm.js decodes to pkg/ondevice_bg.wasm' : 'pkg/ondevice_wasm.js does not hold pkg/ondevice_bg.wasm: rebuild with bash scripts/build.sh');
  return results;
}

/** `--check` (the budget) or `--ceiling`: "N passed, N failed", exit code 1 when one fails. */
export function main(argv) {
  const s = measureSizes();
  for (const [a, b, c, d] of sizeTable(s)) console.log(`${a.padEnd(56)} ${b.padStart(10)} ${c.padStart(10)} ${d.padStart(10)}`);
  const ceiling = argv.includes('--ceiling');
  if (argv.includes('--check') || ceiling) {
    const results = check(s, ceiling);
    for (const r of results) console.log(`${r.pass ? 'ok  ' : 'FAIL'} ${r.name}: ${r.detail}`);
    const failed = results.filter((r) => !r.pass).length;
    console.log(`${results.length - failed} passed, ${failed} failed`);
    process.exitCode = failed ? 1 : 0;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
