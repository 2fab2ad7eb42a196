// What the site's say costs `rank` (issue 18: at most 10% at 10k items), and
// `rank` against another build of the package (issue 15: within 20%).
//
//   node bench/perf/site-rules.mjs [--sizes 10k,100k] [--against DIR]
//
// Node, the synthetic catalogue of bench/perf/gen.mjs, profiles of 0, 200 and
// 1,000 events (above 50k items 10 related and no next per item, so that
// the JSON, which rules need, stays within 64 MiB). Each row is `rank({ limit: 20 })` plain, with a category
// filter (`excludeCategories` of one of the 30 categories), with 1% of the
// items unavailable, and with a category boost rule: per call, the 10th
// percentile of 41 timed batches (each at least 5 ms) after 30 warm-up
// calls, the lowest of 4 rounds that alternate the variants (and the
// packages), which keeps the figures steady on a shared machine. `--against
// DIR` also times the package built in DIR (e.g. a `git worktree` of an
// earlier commit after `bash scripts/build.sh` there) with the plain call.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { catalogue, profile } from './gen.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const EVENTS = [0, 200, 1000];
const VARIANTS = ['plain', 'filter', 'unavailable', 'boost'];
const ROUNDS = 4;

function parseArgs(argv) {
  const args = { sizes: [10_000], against: null, child: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--sizes') args.sizes = argv[++i].split(',').map((s) => Number(s.replace(/k$/i, '')) * (/k$/i.test(s) ? 1000 : 1));
    else if (a === '--against') args.against = path.resolve(argv[++i]);
    else if (a === '--child') args.child = JSON.parse(argv[++i]);
    else throw new Error(`unknown argument ${a}; see the comment at the top of bench/perf/site-rules.mjs`);
  }
  return args;
}

/** One package, one size, one variant: p10 per call for each profile. */
async function child({ pkg, size, variant }) {
  const { default: init, Personalizer } = await import(pathToFileURL(path.join(pkg, 'index.js')).href);
  await init();
  const now = Date.now();
  const cat = catalogue(size, { now });
  if (size > 50_000) {
    // JSON (rules are JSON-only) within the 64 MiB limit: 10 related, no next.
    for (const it of cat.items) {
      it.related = it.related?.slice(0, 10);
      delete it.next;
    }
  }
  if (variant === 'boost') cat.rules = [{ category: cat.categories[1].id, boost: 0.5 }];
  const text = JSON.stringify(cat);
  const options = variant === 'filter' ? { limit: 20, filter: { excludeCategories: [cat.categories[0].id] } } : { limit: 20 };
  const out = [];
  for (const events of EVENTS) {
    const p = new Personalizer({ storage: 'memory' });
    p.loadCatalogue(text);
    if (events) p.importData(profile(cat, events, { now }));
    if (variant === 'unavailable') p.setAvailability(cat.items.filter((_, i) => i % 100 === 0).map((it) => it.id), false);
    for (let i = 0; i < 30; i++) p.rank(options);
    const samples = [];
    for (let r = 0; r < 41; r++) {
      const t0 = performance.now();
      let n = 0;
      while (performance.now() - t0 < 5) {
        p.rank(options);
        n++;
      }
      samples.push((performance.now() - t0) / n);
    }
    samples.sort((a, b) => a - b);
    out.push(samples[4]);
    p.free();
  }
  process.stdout.write(JSON.stringify(out));
}

function run(task) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', JSON.stringify(task)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${JSON.stringify(task)} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) return child(args.child);
  const rows = [];
  for (const size of args.sizes) {
    const tasks = VARIANTS.map((variant) => ({ pkg: root, size, variant, label: variant }));
    if (args.against) tasks.push({ pkg: args.against, size, variant: 'plain', label: `plain, ${path.basename(args.against)}` });
    const best = new Map();
    for (let round = 0; round < ROUNDS; round++) {
      for (const t of tasks) {
        const times = run(t);
        const prev = best.get(t.label);
        best.set(t.label, prev ? prev.map((x, i) => Math.min(x, times[i])) : times);
      }
    }
    const plain = best.get('plain');
    for (const [label, times] of best) {
      const vs = times.map((t, i) => `${t >= plain[i] ? '+' : '−'}${Math.abs(Math.round((t / plain[i] - 1) * 100))}%`);
      rows.push(`| ${size.toLocaleString('en')} | ${label} | ${times.map((t) => t.toFixed(3)).join(' / ')} ms | ${label === 'plain' ? '' : vs.join(' / ')} |`);
    }
  }
  console.log('| items | rank({ limit: 20 }) | 0 / 200 / 1,000 events | against plain |');
  console.log('| --- | --- | --- | --- |');
  for (const r of rows) console.log(r);
}

await main();
