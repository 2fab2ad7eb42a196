// (a) localStorage full. The site (or another library) has filled the
// origin's storage; ondevice must compact history and keep preferences,
// keep the page working, and report what happened.
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

/** In-page: fills localStorage until not one more character fits. */
const FILL = () => {
  let n = 0;
  for (let size = 1 << 20; size >= 1; size >>= 1) {
    const chunk = 'f'.repeat(size);
    for (;;) {
      try {
        localStorage.setItem(`site:filler:${n}`, chunk);
        n++;
      } catch {
        break;
      }
    }
  }
  return n;
};

test('storage filled after history grew: history is compacted, preferences kept, page works, reported', async () => {
  const ctx = await suite.context();
  const page = await suite.open(ctx);
  const r = await page.evaluate(({ key, FILL }) => {
    const fill = new Function(`return (${FILL})()`);
    const { Personalizer, catalogue } = window.ondevice;
    const p = new Personalizer({ profile: 'default' });
    p.loadCatalogue(catalogue);
    p.setPreferences({ historyConsent: true, categories: { 'sci-fi': 0.8, drama: -0.5 }, blocked: ['horror'] });
    const now = Date.now();
    for (let i = 0; i < 600; i++) p.record({ itemId: `m${1 + (i % 12)}`, kind: 'view', at: now - 600_000 + i * 1000 });
    const eventsBefore = p.exportData().data.history.events.length;
    const fillers = fill();
    const out = { eventsBefore, fillers, thrown: null };
    try {
      // Each of these needs more room than there is.
      out.recorded = [];
      for (let i = 0; i < 20; i++) out.recorded.push(p.record({ itemId: 'm4', kind: 'like' }));
      p.setPreferences({ variety: 0.9, categories: { comedy: 1 } });
      out.ranked = p.rank({ limit: 5, includeSeen: true }).map((x) => x.id);
    } catch (e) {
      out.thrown = `${e.name}: ${e.message}`;
    }
    const summary = p.profileSummary();
    out.notices = summary.notices;
    out.persistent = summary.persistent;
    out.eventsAfter = p.exportData().data.history.events.length;
    out.totalEvents = summary.totalEvents;
    out.stored = JSON.parse(localStorage.getItem(key));
    out.preferences = p.preferences();
    return out;
  }, { key: PROFILE_KEY, FILL: FILL.toString() });
  assert.equal(r.thrown, null, 'nothing throws into the page');
  assert.ok(r.fillers > 0);
  assert.deepEqual(r.recorded, Array(20).fill(true), 'events are still recorded');
  assert.equal(r.ranked.length, 5, 'ranking still works');
  assert.ok(r.notices.some((n) => n.code === 'quotaCompacted'), `reported: ${JSON.stringify(r.notices)}`);
  assert.ok(r.eventsAfter < r.eventsBefore, `history was compacted: ${r.eventsBefore} -> ${r.eventsAfter}`);
  assert.equal(r.totalEvents, 620, 'folded events are still counted');
  assert.equal(r.persistent, true, 'compaction made room: still persistent');
  // Preferences are never dropped: the stored document has every change.
  assert.deepEqual(r.stored.preferences, r.preferences);
  assert.deepEqual(r.stored.preferences.categories, { comedy: 1, drama: -0.5, 'sci-fi': 0.8 });
  assert.equal(r.stored.preferences.variety, 0.9);
  assert.deepEqual(r.stored.preferences.blocked, ['horror']);
  await assertClean(ctx);
  await ctx.context.close();
});

test('storage full before the first write: works in memory, preferences kept there, reported', async () => {
  const ctx = await suite.context();
  const page = await suite.open(ctx);
  const r = await page.evaluate(({ key, FILL }) => {
    new Function(`return (${FILL})()`)();
    const { Personalizer, catalogue } = window.ondevice;
    const out = { thrown: null };
    try {
      const p = new Personalizer({ profile: 'default' });
      p.loadCatalogue(catalogue);
      p.setPreferences({ historyConsent: true, categories: { drama: 1 } });
      out.recorded = p.record({ itemId: 'm7', kind: 'like' });
      out.top = p.rank({ limit: 1 }).map((x) => x.id);
      out.preferences = p.preferences();
      const s = p.profileSummary();
      out.notices = s.notices;
      out.persistent = s.persistent;
    } catch (e) {
      out.thrown = `${e.name}: ${e.message}`;
    }
    out.stored = localStorage.getItem(key);
    return out;
  }, { key: PROFILE_KEY, FILL: FILL.toString() });
  assert.equal(r.thrown, null);
  assert.equal(r.stored, null, 'nothing could be stored');
  assert.equal(r.persistent, false);
  assert.ok(r.notices.some((n) => n.code === 'writeFailed' && /quota/i.test(n.message)), JSON.stringify(r.notices));
  assert.deepEqual(r.preferences.categories, { drama: 1 });
  assert.equal(r.recorded, true);
  assert.equal(r.top.length, 1, 'ranking works');
  await assertClean(ctx);
  await ctx.context.close();
});

test('every write throwing QuotaExceededError (Safari private mode of old): memory only, reported, no throw', async () => {
  const ctx = await suite.context();
  await ctx.context.addInitScript(() => {
    Storage.prototype.setItem = function setItem() {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  });
  const page = await suite.open(ctx);
  const r = await page.evaluate(() => {
    const { Personalizer, catalogue } = window.ondevice;
    const out = { thrown: null };
    try {
      const p = new Personalizer();
      p.loadCatalogue(catalogue);
      p.setPreferences({ historyConsent: true, personalization: 0.4 });
      out.recorded = p.record({ itemId: 'm1', kind: 'view' });
      out.personalization = p.preferences().personalization;
      const s = p.profileSummary();
      out.persistent = s.persistent;
      out.codes = s.notices.map((n) => n.code);
    } catch (e) {
      out.thrown = `${e.name}: ${e.message}`;
    }
    return out;
  });
  assert.equal(r.thrown, null);
  assert.equal(r.personalization, 0.4);
  assert.equal(r.recorded, true);
  assert.equal(r.persistent, false);
  assert.ok(r.codes.includes('writeFailed'), JSON.stringify(r.codes));
  await assertClean(ctx);
  await ctx.context.close();
});
