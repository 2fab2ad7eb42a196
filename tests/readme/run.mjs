// Runs every ```js example in README.md against the built package, as a
// site would import it ('ondevice' resolves to this repository by package
// self-reference). Every console.log line must end with `// expected output`
// ("..." matches anything); the test fails on a thrown error, a missing
// expectation or a different output.
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const readme = readFileSync(path.join(here, '../../README.md'), 'utf8');
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);

export function expectations(code) {
  const out = [];
  for (const line of code.split('\n')) {
    if (!line.includes('console.log(')) continue;
    const m = line.match(/\);\s*\/\/ (.*)$/);
    if (!m) throw new Error(`console.log without an expected-output comment: ${line.trim()}`);
    out.push(m[1]);
  }
  return out;
}

export function matches(expected, actual) {
  const pattern = expected.split('...').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${pattern}$`).test(actual);
}

let passed = 0;
let failed = 0;
if (!matches('a ... c', 'a b c') || matches('a', 'b')) throw new Error('the matcher itself is broken');
for (const [i, code] of blocks.entries()) {
  const file = path.join(here, `.example-${i}.mjs`);
  try {
    const expected = expectations(code);
    writeFileSync(file, code);
    const stdout = execFileSync(process.execPath, [file], { encoding: 'utf8' });
    const lines = stdout.trimEnd().split('\n').filter((l) => l !== '');
    if (lines.length !== expected.length) throw new Error(`printed ${lines.length} lines, expected ${expected.length}:\n${stdout}`);
    expected.forEach((e, j) => {
      if (!matches(e, lines[j])) throw new Error(`line ${j + 1}: expected "${e}", got "${lines[j]}"`);
    });
    passed++;
    console.log(`ok ${i + 1} - README example ${i + 1} (${expected.length} outputs checked)`);
  } catch (e) {
    failed++;
    console.log(`not ok ${i + 1} - README example ${i + 1}: ${e.message}`);
  } finally {
    rmSync(file, { force: true });
  }
}
if (blocks.length === 0) failed++;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
