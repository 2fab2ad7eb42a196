// ondevice/slim: the module as a file of its own, loaded from what the site
// passes. Each way of passing it runs in a fresh process (a module loads
// once per process), and ranks the same list as the default entry.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import init, { Personalizer } from 'ondevice';
import { catalogue, ids } from './fixtures.mjs';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WASM = fileURLToPath(new URL('../../pkg/ondevice_bg.wasm', import.meta.url));

/** Runs `body` (an async function body with `init`, `initSync`, `Personalizer`,
 * `bytes` and `rankIds` in scope) in a fresh Node process; returns its JSON. */
async function child(body) {
  const script = `
    import init, { initSync, Personalizer } from 'ondevice/slim';
    import { readFileSync } from 'node:fs';
    import { catalogue, ids } from './tests/js/fixtures.mjs';
    const bytes = readFileSync(${JSON.stringify(WASM)});
    const rankIds = () => { const p = new Personalizer({ storage: 'memory' }); p.loadCatalogue(catalogue()); p.setPreferences({ categories: { drama: 1 } }); return ids(p.rank({ limit: 5 })); };
    const out = await (async () => { ${body} })();
    process.stdout.write(JSON.stringify(out));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT });
  return JSON.parse(stdout);
}

await init();
const expected = (() => {
  const p = new Personalizer({ storage: 'memory' });
  p.loadCatalogue(catalogue());
  p.setPreferences({ categories: { drama: 1 } });
  return ids(p.rank({ limit: 5 }));
})();

test('the slim entry ships the same module as the embedded one', () => {
  const embedded = readFileSync(new URL('../../pkg/ondevice_wasm.js', import.meta.url), 'utf8');
  assert.ok(embedded.length > 100_000);
  assert.ok(readFileSync(WASM).length > 100_000);
});

for (const [what, body] of [
  ['a Response with application/wasm (streaming compile)', `await init({ module: new Response(bytes, { headers: { 'content-type': 'application/wasm' } }) }); return rankIds();`],
  ['a promise of a Response of another MIME type (buffered)', `await init({ module: Promise.resolve(new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } })) }); return rankIds();`],
  ['a WebAssembly.Module', `await init({ module: new WebAssembly.Module(bytes) }); return rankIds();`],
  ['the bytes', `await init({ module: new Uint8Array(bytes) }); return rankIds();`],
  ['initSync with the bytes, then init is a no-op', `initSync({ module: bytes }); await init({ module: 'ignored once loaded' }); return rankIds();`],
]) {
  test(`init from ${what} ranks as the default entry does`, async () => {
    assert.deepEqual(await child(body), expected);
  });
}

test('a failed load is an error that names the response, and can be retried', async () => {
  const out = await child(`
    const errors = [];
    for (const bad of [undefined, {}, { module: 'ondevice.wasm' }, { module: new Response('not found', { status: 404, statusText: 'Not Found' }) }]) {
      try { await init(bad); errors.push('resolved'); } catch (e) { errors.push(e.constructor.name + ': ' + e.message); }
    }
    try { initSync({ module: 42 }); errors.push('resolved'); } catch (e) { errors.push(e.constructor.name + ': ' + e.message); }
    await init({ module: bytes });
    return { errors, ranked: rankIds() };`);
  assert.deepEqual(out.ranked, expected);
  assert.equal(out.errors.length, 5);
  for (const e of [out.errors[0], out.errors[1], out.errors[2]]) assert.match(e, /^TypeError: ondevice\/slim: init\(\{ module \}\) takes a WebAssembly\.Module/);
  assert.match(out.errors[3], /^Error: ondevice\/slim: the response for ondevice\.wasm is 404 Not Found/);
  assert.match(out.errors[4], /^TypeError: ondevice\/slim: initSync\(\{ module \}\) takes a WebAssembly\.Module or the bytes/);
});
