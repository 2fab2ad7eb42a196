// (c) Two tabs of one site (two pages of one browser context, so one
// localStorage): a change in one shows in the other without a reload
// (the `storage` event, onChange), and concurrent writes lose no preference
// change. What happens to concurrent history writes is measured and
// printed (see SECURITY.md), and checked against the union the core claims.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startSuite, assertClean, PROFILE_KEY } from './harness.mjs';

let suite;
before(async () => {
  suite = await startSuite();
});
after(async () => {
  await suite?.close();
});

/** Opens a tab with `window.p` on profile "default", the causes its onChange
 * listener saw, and a counter of other tabs' changes ("sync"). */
async function tab(ctx) {
  const page = await suite.open(ctx);
  await page.evaluate(() => {
    const { Personalizer, catalogue } = window.ondevice;
    window.p = new Personalizer({ profile: 'default' });
    window.p.loadCatalogue(catalogue);
    window.ondeviceChanges = 0;
    window.ondeviceCauses = [];
    window.storageEvents = 0;
    window.addEventListener('storage', () => {
      window.storageEvents++;
    });
    window.p.onChange((cause) => {
      window.ondeviceCauses.push(cause);
      if (cause === 'sync') window.ondeviceChanges++;
    });
  });
  return page;
}

test('a preference changed in one tab shows in the other without a reload, and onChange fires', async () => {
  const ctx = await suite.context();
  const [a, b] = [await tab(ctx), await tab(ctx)];
  await a.evaluate(() => window.p.setPreferences({ categories: { drama: 0.9 }, variety: 0.6 }));
  await b.waitForFunction(() => window.p.preferences().categories.drama === 0.9, null, { timeout: 5_000, polling: 20 });
  const seen = await b.evaluate(() => ({ prefs: window.p.preferences(), changes: window.ondeviceChanges, top: window.p.rank({ limit: 3 }).map((r) => r.id) }));
  assert.equal(seen.prefs.variety, 0.6);
  assert.ok(seen.changes >= 1, 'onChange fired in the other tab');
  assert.ok(seen.top.some((id) => ['m3', 'm6', 'm7'].includes(id)), `the other tab re-ranks with the new slider: ${seen.top}`);
  assert.deepEqual(await a.evaluate(() => window.ondeviceCauses), ['preferences'], 'a tab is told of its own change once, as "preferences", never as another tab\'s ("sync")');
  assert.ok((await b.evaluate(() => window.ondeviceCauses)).includes('sync'), 'the other tab is told "sync"');
  await assertClean(ctx);
  await ctx.context.close();
});

/** In-page: `n` rounds of setPreferences on this tab's own fields, each
 *  followed by a recorded event, with random pauses so the two tabs'
 *  writes interleave. Returns the last value set per field. */
const WRITER = async ({ n, fields, items, seed }) => {
  let s = seed;
  const random = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const last = {};
  let recorded = 0;
  for (let i = 0; i < n; i++) {
    const [field, value] = fields(i);
    const patch = field.startsWith('categories.') ? { categories: { [field.slice(11)]: value } } : { [field]: value };
    window.p.setPreferences(patch);
    last[field] = value;
    if (window.p.record({ itemId: items[i % items.length], kind: 'view', at: Date.now() - 1000 + i })) recorded++;
    if (random() < 0.7) await new Promise((r) => setTimeout(r, Math.floor(random() * 4)));
  }
  return { last, recorded };
};

test('another tab clearing all storage (a storage event with no key): the profile resets, onChange may re-rank inside the callback', async () => {
  const ctx = await suite.context();
  const [a, b] = [await tab(ctx), await tab(ctx)];
  await a.evaluate(() => {
    window.p.onChange((cause) => {
      if (cause !== 'sync') return; // its own setPreferences below is told too
      window.ondeviceChanges++;
      window.rankedInCallback = window.p.rank({ limit: 3 }).map((r) => r.id);
    });
    window.p.setPreferences({ categories: { horror: 1 } });
  });
  await b.waitForFunction(() => window.p.preferences().categories.horror === 1, null, { timeout: 5_000, polling: 20 });
  await b.evaluate(() => localStorage.clear());
  await a.waitForFunction(() => window.ondeviceChanges > 0, null, { timeout: 5_000, polling: 20 });
  const seen = await a.evaluate(() => ({ prefs: window.p.preferences(), ranked: window.rankedInCallback }));
  assert.deepEqual(seen.prefs.categories, {});
  assert.equal(seen.ranked.length, 3, 'the page could rank from inside onChange');
  await assertClean(ctx);
  await ctx.context.close();
});

/** Renderer processes of the browser (Chromium's CDP). */
async function renderers() {
  const cdp = await suite.browser.newBrowserCDPSession();
  const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
  await cdp.detach();
  return processInfo.filter((p) => p.type === 'renderer').length;
}

test('two tabs setting different preferences at once lose no change; both tabs and storage agree', async (t) => {
  const ctx = await suite.context();
  const a = await tab(ctx);
  const before = await renderers();
  const b = await tab(ctx);
  // Each tab has its own renderer process, so their localStorage writes
  // really race (one process would serialize them).
  assert.ok((await renderers()) > before, 'the second tab got no renderer process of its own');
  await a.evaluate(() => window.p.setPreferences({ historyConsent: true }));
  await b.waitForFunction(() => window.p.preferences().historyConsent === true, null, { timeout: 5_000, polling: 20 });
  const N = 60;
  const run = (page, owner, seed) => page.evaluate(
    `(${WRITER})({ n: ${N}, seed: ${seed}, items: ${JSON.stringify(owner === 'a' ? ['m1', 'm2', 'm3'] : ['m4', 'm5', 'm6'])}, fields: ${owner === 'a'
      ? "(i) => [['personalization', ((i * 7) % 10) / 10], ['frequencyCap', 1 + (i % 50)], ['categories.sci-fi', ((i % 9) - 4) / 4]][i % 3]"
      : "(i) => [['variety', ((i * 3) % 10) / 10], ['retentionDays', 30 + i], ['categories.drama', ((i % 7) - 3) / 4 || 0.25]][i % 3]"} })`,
  );
  const [ra, rb] = await Promise.all([run(a, 'a', 1), run(b, 'b', 2)]);
  // Let the last storage events arrive, then make sure each tab has read.
  await a.waitForTimeout(300);
  const state = async (page) => page.evaluate((key) => {
    window.p.sync();
    return { prefs: window.p.preferences(), events: window.p.exportData().data.history.events };
  }, PROFILE_KEY);
  const [sa, sb] = [await state(a), await state(b)];
  // Quiet afterwards: no tab keeps writing in answer to the other's writes.
  const events = () => Promise.all([a, b].map((page) => page.evaluate(() => window.storageEvents)));
  const settled = await events();
  await a.waitForTimeout(1000);
  assert.deepEqual(await events(), settled, 'storage events kept coming after both tabs stopped: the tabs answer each other\'s writes');
  const stored = JSON.parse(await a.evaluate((key) => localStorage.getItem(key), PROFILE_KEY));
  const expected = { ...ra.last, ...rb.last };
  const actual = (prefs) => Object.fromEntries(Object.keys(expected).map((f) => [f, f.startsWith('categories.') ? (prefs.categories[f.slice(11)] ?? 0) : prefs[f]]));
  assert.deepEqual(sa.prefs, sb.prefs, 'both tabs agree');
  assert.deepEqual(stored.preferences, sa.prefs, 'storage agrees');
  assert.deepEqual(actual(sa.prefs), expected, 'every last-set value survived');
  const message = `concurrent history: tab A recorded ${ra.recorded}, tab B ${rb.recorded}; stored ${stored.history.events.length} events; tab A holds ${sa.events.length}, tab B ${sb.events.length}`;
  t.diagnostic(message);
  console.log(message);
  await assertClean(ctx);
  await ctx.context.close();
});

test('two tabs recording at once: every recorded event is kept (the union the core merges to)', async () => {
  const ctx = await suite.context();
  const [a, b] = [await tab(ctx), await tab(ctx)];
  await a.evaluate(() => window.p.setPreferences({ historyConsent: true }));
  await b.waitForFunction(() => window.p.preferences().historyConsent === true, null, { timeout: 5_000, polling: 20 });
  const record = (page, items, seed) => page.evaluate(async ({ items, seed }) => {
    let s = seed;
    let n = 0;
    for (let i = 0; i < 80; i++) {
      if (window.p.record({ itemId: items[i % items.length], kind: 'click', at: Date.now() - 5000 + i })) n++;
      s = (s * 1103515245 + 12345) % 2147483648;
      if (s % 3) await new Promise((r) => setTimeout(r, s % 3));
    }
    return n;
  }, { items, seed });
  const [na, nb] = await Promise.all([record(a, ['m1', 'm2'], 3), record(b, ['m4', 'm5'], 4)]);
  await a.waitForTimeout(300);
  const stored = JSON.parse(await a.evaluate((key) => localStorage.getItem(key), PROFILE_KEY));
  const counts = { a: stored.history.events.filter((e) => ['m1', 'm2'].includes(e.item)).length, b: stored.history.events.filter((e) => ['m4', 'm5'].includes(e.item)).length };
  assert.deepEqual(counts, { a: na, b: nb }, `events lost: recorded ${na} + ${nb}, stored ${counts.a} + ${counts.b}`);
  await assertClean(ctx);
  await ctx.context.close();
});
