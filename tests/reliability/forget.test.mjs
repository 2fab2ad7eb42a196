// (d) forget() leaves no ondevice key of that profile behind (profile and
// quarantine), touches nothing else, and another open tab does not write
// the forgotten data back.
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

const keys = (page) => page.evaluate(() => Object.keys(localStorage).sort());

test('forget removes the profile and its quarantine key, nothing else; the other tab does not resurrect it', async () => {
  const ctx = await suite.context();
  const a = await suite.open(ctx);
  await a.evaluate(() => {
    localStorage.setItem('site:cart', '["sku-1"]');
    // A corrupt value, so that opening the profile creates the quarantine key.
    localStorage.setItem('ondevice:profile:default', '{"version":1,"preferences":{"variety":');
    const { Personalizer, catalogue } = window.ondevice;
    const other = new Personalizer({ profile: 'other' });
    other.setPreferences({ variety: 0.1 });
    window.p = new Personalizer({ profile: 'default' });
    window.p.loadCatalogue(catalogue);
    window.p.setPreferences({ historyConsent: true, categories: { comedy: 0.7 } });
    window.p.record({ itemId: 'm4', kind: 'purchase' });
  });
  assert.deepEqual(await keys(a), ['ondevice:profile:default', 'ondevice:profile:other', 'ondevice:quarantine:default', 'site:cart']);
  const b = await suite.open(ctx);
  await b.evaluate(() => {
    const { Personalizer, catalogue } = window.ondevice;
    window.p = new Personalizer({ profile: 'default' });
    window.p.loadCatalogue(catalogue);
  });
  assert.equal(await b.evaluate(() => window.p.profileSummary().totalEvents), 1);

  await a.evaluate(() => window.p.forget());
  assert.deepEqual(await keys(a), ['ondevice:profile:other', 'site:cart'], 'no key of profile "default" is left');
  assert.deepEqual(await a.evaluate(() => window.p.profileSummary().notices), [], 'the quarantine notice went with it');

  // The other tab adopts the deletion and, on its next write, does not put
  // the old preferences or history back.
  await b.waitForFunction(() => window.p.profileSummary().totalEvents === 0, null, { timeout: 5_000, polling: 20 });
  await b.evaluate(() => window.p.setPreferences({ variety: 0.5 }));
  // A change made after the deletion is kept, in both tabs, once the
  // storage events have settled.
  await a.waitForTimeout(300);
  const variety = { a: await a.evaluate(() => window.p.preferences().variety), b: await b.evaluate(() => window.p.preferences().variety) };
  const stored = JSON.parse(await b.evaluate(() => localStorage.getItem('ondevice:profile:default')));
  assert.deepEqual(stored.preferences.categories, {}, 'forgotten sliders were not written back');
  assert.equal(stored.preferences.historyConsent, false, 'forgotten consent was not written back');
  assert.deepEqual(stored.history.events, [], 'forgotten history was not written back');
  assert.deepEqual({ ...variety, stored: stored.preferences.variety }, { a: 0.5, b: 0.5, stored: 0.5 }, 'the first change after a forget in another tab was lost');
  await assertClean(ctx);
  await ctx.context.close();
});

test('forget also removes a value stored by a newer version (the person asked for deletion)', async () => {
  const ctx = await suite.context();
  const page = await suite.open(ctx);
  const left = await page.evaluate(() => {
    localStorage.setItem('ondevice:profile:default', '{"version":42}');
    const p = new window.ondevice.Personalizer({ profile: 'default' });
    p.forget();
    return Object.keys(localStorage).filter((k) => k.startsWith('ondevice:'));
  });
  assert.deepEqual(left, []);
  await assertClean(ctx);
  await ctx.context.close();
});
