// README examples are executable (Automerge's test/readme): every ```js
// block of README.md runs in Node against the built package, imported as
// 'ondevice'. A block that uses `catalogue` without defining it gets the
// test catalogue. Blocks for the browser (they use document, window,
// customElements or ondevice/panel) and blocks fenced ```js no-test are
// skipped. Skipped as a whole while README.md does not exist.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { catalogue } from './fixtures.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// ONDEVICE_README=path runs another file's blocks (to try the runner).
const README = process.env.ONDEVICE_README ?? join(ROOT, 'README.md');
const run = promisify(execFile);

/** ```js blocks: { line, info, code }. */
export function jsBlocks(markdown) {
  const blocks = [];
  const re = /^```[ \t]*(js|javascript|mjs)\b([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm;
  for (const m of markdown.matchAll(re)) {
    blocks.push({ line: markdown.slice(0, m.index).split('\n').length, info: `${m[1]}${m[2]}`.trim(), code: m[3] });
  }
  return blocks;
}

const BROWSER_ONLY = /\b(document|window|customElements|localStorage)\b|ondevice\/panel|<script/;

function runnable(block) {
  return !/\bno-test\b/.test(block.info) && !BROWSER_ONLY.test(block.code);
}

function prepared(code) {
  const defines = /\b(const|let|var|function)\s+catalogue\b|import\s+catalogue\b|\{[^}]*\bcatalogue\b[^}]*\}\s*from/.test(code);
  const prelude = /\bcatalogue\b/.test(code) && !defines ? `const catalogue = ${JSON.stringify(catalogue())};\n` : '';
  // Imports must come first in a module: put the prelude after them.
  const lines = code.split('\n');
  let last = -1;
  lines.forEach((l, i) => { if (/^\s*import\b/.test(l)) last = i; });
  return [...lines.slice(0, last + 1), prelude, ...lines.slice(last + 1)].join('\n');
}

test('the snippet extractor finds fenced js blocks and the skip rules hold', () => {
  const md = 'x\n```js\nconst a = 1;\n```\n\n```js no-test\nboom();\n```\n```sh\nls\n```\n```javascript\ndocument.body;\n```\n';
  const blocks = jsBlocks(md);
  assert.deepEqual(blocks.map((b) => [b.line, b.info]), [[2, 'js'], [6, 'js no-test'], [12, 'javascript']]);
  assert.deepEqual(blocks.map(runnable), [true, false, false]);
  assert.match(prepared("import { Personalizer } from 'ondevice';\np.loadCatalogue(catalogue);"), /^import [^\n]*\nconst catalogue = \{/);
  assert.ok(!prepared('const catalogue = {};\np.loadCatalogue(catalogue);').includes('"version"'));
});

test('README.md examples run against the built package', async (t) => {
  if (!existsSync(README)) {
    t.skip('README.md does not exist yet');
    return;
  }
  const blocks = jsBlocks(readFileSync(README, 'utf8'));
  const runnableBlocks = blocks.filter(runnable);
  t.diagnostic(`${blocks.length} js blocks, ${runnableBlocks.length} run in Node`);
  for (const block of runnableBlocks) {
    await t.test(`README.md:${block.line}`, async () => {
      try {
        await run(process.execPath, ['--input-type=module', '-e', prepared(block.code)], { cwd: ROOT, timeout: 30_000 });
      } catch (e) {
        assert.fail(`README.md:${block.line} failed:\n${e.stderr || e.message}\n--- block ---\n${block.code}`);
      }
    });
  }
});
