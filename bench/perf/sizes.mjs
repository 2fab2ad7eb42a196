// Package size, raw and gzip, and the byte budget.
//
//   node bench/perf/sizes.mjs           print the sizes
//   node bench/perf/sizes.mjs --check   also check the budget; exits 1 when over
//   node bench/perf/sizes.mjs --ceiling also check the ceiling; exits 1 when over
//
// The test command (scripts/test.sh) runs `--ceiling`: the build is not yet
// within the budget, so the check that fails it is a ratchet at the size
// reached so far (CEILING_GZIP_BYTES, lowered as the size comes down, never
// raised to let growth through). When the build meets the budget, the test
// command switches to `--check`.
//
// Budget (issue 5): ".wasm + JS glue <= 60 KB gzip". Definition used here:
// 60 KB = 60,000 bytes; gzip = Node's zlib gzip at level 9 of each file on its
// own; ".wasm" = pkg/ondevice_bg.wasm (after wasm-opt); "JS glue" = the JS that
// runs it: pkg/ondevice_bg.js (wasm-bindgen's glue) + index.js (the loader).
// The sum of the three gzip sizes must be at most 60,000 bytes. What a site
// actually downloads (index.js + pkg/ondevice_bg.js + pkg/ondevice_wasm.js,
// which carries the wasm as base64) is reported too, and the check also makes
// sure that the embedded module is the measured .wasm.
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUDGET_GZIP_BYTES = 60_000;
/** The size reached so far (88,253 bytes at ea303ed, 2026-11-22) + about 450 bytes of slack. */
export const CEILING_GZIP_BYTES = 88_700;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const gz = (buf) => gzipSync(buf, { level: 9 }).length;

function file(rel) {
  const p = path.join(root, rel);
  if (!existsSync(p)) return null;
  const buf = readFileSync(p);
  return { file: rel, raw: buf.length, gzip: gz(buf), buf };
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
  const strip = (x) => x && { file: x.file, raw: x.raw, gzip: x.gzip };
  const shipped = [loader, glue, embedded].every(Boolean)
    ? { raw: loader.raw + glue.raw + embedded.raw, gzip: loader.gzip + glue.gzip + embedded.gzip }
    : null;
  let embeddedMatches = null;
  if (wasm && embedded) {
    const m = embedded.buf.toString('utf8').match(/export default "([A-Za-z0-9+/=]*)"/);
    embeddedMatches = !!m && Buffer.from(m[1], 'base64').equals(wasm.buf);
  }
  return {
    wasm: strip(wasm),
    glue: strip(glue),
    loader: strip(loader),
    embedded: strip(embedded),
    panel: panel.map(strip),
    budgeted: wasm && glue && loader ? { raw: wasm.raw + glue.raw + loader.raw, gzip: wasm.gzip + glue.gzip + loader.gzip } : null,
    shipped,
    embeddedMatches,
  };
}

const kb = (n) => `${(n / 1000).toFixed(1)} KB`;

export function sizeTable(s) {
  const rows = [['file', 'raw', 'gzip']];
  for (const x of [s.wasm, s.glue, s.loader, s.embedded, ...s.panel]) if (x) rows.push([x.file, kb(x.raw), kb(x.gzip)]);
  if (s.budgeted) rows.push(['.wasm + JS glue (budget)', kb(s.budgeted.raw), kb(s.budgeted.gzip)]);
  if (s.shipped) rows.push(['download: index.js + ondevice_bg.js + ondevice_wasm.js', kb(s.shipped.raw), kb(s.shipped.gzip)]);
  return rows;
}

function check(s, limit = BUDGET_GZIP_BYTES, what = 'budget') {
  const results = [];
  const ok = (name, pass, detail) => results.push({ name, pass, detail });
  if (!s.wasm || !s.glue || !s.loader) {
    ok('package is built', false, 'pkg/ondevice_bg.wasm, pkg/ondevice_bg.js or index.js is missing: run bash scripts/build.sh');
    return results;
  }
  ok(`.wasm + JS glue gzip <= ${limit.toLocaleString('en')} bytes (${what})`, s.budgeted.gzip <= limit,
    `${s.budgeted.gzip} bytes = ${s.wasm.gzip} (.wasm) + ${s.glue.gzip} (pkg/ondevice_bg.js) + ${s.loader.gzip} (index.js); ` +
    `${what} ${limit}, ${s.budgeted.gzip <= limit ? `${limit - s.budgeted.gzip} to spare` : `${s.budgeted.gzip - limit} over`}` +
    (limit === BUDGET_GZIP_BYTES ? '' : `; the issue's budget is ${BUDGET_GZIP_BYTES} (${Math.max(0, s.budgeted.gzip - BUDGET_GZIP_BYTES)} over)`));
  ok('the embedded module is the measured .wasm', s.embeddedMatches === true,
    s.embeddedMatches ? 'pkg/ondevice_wasm.js decodes to pkg/ondevice_bg.wasm' : 'pkg/ondevice_wasm.js does not hold pkg/ondevice_bg.wasm: rebuild with bash scripts/build.sh');
  return results;
}

/** `--check` (the budget) or `--ceiling`: "N passed, N failed", exit code 1 when one fails. */
export function main(argv) {
  const s = measureSizes();
  for (const [a, b, c] of sizeTable(s)) console.log(`${a.padEnd(56)} ${b.padStart(10)} ${c.padStart(10)}`);
  const ceiling = argv.includes('--ceiling');
  if (argv.includes('--check') || ceiling) {
    const results = ceiling ? check(s, CEILING_GZIP_BYTES, 'ceiling') : check(s);
    for (const r of results) console.log(`${r.pass ? 'ok  ' : 'FAIL'} ${r.name}: ${r.detail}`);
    const failed = results.filter((r) => !r.pass).length;
    console.log(`${results.length - failed} passed, ${failed} failed`);
    process.exitCode = failed ? 1 : 0;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
