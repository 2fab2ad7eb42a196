// (b) Storage unavailable: a sandboxed frame without allow-same-origin,
// where touching localStorage throws a SecurityError, and a page whose
// localStorage getter throws (storage disabled). The module works in
// memory, says so (persistent: false, a notice), and nothing throws.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startSuite, assertClean } from './harness.mjs';

let suite;
before(async () => {
  suite = await startSuite();
});
after(async () => {
  await suite?.close();
});

test('sandboxed iframe without allow-same-origin: SecurityError on localStorage, ondevice works in memory', async () => {
  const ctx = await suite.context();
  const page = await suite.open(ctx, 'sandbox.html');
  await page.waitForFunction(() => window.frameResult !== null, null, { timeout: 15_000, polling: 50 });
  const r = await page.evaluate(() => window.frameResult);
  assert.equal(r.storageError, 'SecurityError', 'the frame really has no storage');
  assert.deepEqual(r.errors, [], 'nothing threw');
  assert.equal(r.persistent, false);
  assert.ok(r.notices.some((n) => n.code === 'storageUnavailable' && /SecurityError/.test(n.message)), JSON.stringify(r.notices));
  assert.equal(r.recorded, true, 'recording works in memory');
  assert.equal(r.totalEvents, 1);
  // The comedy slider at 1 and a liked comedy put comedies first.
  assert.ok(r.top.every((id) => ['m4', 'm6', 'm10', 'm11'].includes(id)), `top 3: ${r.top}`);
  assert.deepEqual(r.preferences.categories, { comedy: 1 });
  assert.equal(r.synced, false);
  assert.deepEqual(r.afterForget, {}, 'forget works without storage');
  await assertClean(ctx);
  await ctx.context.close();
});

test('a localStorage getter that throws (storage disabled): memory only, reported, no throw', async () => {
  const ctx = await suite.context();
  await ctx.context.addInitScript(() => {
    Object.defineProperty(window, 'localStorage', {
      get() {
        throw new DOMException('Access is denied for this document.', 'SecurityError');
      },
    });
  });
  const page = await suite.open(ctx);
  const r = await page.evaluate(() => {
    const { Personalizer, catalogue } = window.ondevice;
    const out = { thrown: null };
    try {
      const p = new Personalizer({ profile: 'default' });
      p.loadCatalogue(catalogue);
      p.setPreferences({ categories: { drama: 0.5 } });
      out.top = p.rank({ limit: 2 }).map((x) => x.id);
      const s = p.profileSummary();
      out.persistent = s.persistent;
      out.codes = s.notices.map((n) => n.code);
      out.drama = p.preferences().categories.drama;
      p.forget();
    } catch (e) {
      out.thrown = `${e.name}: ${e.message}`;
    }
    return out;
  });
  assert.equal(r.thrown, null);
  assert.equal(r.persistent, false);
  assert.deepEqual(r.codes, ['storageUnavailable']);
  assert.equal(r.drama, 0.5);
  assert.equal(r.top.length, 2);
  await assertClean(ctx);
  await ctx.context.close();
});
