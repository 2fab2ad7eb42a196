// The performance benchmark of issue 5: ondevice against a plain-JS ranker,
// in headless Chromium and in Node, on seeded synthetic catalogues.
//
//   node bench/perf/run.mjs [--quick] [--sizes 1k,10k,100k] [--runs N]
//                           [--no-browser] [--no-node] [--out FILE]
//
//   --quick       sizes 1k and 10k, 7 samples per operation (about a minute)
//   --sizes       catalogue sizes to run (default 1k,10k,100k)
//   --runs        samples per operation after warm-up (default 15)
//   --no-browser  skip headless Chromium; --no-node skip Node
//   --out         where to write the figures (default bench/perf/results.json)
//   --loads       only the catalogue loads (JSON string, object, compact), `--runs`
//                 samples each, no profiles, no startup; for work on loading
//
// Needs the built package (bash scripts/build.sh) and, for the browser part,
// /usr/bin/chromium and the playwright-core dev dependency. The page is served
// by a small static server on 127.0.0.1 inside this process, with
// cross-origin isolation headers so that performance.now() has 5 µs resolution.
import http from 'node:http';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { tmpdir, cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureSizes, sizeTable, BUDGET_GZIP_BYTES } from './sizes.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

function parseArgs(argv) {
  const args = { quick: false, loads: false, sizes: null, runs: null, browser: true, node: true, out: path.join(here, 'results.json'), child: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') args.quick = true;
    else if (a.startsWith('--sizes')) args.sizes = value().split(',').map(parseSize);
    else if (a.startsWith('--runs')) args.runs = Number(value());
    else if (a === '--no-browser') args.browser = false;
    else if (a === '--no-node') args.node = false;
    else if (a === '--loads') args.loads = true;
    else if (a.startsWith('--out')) args.out = path.resolve(value());
    else if (a.startsWith('--child')) args.child = JSON.parse(value());
    else throw new Error(`unknown argument ${a}; see the comment at the top of bench/perf/run.mjs`);
  }
  args.sizes ??= args.quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
  args.runs ??= args.quick ? 7 : 15;
  return args;
}

function parseSize(s) {
  const m = String(s).trim().match(/^(\d+)(k?)$/i);
  if (!m) throw new Error(`bad size ${s}; use e.g. 1k,10k,100k`);
  return Number(m[1]) * (m[2] ? 1000 : 1);
}

// ---- Node: one child process per catalogue size and per startup sample, so
// each starts from a fresh wasm instance (memory figures, instantiation).
async function child(task) {
  const suite = await import('./suite.mjs');
  if (task.kind === 'size') return suite.runSize(task);
  const docs = JSON.parse(readFileSync(task.docs, 'utf8'));
  return suite.startup({ name: task.name, exportDoc: docs[task.name] });
}

function runChild(task) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--max-old-space-size=8192', fileURLToPath(import.meta.url), '--child', JSON.stringify(task)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`child ${JSON.stringify(task)} exited with ${code}`));
      const line = out.trim().split('\n').pop();
      resolve(JSON.parse(line));
    });
  });
}

async function nodeRun(args, startupDocs, startupRuns) {
  const sizes = [];
  for (const size of args.sizes) {
    process.stderr.write(`[node] ${size} items\n`);
    sizes.push(await runChild({ kind: 'size', size, runs: args.runs, loadsOnly: args.loads, compactFile: path.join(root, compactPath(size)) }));
  }
  const samples = [];
  if (startupRuns) process.stderr.write('[node] startup\n');
  for (const events of startupRuns ? [0, 200, 1000] : []) {
    for (let i = 0; i < startupRuns + 2; i++) {
      const s = await runChild({ kind: 'startup', docs: startupDocs, name: `bench-node-${events}` });
      if (i >= 2) samples.push({ ...s, events });
    }
  }
  return { sizes, startup: samples };
}

// ---- Chromium
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm', '.css': 'text/css' };

function serve() {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const file = path.normalize(path.join(root, decodeURIComponent(url.pathname)));
    if (!file.startsWith(root + path.sep) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cache-Control': 'no-store',
    });
    res.end(await readFile(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function browserRun(args, startupRuns) {
  const { chromium } = await import('playwright-core');
  const server = await serve();
  const base = `http://127.0.0.1:${server.address().port}/bench/perf/page.html`;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
  try {
    const context = await browser.newContext();
    const version = browser.version();
    const open = async () => {
      const page = await context.newPage();
      page.on('pageerror', (e) => process.stderr.write(`[chromium] ${e}\n`));
      await page.goto(base);
      await page.waitForFunction(() => window.suiteReady === true);
      return page;
    };
    const sizes = [];
    for (const size of args.sizes) {
      process.stderr.write(`[chromium] ${size} items\n`);
      const page = await open();
      sizes.push(await page.evaluate((task) => window.suite.runSize(task), { size, runs: args.runs, loadsOnly: args.loads, compactUrl: `/${compactPath(size)}` }));
      await page.close();
    }
    // Startup in fresh pages; the profiles stored by the largest size run
    // that reached the profile steps are in this context's localStorage.
    process.stderr.write('[chromium] startup\n');
    const size = [...sizes].reverse().find((s) => s.ops.some((o) => o.op === 'open stored profile'))?.size;
    const samples = [];
    if (size) {
      // Only the three stored profiles stay: the first localStorage access of
      // a page loads the whole origin's storage, and the runs above left
      // megabytes of other profiles (the plain ranker's included) that a
      // site's origin would not hold.
      // (And the 1,000-event profiles of the first list's size, both rankers'.)
      const firstSize = args.sizes.includes(10_000) ? 10_000 : size;
      const keep = [...[0, 200, 1000].map((e) => `ondevice:profile:bench-${size}-${e}`), `ondevice:profile:bench-${firstSize}-1000`, `plain:bench-${firstSize}-1000`];
      const cleaner = await open();
      await cleaner.evaluate((keep) => {
        for (const k of Object.keys(localStorage)) if (!keep.includes(k)) localStorage.removeItem(k);
      }, keep);
      await cleaner.close();
      // A fresh page per sample and per profile: each open pays the same
      // first-call costs (lazy compilation of the functions it runs).
      for (const events of [0, 200, 1000]) {
        for (let i = 0; i < startupRuns + 2; i++) {
          const page = await open();
          const s = await page.evaluate((name) => window.suite.startup({ name }), `bench-${size}-${events}`);
          if (i >= 2) samples.push({ ...s, events });
          await page.close();
        }
      }
    }
    // Time to the first list: 10k items (or the largest size run), the
    // 1,000-event profile; a fresh page for each sample of each variant.
    const first = [];
    const firstSize = args.sizes.includes(10_000) ? 10_000 : size;
    if (size) {
      process.stderr.write(`[chromium] time to the first list (${firstSize} items)\n`);
      const firstUrl = base.replace('page.html', 'first.html');
      for (let i = 0; i < startupRuns + 2; i++) {
        const sample = {};
        for (const variant of ['ondevice', 'defaultEntry', 'plain']) {
          const page = await context.newPage();
          page.on('pageerror', (e) => process.stderr.write(`[chromium] ${e}\n`));
          await page.goto(firstUrl);
          await page.waitForFunction(() => window.firstReady === true);
          sample[variant] = await page.evaluate(async ({ variant, size, name }) => {
            const held = await window.first.prepare({ compactUrl: `/target/bench-compact/${size}.odc`, size });
            return window.first[variant]({ name, ...held });
          }, { variant, size: firstSize, name: `bench-${firstSize}-1000` });
          await page.close();
        }
        if (i >= 2) first.push(sample);
      }
    }
    return { version, sizes, startup: samples, startupProfilesFrom: size, first, firstSize: first.length ? firstSize : null };
  } finally {
    await browser.close();
    server.close();
  }
}

// ---- Report
const ms = (x) => (x == null ? '—' : x < 0.1 ? `${(x * 1000).toFixed(0)} µs` : x < 10 ? `${x.toFixed(2)} ms` : `${x.toFixed(1)} ms`);
const cell = (m) => (!m ? '—' : m.error ? `error` : `${ms(m.median)} / ${ms(m.p95)}`);
const ratio = (a, b) => (a && b && !a.error && !b.error ? `${(a.median / b.median).toFixed(2)}` : '—');
const mb = (b) => (b == null ? '—' : `${(b / 1048576).toFixed(1)} MiB`);

function startupRows(env) {
  if (!env?.startup?.length) return [];
  const med = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return { median: s[Math.ceil(0.5 * s.length) - 1], p95: s[Math.ceil(0.95 * s.length) - 1], n: s.length };
  };
  return [0, 200, 1000].map((events) => {
    const runs = env.startup.filter((s) => s.events === events);
    return { op: 'instantiate + open profile', profile: events, ondevice: med(runs.map((s) => s.total)), parts: { instantiate: med(runs.map((s) => s.instantiated)), open: med(runs.map((s) => s.open)) } };
  });
}

function table(results) {
  const lines = [];
  const header = ['env', 'items', 'operation', 'events', 'ondevice median / p95', 'plain JS median / p95', 'ondevice / JS'];
  const rows = [];
  for (const env of ['chromium', 'node']) {
    const r = results[env];
    if (!r) continue;
    for (const s of r.sizes) {
      for (const o of s.ops) rows.push([env, s.size.toLocaleString('en'), o.op, o.profile ?? '', cell(o.ondevice), cell(o.js), ratio(o.ondevice, o.js)]);
      rows.push([env, s.size.toLocaleString('en'), 'wasm memory after first load', '', mb(s.memory?.afterFirstLoad), '', '']);
    }
    for (const o of startupRows(r)) {
      const parts = `(init ${ms(o.parts.instantiate.median)} + open ${ms(o.parts.open.median)})`;
      rows.push([env, '', `${o.op}${env === 'node' ? ' (importData)' : ''} ${parts}`, o.profile, cell(o.ondevice), '', '']);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const fmt = (r) => `| ${r.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  lines.push(fmt(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(fmt));
  return lines.join('\n');
}

/** Issue 16's loading budgets: loadCatalogue(bytes) against JSON.parse of
 * the same text (<= 1.0), an object against the JSON bytes (<= 2.0). */
function platform(results) {
  const lines = ['loading against the platform (medians; budget: bytes / JSON.parse <= 1.0, object / bytes <= 2.0):'];
  for (const env of ['chromium', 'node']) {
    for (const s of results[env]?.sizes ?? []) {
      const op = (name) => s.ops.find((o) => o.op === name)?.ondevice;
      const [parse, bytes, object, v1, v2] = ['JSON.parse (same text)', 'load JSON bytes', 'load object', 'load compact', 'load compact v2'].map(op);
      lines.push(`  ${env} ${s.size.toLocaleString('en')}: JSON.parse ${ms(parse?.median)}, load JSON bytes ${ms(bytes?.median)} (ratio ${ratio(bytes, parse)}), ` +
        `load object ${ms(object?.median)} (ratio to bytes ${ratio(object, bytes)}), compact v1 ${ms(v1?.median)}, v2 ${ms(v2?.median)}`);
    }
  }
  return lines.join('\n');
}

/** Time to the first list, medians per part. */
function firstList(env) {
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.ceil(0.5 * xs.length) - 1];
  const part = (variant, key) => ms(med(env.first.map((s) => s[variant][key])));
  const o = ['scripts', 'decode', 'compile', 'instantiate', 'open', 'load', 'rank'].map((k) => `${k} ${part('ondevice', k)}`).join(', ');
  const p = ['scripts', 'open', 'load', 'rank'].map((k) => `${k} ${part('plain', k)}`).join(', ');
  return [`time to the first list, ${env.firstSize.toLocaleString('en')} items, 1,000-event stored profile, fresh page, median of ${env.first.length} (budget <= 20 ms, aim 12 ms):`,
    `  ondevice (compact v2 bytes): ${part('ondevice', 'total')} = ${o}`,
    `  default entry (index.js, same steps): ${part('defaultEntry', 'total')}`,
    `  plain JS (JSON text): ${part('plain', 'total')} = ${p}`].join('\n');
}

function errors(results) {
  const out = [];
  for (const env of ['chromium', 'node']) {
    for (const s of results[env]?.sizes ?? []) {
      for (const o of s.ops) if (o.ondevice?.error) out.push(`${env} ${s.size} ${o.op}: ${o.ondevice.error}`);
      for (const c of s.checks) if (!c.sameIds || !c.sameReasons) out.push(`${env} ${s.size} ${c.what}: top-20 differs from the plain-JS ranker (ids ${c.sameIds ? 'same' : 'differ'}, reasons ${c.sameReasons ? 'same' : 'differ'})`);
    }
  }
  return out;
}

function machine(chromiumVersion) {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? cpu;
  } catch {}
  let nproc = cpus().length;
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
  } catch {}
  return { nproc, cpu, node: process.version, chromium: chromiumVersion ?? null, date: new Date().toISOString() };
}

/** Where the compact form (version 2, 8-bit) of the `size` catalogue is
 * written, relative to the repository (served to the page from there). */
const compactPath = (size) => `target/bench-compact/${size}.odc`;

/** Writes the compact forms with the core's writer (examples/compact.rs). */
async function prepareCompact(sizes) {
  const { catalogue } = await import('./gen.mjs');
  execFileSync('cargo', ['build', '--quiet', '--release', '--example', 'compact'], { cwd: root, stdio: 'inherit' });
  const dir = path.join(root, 'target/bench-compact');
  execFileSync('mkdir', ['-p', dir]);
  for (const size of sizes) {
    const json = path.join(dir, `${size}.json`);
    await writeFile(json, JSON.stringify(catalogue(size)));
    execFileSync(path.join(root, 'target/release/examples/compact'), [json, path.join(root, compactPath(size)), '8'], { stdio: ['ignore', 'ignore', 'inherit'] });
    await rm(json);
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) {
    const result = await child(args.child);
    process.stdout.write(`\n${JSON.stringify(result)}\n`);
    return;
  }
  if (!existsSync(path.join(root, 'pkg/ondevice_wasm.js'))) {
    console.error('pkg/ is not built: run bash scripts/build.sh first');
    process.exit(2);
  }
  const startupRuns = args.loads ? 0 : args.quick ? 7 : 15;
  await prepareCompact(args.sizes);
  const results = {};
  if (args.browser) results.chromium = await browserRun(args, startupRuns);
  if (args.node) {
    const { catalogue, profile } = await import('./gen.mjs');
    const doc = catalogue(1_000);
    const docs = Object.fromEntries([0, 200, 1000].map((e) => [`bench-node-${e}`, profile(doc, e, { name: `bench-node-${e}` })]));
    const dir = await mkdtemp(path.join(tmpdir(), 'ondevice-perf-'));
    const file = path.join(dir, 'profiles.json');
    await writeFile(file, JSON.stringify(docs));
    try {
      results.node = await nodeRun(args, file, startupRuns);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const sizes = measureSizes();
  const report = { machine: machine(results.chromium?.version), args: { sizes: args.sizes, runs: args.runs, quick: args.quick }, sizes, budgetGzipBytes: BUDGET_GZIP_BYTES, results };
  await writeFile(args.out, `${JSON.stringify(report, null, 1)}\n`);

  const m = report.machine;
  console.log(`machine: ${m.nproc} cores (nproc), ${m.cpu}; Node ${m.node}; Chromium ${m.chromium ?? '—'}; ${m.date}`);
  console.log(`samples per operation: ${args.runs} after warm-up (loads: up to 7); times are per call, median / p95\n`);
  console.log(table(results));
  console.log(`\n${platform(results)}`);
  if (results.chromium?.first?.length) console.log(`\n${firstList(results.chromium)}`);
  console.log('\nsize (gzip -9, KB = 1000 bytes):');
  for (const [a, b, c] of sizeTable(sizes)) console.log(`  ${a.padEnd(56)} ${b.padStart(10)} ${c.padStart(10)}`);
  for (const e of errors(results)) console.log(`note: ${e}`);
  console.log(`\nwrote ${path.relative(process.cwd(), args.out)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
