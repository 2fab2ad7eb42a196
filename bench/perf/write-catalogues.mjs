// Writes the benchmark's seeded synthetic catalogues to files, as JSON and in
// the compact form, for timing loads natively (examples/load_catalogue.rs):
//
//   node bench/perf/write-catalogues.mjs DIR [SIZES]     e.g. /tmp/cats 10k,100k
//
// writes DIR/<n>.json and DIR/<n>.odc for each size (default 1k,10k,100k).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { catalogue } from './gen.mjs';
import { encodeCompact } from './compact.mjs';

const [dir, sizes = '1k,10k,100k'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node bench/perf/write-catalogues.mjs DIR [SIZES, e.g. 10k,100k]');
  process.exit(2);
}
mkdirSync(dir, { recursive: true });
for (const s of sizes.split(',')) {
  const m = s.trim().match(/^(\d+)(k?)$/i);
  if (!m) {
    console.error(`bad size ${s}; use e.g. 10k,100k`);
    process.exit(2);
  }
  const n = Number(m[1]) * (m[2] ? 1000 : 1);
  const doc = catalogue(n);
  for (const [name, data] of [[`${n}.json`, JSON.stringify(doc)], [`${n}.odc`, encodeCompact(doc)]]) {
    writeFileSync(path.join(dir, name), data);
    console.log(`${path.join(dir, name)}: ${data.length} bytes`);
  }
}
