// Wire size of a catalogue: JSON, compact version 1, and version 2 with 8-
// and 16-bit weights, raw, gzip (level 9) and brotli (quality 11), for the
// benchmark's synthetic catalogues (bench/perf/gen.mjs: 20 related + 10 next
// per item) and, when given, other JSON catalogues (e.g. the MovieLens demo
// catalogue, www/data/catalogue.json after `bash scripts/demo-data.sh`).
//
//   node bench/perf/wire.mjs [--sizes 1k,10k,100k|none] [FILE.json ...]
//
// The compact forms are written by the core's own writer
// (`cargo run --release --example compact`). Issue 16's budget for the 10k
// catalogue: <= 900 KB brotli and <= 1.1 MB gzip (aim 600 KB), printed as
// "budget" lines; the figures are stable (same seed, same bytes), but they
// are reported, not asserted.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { catalogue } from './gen.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const at = args.indexOf('--sizes');
const sizes = (at >= 0 ? args.splice(at, 2)[1] : '1k,10k,100k').split(',').filter((s) => s !== 'none').map((s) => {
  const m = s.trim().match(/^(\d+)(k?)$/i);
  if (!m) throw new Error(`bad size ${s}; use e.g. 10k,100k`);
  return Number(m[1]) * (m[2] ? 1000 : 1);
});

execFileSync('cargo', ['build', '--quiet', '--release', '--example', 'compact'], { cwd: root, stdio: 'inherit' });
const tool = path.join(root, 'target/release/examples/compact');
const dir = mkdtempSync(path.join(tmpdir(), 'ondevice-wire-'));
const gz = (b) => gzipSync(b, { level: 9 }).length;
const br = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: b.length } }).length;
const kb = (n) => `${(n / 1000).toFixed(1)} KB`.padStart(11);
const rows = [];

function measure(name, json) {
  const file = path.join(dir, 'in.json');
  writeFileSync(file, json);
  const forms = [['JSON', Buffer.from(json)]];
  for (const [label, form] of [['compact v1', 'v1'], ['compact v2, 16-bit', '16'], ['compact v2, 8-bit', '8']]) {
    const out = path.join(dir, `out-${form}.odc`);
    execFileSync(tool, [file, out, form], { stdio: ['ignore', 'ignore', 'inherit'] });
    forms.push([label, readFileSync(out)]);
  }
  for (const [label, bytes] of forms) {
    const row = { catalogue: name, form: label, raw: bytes.length, gzip: gz(bytes), brotli: br(bytes) };
    rows.push(row);
    console.log(`${name.padEnd(22)} ${label.padEnd(20)} ${kb(row.raw)} ${kb(row.gzip)} ${kb(row.brotli)}`);
  }
}

try {
  console.log(`${'catalogue'.padEnd(22)} ${'form'.padEnd(20)} ${'raw'.padStart(11)} ${'gzip'.padStart(11)} ${'brotli'.padStart(11)}`);
  for (const n of sizes) measure(`synthetic ${n / 1000}k`, JSON.stringify(catalogue(n, { now: Date.UTC(2026, 0, 1) })));
  for (const f of args) measure(path.basename(path.dirname(path.resolve(f))) + '/' + path.basename(f), readFileSync(f, 'utf8'));
  const at10k = rows.find((r) => r.catalogue === 'synthetic 10k' && r.form === 'compact v2, 8-bit');
  if (at10k) {
    console.log(`budget 10k brotli <= 900 KB: ${kb(at10k.brotli).trim()} ${at10k.brotli <= 900_000 ? 'within' : 'OVER'}`);
    console.log(`budget 10k gzip <= 1.1 MB:   ${kb(at10k.gzip).trim()} ${at10k.gzip <= 1_100_000 ? 'within' : 'OVER'}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
