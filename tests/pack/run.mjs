#!/usr/bin/env node
// Packaging test: `npm pack` the built package, check the tarball holds
// exactly the whitelisted files, then install it as a site would, (a) in a
// fresh Vite project (vite build, dist/ served) and (b) under a plain HTML page
// with <script type="module">, and load both in headless Chromium: the page
// must render a ranking computed by ondevice, request nothing but its own
// static files, and log no error. Assumes `bash scripts/build.sh` has run.
//
//   node tests/pack/run.mjs [--keep] [--inject-leak]
//
// --keep leaves the temp dir; --inject-leak makes the plain page send a
// beacon and load a pixel, to see the request and console checks fail.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { serve, NONCE } from './static-server.mjs';
import { findNetworkJs, staticImports } from '../js/network-check.mjs';

const run = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const VITE = `vite@${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).devDependencies.vite}`;
const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
};
const keep = process.argv.includes('--keep');
const injectLeak = process.argv.includes('--inject-leak');
const LEAK = `\nfetch('http://192.0.2.1/collect', { method: 'POST', body: 'x' }).catch(() => {});\nnew Image().src = '/pixel.gif?u=1';\n`;
const started = Date.now();
const results = [];

async function check(name, fn) {
  const t0 = Date.now();
  try {
    const value = await fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
    return value;
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}\n     ${String(e?.message ?? e).split('\n').join('\n     ')}`);
    return undefined;
  }
}

const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]));
const rel = (root, f) => relative(root, f).split(sep).join('/');

/** The files npm should pack: the `files` whitelist as it exists on disk,
 * plus what npm always adds (package.json, README, LICENSE, main). */
function expectedFiles(manifest) {
  const all = walk(ROOT).map((f) => rel(ROOT, f)).filter((f) => !f.startsWith('node_modules/') && !f.startsWith('.git/') && !f.startsWith('target/'));
  const out = new Set(['package.json']);
  for (const entry of manifest.files) {
    const clean = entry.replace(/^\.\//, '').replace(/\/$/, '');
    const glob = new RegExp(`^${clean.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\/?/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '(?:.*/)?')}(/.*)?$`);
    for (const f of all) if (glob.test(f)) out.add(f);
  }
  for (const f of readdirSync(ROOT)) if (/^(readme|license|licence)(\..*)?$/i.test(f) && statSync(join(ROOT, f)).isFile()) out.add(f);
  if (manifest.main) out.add(manifest.main.replace(/^\.\//, ''));
  return [...out].sort();
}

/** The tarball's exact contents (issue 14): a file added to or dropped from
 * the package fails here until this list says so. */
const PACKED_FILES = [
  'CHANGELOG.md', 'LICENSE-APACHE', 'LICENSE-MIT', 'README.md',
  'index.d.ts', 'index.js', 'package.json',
  'panel/create-element.js', 'panel/ondevice-preferences.d.ts', 'panel/ondevice-preferences.js',
  'panel/panel-style.js', 'panel/words.js', 'panel/your-data.js',
  'pkg/ondevice.d.ts', 'pkg/ondevice_bg.js', 'pkg/ondevice_bg.wasm', 'pkg/ondevice_wasm.js',
  'react/index.d.ts', 'react/index.js', 'slim.d.ts', 'slim.js',
];

const FORBIDDEN_IN_TARBALL = [
  // The one .wasm is ondevice/slim's (the default entry embeds the bytes).
  [/(?<!^pkg\/ondevice_bg)\.wasm$/, 'a .wasm other than pkg/ondevice_bg.wasm'],
  [/^data\//, 'data/'],
  [/^src\//, 'src/'],
  [/movielens|ml-\d+[mk]|(^|\/)u\.(data|item|user)$|ratings\.(csv|dat)$/i, 'MovieLens files'],
  [/^(target|tests?|bench|builder|scripts|www|node_modules|proptest-regressions)\//, 'a development folder'],
  [/\.(rs|tgz|py|csv|parquet)$|^Cargo\./, 'a source or data file'],
];

async function main() {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const tmp = await mkdtemp(join(tmpdir(), 'ondevice-pack-'));
  console.log(`# temp dir ${tmp}`);
  let browser;
  try {
    const tarball = await check('npm pack', async () => {
      const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: ROOT });
      const [info] = JSON.parse(stdout);
      const file = join(tmp, info.filename);
      assert.ok(existsSync(file), file);
      console.log(`     ${info.filename}: ${info.size} bytes packed, ${info.unpackedSize} unpacked, ${info.entryCount} files`);
      return file;
    });
    if (!tarball) return;

    const extracted = join(tmp, 'extracted');
    const packed = await check('the tarball holds exactly the whitelisted files', async () => {
      await mkdir(extracted);
      await run('tar', ['-xzf', tarball, '-C', extracted]);
      const root = join(extracted, 'package');
      const files = walk(root).map((f) => rel(root, f)).sort();
      assert.deepEqual(files, PACKED_FILES, 'the exact file list');
      assert.deepEqual(files, expectedFiles(manifest), 'what package.json "files" selects');
      for (const f of files) for (const [re, what] of FORBIDDEN_IN_TARBALL) assert.ok(!re.test(f), `${f}: ${what} must not be packed`);
      return { root, files };
    });

    if (packed) {
      await check('every export target and every import inside the tarball resolves to a packed file', () => {
        const { root, files } = packed;
        const problems = [];
        const targets = [manifest.main, manifest.types, ...Object.values(manifest.exports).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e)))];
        for (const t of targets.filter(Boolean)) if (!files.includes(t.replace(/^\.\//, ''))) problems.push(`exports/main target ${t} is not packed`);
        for (const f of files.filter((f) => /\.(m?js|d\.ts)$/.test(f))) {
          for (const spec of staticImports(readFileSync(join(root, f), 'utf8'), f)) {
            if (!spec.startsWith('.')) {
              if (Object.hasOwn(manifest.peerDependencies ?? {}, spec)) continue; // e.g. react, for ondevice/react
              problems.push(`${f} imports ${spec}: not inside the package`);
              continue;
            }
            let target = rel(root, resolve(root, dirname(f), spec));
            if (f.endsWith('.d.ts')) target = target.replace(/\.js$/, '.d.ts');
            if (!files.includes(target)) problems.push(`${f} imports ${spec}, but ${target} is not packed`);
          }
        }
        assert.deepEqual(problems, []);
      });
      await check('no packed JS names a network API', () => {
        const found = packed.files.filter((f) => /\.m?js$/.test(f)).flatMap((f) => findNetworkJs(readFileSync(join(packed.root, f), 'utf8'), f));
        assert.deepEqual(found, []);
      });
    }

    // Two consumers, installed in parallel.
    const fixtures = await import(pathToFileURL(join(ROOT, 'tests/js/fixtures.mjs')).href);
    const catalogueJs = `export default ${JSON.stringify(fixtures.catalogue(), null, 1)};\n`;
    const scenarioJs = readFileSync(join(HERE, 'scenario.mjs'), 'utf8');
    const viteDir = join(tmp, 'vite-app');
    const pin = (name) => `${name}@${manifest.devDependencies[name]}`;
    const plainDir = join(tmp, 'plain');
    const install = async (dir, extra) => {
      await mkdir(dir, { recursive: true });
      if (extra.length > 0) await cp(join(HERE, 'app'), dir, { recursive: true });
      await writeFile(join(dir, 'package.json'), JSON.stringify({ name: `ondevice-check-${dir.split(sep).pop()}`, private: true, type: 'module' }, null, 2));
      await writeFile(join(dir, 'catalogue.js'), catalogueJs);
      await writeFile(join(dir, 'scenario.js'), scenarioJs);
      await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball, ...extra], { cwd: dir, maxBuffer: 16 << 20 });
      return true;
    };
    const [viteInstalled, plainInstalled] = await Promise.all([
      check(`install the tarball, ${VITE}, ${pin('esbuild')}, ${pin('react')} and ${pin('react-dom')} into a fresh project`, () => install(viteDir, [VITE, pin('esbuild'), pin('react'), pin('react-dom')])),
      check('install the tarball under a plain page', () => install(plainDir, [])),
    ]);

    // The expected result: the same scenario in Node, on the installed package.
    const expected = plainInstalled ? await check('Node imports "ondevice" from the installed tarball and runs the scenario', async () => {
      const script = `import init, { Personalizer } from 'ondevice';\nimport { scenario } from './scenario.js';\nimport catalogue from './catalogue.js';\nawait init();\nprocess.stdout.write(JSON.stringify(scenario(Personalizer, catalogue)));\n`;
      await writeFile(join(plainDir, 'node-run.mjs'), script);
      const { stdout } = await run(process.execPath, ['node-run.mjs'], { cwd: plainDir });
      await rm(join(plainDir, 'node-run.mjs'));
      const result = JSON.parse(stdout);
      assert.equal(result.ranked.length, 5);
      assert.equal(result.persistent, false, 'Node has no localStorage');
      return result;
    }) : undefined;

    if (plainInstalled) {
      await check('types resolve from the installed tarball (NodeNext and Bundler resolution)', async () => {
        await writeFile(join(plainDir, 'check.ts'), `import init, { Personalizer, type RankedItem } from 'ondevice';\nawait init();\nconst top: RankedItem[] = new Personalizer({ storage: 'memory' }).rank({ limit: 3 });\nexport { top };\n`);
        await Promise.all([['NodeNext', 'NodeNext'], ['ESNext', 'Bundler']].map(async ([module, moduleResolution]) => {
          const config = { compilerOptions: { target: 'ES2022', module, moduleResolution, strict: true, noEmit: true, skipLibCheck: false, lib: ['ES2022', 'DOM', 'ESNext.Disposable'], types: [] }, files: ['check.ts'] };
          const name = `tsconfig.${moduleResolution}.json`;
          await writeFile(join(plainDir, name), JSON.stringify(config));
          try {
            await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', name], { cwd: plainDir });
          } catch (e) {
            throw new Error(`${moduleResolution}: ${e.stdout || e.message}`);
          } finally {
            await rm(join(plainDir, name));
          }
        }));
        await rm(join(plainDir, 'check.ts'));
      });
    }

    const built = viteInstalled ? await check('vite build', async () => {
      await writeFile(join(viteDir, 'index.html'), `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>ondevice in Vite</title><link rel="icon" href="data:,"></head>\n<body>\n<pre id="out" data-state="pending"></pre>\n<script type="module" src="/main.js"></script>\n</body>\n</html>\n`);
      await writeFile(join(viteDir, 'main.js'), `import init, { Personalizer } from 'ondevice';\nimport { show } from './scenario.js';\nimport catalogue from './catalogue.js';\n\nshow(init, Personalizer, catalogue);\n`);
      await run(join(viteDir, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], { cwd: viteDir, maxBuffer: 16 << 20 });
      const dist = join(viteDir, 'dist');
      const files = walk(dist).map((f) => rel(dist, f));
      assert.ok(files.includes('index.html'), `dist: ${files}`);
      assert.deepEqual(files.filter((f) => f.endsWith('.wasm')), [], 'no loose .wasm in dist');
      return dist;
    }) : undefined;

    const stacks = viteInstalled ? await buildStacks(viteDir) : {};

    // The panel (ondevice/panel), if the package exports one: its own page.
    const panelExport = manifest.exports?.['./panel'];
    const panelTarget = panelExport && (typeof panelExport === 'string' ? panelExport : panelExport.default)?.replace(/^\.\//, '');
    const html = (title, script) => `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>${title}</title><link rel="icon" href="data:,"></head>\n<body>\n<pre id="out" data-state="pending"></pre>\n<script type="module" nonce="${NONCE}">\n${script}</script>\n</body>\n</html>\n`;
    if (plainInstalled) {
      await writeFile(join(plainDir, 'index.html'), html('ondevice, plain page', `import init, { Personalizer } from './node_modules/ondevice/index.js';\nimport { show } from './scenario.js';\nimport catalogue from './catalogue.js';\n\nshow(init, Personalizer, catalogue);${injectLeak ? LEAK : ''}\n`));
      if (panelTarget) {
        await writeFile(join(plainDir, 'panel.html'), html('ondevice panel', `import init, { Personalizer } from './node_modules/ondevice/index.js';\nimport { showPanel } from './scenario.js';\nimport catalogue from './catalogue.js';\n\nshowPanel(init, Personalizer, catalogue, () => import('./node_modules/ondevice/${panelTarget}'));\n`));
      }
    }

    const itemIds = fixtures.itemIds(fixtures.catalogue());
    const ranking = (page) => verifyRanking(page, expected, itemIds);
    const pages = [];
    if (built) pages.push({ label: 'Vite build', root: built, path: '/', verify: ranking, what: 'renders a ranking computed by ondevice' });
    if (plainInstalled) pages.push({ label: 'plain page', root: plainDir, path: '/', verify: ranking, what: 'renders a ranking computed by ondevice' });
    if (plainInstalled && panelTarget) pages.push({ label: 'panel page', root: plainDir, path: '/panel.html', verify: verifyPanel, what: `the packed panel (${panelTarget}) loads and renders its controls` });
    for (const [label, root] of [['Vite build', stacks.vitePanel], ['esbuild bundle', stacks.esbuildPanel]]) {
      if (root) pages.push({ label: `${label} of ondevice + ondevice/panel`, root, path: '/', verify: verifyBundledPanel, what: 'the panel is defined, renders, and a slider move re-ranks the list' });
    }
    if (stacks.slim) pages.push({ label: 'Vite build with ondevice/slim', root: stacks.slim.root, path: '/', connect: "'self'", slimWasm: true, verify: (page) => verifySlim(page, expected, itemIds, stacks.slim.wasm), what: 'fetches its hashed .wasm, compiles it and renders the same ranking' });
    if (stacks.react) pages.push({ label: 'React, server-rendered', root: stacks.react.root, path: '/', verify: (page, ctx) => verifyReact(page, ctx, stacks.react), what: 'hydrates the server\'s list, then reorders once; slider and another tab re-rank' });
    if (pages.length === 0) return;
    browser = await check('launch headless Chromium', () => chromium.launch(CHROMIUM));
    if (!browser) return;
    for (const page of pages) await checkPage(browser, page);
  } finally {
    await browser?.close();
    if (keep) console.log(`# kept ${tmp}`);
    else await rm(tmp, { recursive: true, force: true });
  }
}

/** Waits for <pre id="out"> and returns its JSON. */
async function output(page) {
  await page.waitForFunction(() => document.getElementById('out')?.dataset.state !== 'pending', null, { timeout: 20_000 });
  const state = await page.$eval('#out', (el) => el.dataset.state);
  const text = await page.$eval('#out', (el) => el.textContent);
  assert.equal(state, 'done', text);
  return JSON.parse(text);
}

/** The slim page: the same ranking, and the .wasm was requested. */
async function verifySlim(page, expected, itemIds, wasm) {
  const result = await verifyRanking(page, expected, itemIds);
  const requested = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
  assert.ok(requested.includes(wasm), `${wasm} requested: ${requested}`);
  return result;
}

/** The scenario's result as the page shows it, against Node's. */
async function verifyRanking(page, expected, itemIds) {
  const result = await output(page);
  const ids = new Set(itemIds);
  assert.equal(result.ranked.length, 5);
  for (const r of [...result.ranked, ...result.onScreen]) {
    assert.ok(ids.has(r.id), `${r.id} is a catalogue item`);
    assert.ok(Number.isFinite(r.score) && r.reasons.length > 0, JSON.stringify(r));
  }
  assert.ok(!result.onScreen.some((r) => r.id === 'm1'), 'the item on screen is left out');
  assert.equal(result.totalEvents, 2);
  assert.equal(result.persistent, true, 'localStorage is used in a browser');
  if (expected) {
    // Reasons as a set: two runs at different moments decay interests by
    // slightly different amounts, so two nearly equal reasons may swap.
    const view = (list) => list.map((r) => ({ id: r.id, reasons: r.reasons.map((x) => `${x.kind}: ${x.text}`).sort() }));
    assert.deepEqual(view(result.ranked), view(expected.ranked), 'same ranking as in Node');
    assert.deepEqual(view(result.onScreen), view(expected.onScreen), 'same context ranking as in Node');
    for (const [a, b] of result.ranked.map((r, i) => [r.score, expected.ranked[i].score])) assert.ok(Math.abs(a - b) < 1e-9, `score ${a} vs ${b}`);
    assert.deepEqual(result.warnings, expected.warnings);
  }
  const stored = JSON.parse(await page.evaluate(() => localStorage.getItem('ondevice:profile:pack')));
  assert.equal(stored?.version, 2, 'the profile is stored under its namespaced key');
  assert.equal(stored.history.events.length, 2);
  assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), ['ondevice:profile:pack'], 'one key per profile, nothing else');
  return result;
}

async function verifyPanel(page) {
  const result = await output(page);
  assert.equal(result.defined, true, '<ondevice-preferences> is defined');
  assert.ok(result.controls > 0, `the panel rendered ${result.controls} controls`);
  return result;
}

/** Loads `path` from a local server over `root`, runs `verify`, and checks
 * that only the page's own static files were requested, without errors. */
async function checkPage(browser, { label, root, path, verify, what, connect, slimWasm = false }) {
  const server = await serve(root, connect ? { connect } : {});
  const seen = [];
  const refused = [];
  const problems = [];
  let shown;
  try {
    const context = await browser.newContext({ serviceWorkers: 'block' });
    context.on('request', (r) => seen.push(r.url()));
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (new URL(url).origin === server.origin) return route.continue();
      refused.push(url);
      return route.abort('blockedbyclient');
    });
    // Every page of the context (a test may open a second tab) is watched.
    context.on('page', (page) => {
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`); });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('requestfailed', (r) => { if (!refused.includes(r.url())) problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`); });
      page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
    });
    const page = await context.newPage();

    shown = await check(`${label}: ${what}`, async () => {
      try {
        await page.goto(`${server.origin}${path}`, { waitUntil: 'load' });
        return await verify(page, { context, url: `${server.origin}${path}` });
      } finally {
        // Late requests (beacons on unload) are still seen.
        await page.waitForTimeout(300);
        for (const p of context.pages()) await p.close({ runBeforeUnload: true });
        await context.close();
      }
    });

    await check(`${label}: no request left the page's own static files`, () => {
      assert.deepEqual(refused, [], 'requests to other origins');
      const files = new Set(walk(root).map((f) => `/${rel(root, f)}`));
      const ours = seen.filter((u) => !u.startsWith('data:'));
      assert.ok(ours.length >= 2, `requests: ${seen}`);
      const strays = [];
      for (const u of ours) {
        const url = new URL(u);
        assert.equal(url.origin, server.origin, u);
        assert.equal(url.hostname, '127.0.0.1', u);
        const file = url.pathname.endsWith('/') ? `${url.pathname}index.html` : url.pathname;
        // A .wasm request is a stray, except ondevice/slim's own module.
        if (!files.has(decodeURIComponent(file)) || (file.endsWith('.wasm') && !slimWasm)) strays.push(u);
      }
      assert.deepEqual(strays, [], 'requests for anything but the page\'s own static files');
      for (const r of server.requests) assert.equal(r.method, 'GET', `${r.method} ${r.path}`);
      assert.equal(server.requests.length, ours.length, `the server saw ${server.requests.map((r) => r.path)}; the browser sent ${ours}`);
    });
    await check(`${label}: no console errors or warnings, no page errors (under a CSP with connect-src ${connect ?? "'none'"})`, () => {
      assert.ok(shown !== undefined, 'the page did not render');
      assert.deepEqual(problems, []);
    });
  } finally {
    await server.close();
  }
}
// Issue 14: the package in the stacks sites are built with.

const gzipSize = (f) => gzipSync(readFileSync(f), { level: 9 }).length;
/** JS of a built page: files, raw and gzip bytes. */
function jsSize(dir) {
  const files = walk(dir).filter((f) => f.endsWith('.js'));
  return `${files.length} JS file(s), ${files.reduce((a, f) => a + statSync(f).size, 0)} bytes, ${files.reduce((a, f) => a + gzipSize(f), 0)} gzip`;
}

/** Builds the panel page with Vite and esbuild and the React page with Vite
 * (then renders it on the server), in the project where the tarball, Vite,
 * esbuild and React are installed; returns the roots to serve. */
async function buildStacks(dir) {
  const bin = (name) => join(dir, 'node_modules/.bin', name);
  const out = {};
  await check('Node imports ondevice, ondevice/panel and ondevice/react from the tarball without throwing (as a server renderer does)', async () => {
    const script = `await import('ondevice'); const panel = await import('ondevice/panel'); const react = await import('ondevice/react');\nprocess.stdout.write(JSON.stringify({ panel: typeof panel.OndevicePreferencesElement, hook: typeof react.useRanking, customElements: typeof customElements }));\n`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: dir });
    assert.deepEqual(JSON.parse(stdout), { panel: 'function', hook: 'function', customElements: 'undefined' });
  });
  out.vitePanel = await check('vite build of a page importing ondevice and ondevice/panel (bare import)', async () => {
    await run(bin('vite'), ['build', 'panel-page', '--outDir', '../dist-panel', '--emptyOutDir', '--logLevel', 'warn'], { cwd: dir, maxBuffer: 16 << 20 });
    const dist = join(dir, 'dist-panel');
    const js = walk(dist).filter((f) => f.endsWith('.js')).map((f) => readFileSync(f, 'utf8')).join('\n');
    assert.match(js, /ondevice-preferences/, 'the panel\'s define is in the bundle');
    console.log(`     ${jsSize(dist)}`);
    return dist;
  });
  out.esbuildPanel = await check('esbuild bundle of the same page', async () => {
    const dist = join(dir, 'dist-esbuild');
    await mkdir(dist, { recursive: true });
    await cp(join(dir, 'panel-page/index.html'), join(dist, 'index.html'));
    // --charset=utf8, as the README suggests: esbuild's default (ASCII)
    // escapes the embedded module's bytes (+39 KB raw, +1.4 KB gzip here).
    await run(bin('esbuild'), ['panel-page/main.js', '--bundle', '--format=esm', '--minify', '--charset=utf8', '--log-level=warning', `--outfile=${join(dist, 'main.js')}`], { cwd: dir, maxBuffer: 16 << 20 });
    assert.match(readFileSync(join(dist, 'main.js'), 'utf8'), /ondevice-preferences/, 'the panel\'s define is in the bundle');
    console.log(`     ${jsSize(dist)}`);
    return dist;
  });
  out.slim = await check('vite build of a page importing ondevice/slim and its .wasm as a URL (ondevice/ondevice.wasm?url)', async () => {
    await run(bin('vite'), ['build', 'slim-page', '--outDir', '../dist-slim', '--emptyOutDir', '--logLevel', 'warn'], { cwd: dir, maxBuffer: 16 << 20 });
    const root = join(dir, 'dist-slim');
    const files = walk(root).map((f) => rel(root, f));
    const wasm = files.filter((f) => f.endsWith('.wasm'));
    assert.equal(wasm.length, 1, `one .wasm asset: ${files}`);
    assert.match(wasm[0], /-[\w-]{8}\.wasm$/, 'a content-hashed name');
    const js = walk(root).filter((f) => f.endsWith('.js')).map((f) => readFileSync(f, 'latin1')).join('\n');
    assert.ok(!js.includes('\0asm'), 'the module is not embedded in the JS');
    const wasmBytes = readFileSync(join(root, wasm[0]));
    console.log(`     ${jsSize(root)}; ${wasm[0]}: ${wasmBytes.length} bytes, ${gzipSize(join(root, wasm[0]))} gzip`);
    return { root, wasm: `/${wasm[0]}` };
  });
  const react = await check('vite build of the React page, then renderToString in Node into its HTML', async () => {
    await run(bin('vite'), ['build', 'react-page', '--outDir', '../dist-react', '--emptyOutDir', '--logLevel', 'warn'], { cwd: dir, maxBuffer: 16 << 20 });
    const root = join(dir, 'dist-react');
    const at = Date.UTC(2026, 0, 1);
    const { stdout } = await run(process.execPath, ['ssr.mjs', join(root, 'index.html'), String(at)], { cwd: dir });
    const { html, siteOrder } = JSON.parse(stdout);
    const rendered = [...html.matchAll(/data-id="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(rendered.length, 5, html);
    assert.deepEqual(rendered, siteOrder, 'the server renders the site order');
    console.log(`     ${jsSize(root)}`);
    return { root, serverList: rendered };
  });
  if (react) out.react = react;
  return out;
}

const listIds = (page) => page.$$eval('#list > li', (lis) => lis.map((li) => li.dataset.id));

/** Moves the panel's `category` slider to `value` as a person would (input event). */
async function moveSlider(page, category, value) {
  await page.evaluate(([category, value]) => {
    const panel = document.querySelector('ondevice-preferences');
    const input = panel.shadowRoot.querySelector(`[data-category="${category}"] input[type=range]`);
    if (!input) throw new Error(`no slider for ${category}`);
    input.value = String(value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, [category, value]);
}

/** Waits until the list starts with one of `ids` (items of the category a test turned up). */
async function waitForTop(page, ids, what) {
  await page.waitForFunction((ids) => ids.includes(document.querySelector('#list > li')?.dataset.id), ids, { timeout: 5_000 })
    .catch(() => { throw new Error(`${what}: the list did not change`); });
}

async function verifyBundledPanel(page) {
  const result = await output(page);
  assert.equal(result.defined, true, '<ondevice-preferences> is defined');
  const controls = await page.evaluate(() => document.querySelector('ondevice-preferences').shadowRoot?.querySelectorAll('input, button').length ?? 0);
  assert.ok(controls > 0, `the panel rendered ${controls} controls`);
  const before = await listIds(page);
  assert.equal(before.length, 5);
  await moveSlider(page, 'drama', 1);
  await waitForTop(page, ['m3', 'm6', 'm7'], 'drama slider to "more"');
  const after = await listIds(page);
  assert.notDeepEqual(after, before, 'the slider re-ranked the list');
  return { controls, before, after };
}

/** The server's list is in the HTML; hydration keeps it, then one reorder
 * to the personal order (no empty list, no other state, no hydration
 * error); the panel's slider and another tab re-rank the list. */
async function verifyReact(page, { context, url }, { root, serverList }) {
  const html = readFileSync(join(root, 'index.html'), 'utf8'); // what the server sends
  assert.deepEqual([...html.matchAll(/data-id="([^"]+)"/g)].map((m) => m[1]), serverList, 'the list is in the HTML before any script runs');
  await page.waitForFunction(() => globalThis.ondevicePersonalizer !== undefined);
  assert.deepEqual(await listIds(page), serverList, 'cold start: the personal order is the site order');

  await moveSlider(page, 'drama', 1);
  await waitForTop(page, ['m3', 'm6', 'm7'], 'React: drama slider to "more"');
  const afterSlider = await listIds(page);

  const other = await context.newPage();
  await other.goto(url, { waitUntil: 'load' });
  await other.waitForFunction(() => globalThis.ondevicePersonalizer !== undefined);
  await other.evaluate(() => globalThis.ondevicePersonalizer.setPreferences({ categories: { drama: 0, comedy: 1 } }));
  await waitForTop(page, ['m4', 'm6', 'm11'], 'React: another tab turned comedy up');
  const afterOtherTab = await listIds(page);
  assert.notDeepEqual(afterOtherTab, afterSlider);
  await other.close();

  // Reload with the stored profile, watching every state the list goes through.
  await page.addInitScript(() => {
    const states = (globalThis.listStates = []);
    const snap = () => {
      const ol = document.getElementById('list');
      const ids = ol ? [...ol.children].map((li) => li.dataset.id).join(' ') : '(no list)';
      if (states.at(-1) !== ids) states.push(ids);
    };
    // While the parser runs the list is still arriving; from 'interactive'
    // on (before any module script) every change is a state a person sees.
    document.addEventListener('readystatechange', () => { if (document.readyState === 'interactive') snap(); });
    new MutationObserver(() => { if (document.readyState !== 'loading') snap(); }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  await page.reload({ waitUntil: 'load' });
  await page.waitForFunction(() => globalThis.ondevicePersonalizer !== undefined);
  await page.waitForTimeout(200);
  const personal = await page.evaluate(() => globalThis.ondevicePersonalizer.rank({ limit: 5 }).map((r) => r.id));
  assert.notDeepEqual(personal, serverList, 'the stored profile changes the order');
  const states = await page.evaluate(() => globalThis.listStates);
  assert.deepEqual(states, [serverList.join(' '), personal.join(' ')], 'the server\'s list, then the personal order: one step');
  return { serverList, afterSlider, afterOtherTab, personal };
}

await main().catch((e) => {
  results.push({ name: 'run', ok: false });
  console.log(`FAIL run: ${e?.stack ?? e}`);
});
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
