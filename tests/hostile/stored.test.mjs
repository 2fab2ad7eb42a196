// Hostile values already in localStorage when a page opens its profile, in
// headless Chromium through the built package. Unreadable values are moved
// to ondevice:quarantine:<profile> (the exact text), the profile starts
// clean, the page is told in profileSummary().notices, and nothing throws;
// a newer schema version is never overwritten; an older one is migrated, as
// src/core/profile.rs documents (version 1 -> 2; versions below 1 are not
// known and so are quarantined).
//
//   node --test tests/hostile/stored.test.mjs    (after bash scripts/build.sh)
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startSuite, assertClean, PROFILE_KEY, QUARANTINE_KEY } from '../reliability/harness.mjs';

let suite;
before(async () => {
  suite = await startSuite();
});
after(async () => {
  await suite?.close();
});

const NOW = Date.now();
const DAY = 86_400_000;

/** Stores `text`, opens the profile, uses it, and reports what happened. */
async function openWith(text) {
  const ctx = await suite.context();
  const page = await suite.open(ctx);
  const result = await page.evaluate(({ text, key, qkey }) => {
    localStorage.setItem(key, text);
    const { Personalizer, catalogue } = window.ondevice;
    const out = { thrown: null };
    try {
      const p = new Personalizer({ profile: 'default' });
      p.loadCatalogue(catalogue);
      const summary = p.profileSummary();
      out.notices = summary.notices;
      out.persistent = summary.persistent;
      out.summary = summary;
      out.preferences = p.preferences();
      out.defaults = new Personalizer({ storage: 'memory' }).preferences();
      out.quarantined = localStorage.getItem(qkey);
      out.storedAfterOpen = localStorage.getItem(key);
      out.ranked = p.rank({ limit: 3 }).length;
      p.setPreferences({ variety: 0.55 });
      p.record({ itemId: 'm2', kind: 'view' });
      out.storedAfterWrite = localStorage.getItem(key);
      out.version = p.exportData().data.version;
    } catch (e) {
      out.thrown = `${e.name}: ${e.message}`;
    }
    return out;
  }, { text, key: PROFILE_KEY, qkey: QUARANTINE_KEY });
  await assertClean(ctx);
  await ctx.context.close();
  return result;
}

const codes = (r) => (r.notices ?? []).map((n) => n.code);

function assertQuarantined(r, text) {
  assert.equal(r.thrown, null, 'nothing throws into the page');
  assert.equal(r.quarantined, text, 'the exact stored text is kept under the quarantine key');
  assert.deepEqual(r.preferences, r.defaults, 'the profile starts clean');
  assert.ok(codes(r).includes('quarantined'), `reported in notices: ${JSON.stringify(r.notices)}`);
  const stored = JSON.parse(r.storedAfterWrite);
  assert.equal(stored.version, r.version, 'the profile key now holds a readable document of this version');
  assert.equal(stored.preferences.variety, 0.55, 'later changes are stored');
}

const corrupt = [
  ['truncated JSON', '{"version":1,"preferences":{"variety":0.3,"categ'],
  ['not JSON at all', 'hello'],
  ['an empty string', ''],
  ['JSON null', 'null'],
  ['a number', '42'],
  ['an array', '[1,2,3]'],
  ['wrong types', '{"version":1,"preferences":[],"history":"none"}'],
  ['version as a string', '{"version":"1","preferences":{}}'],
  ['a hand-edited slider out of range', '{"version":1,"preferences":{"personalization":7}}'],
  ['a hand-edited frequencyCap of 0', '{"version":1,"preferences":{"frequencyCap":0}}'],
  ['an unknown kind of event', `{"version":1,"history":{"events":[{"item":"m1","kind":"stare","at":${NOW}}]}}`],
  ['events out of time order', `{"version":1,"history":{"events":[{"item":"m1","kind":"view","at":${NOW}},{"item":"m2","kind":"view","at":${NOW - 1}}]}}`],
  ['a __proto__ key', '{"version":1,"preferences":{"__proto__":{"personalization":0}}}'],
  ['an unknown top-level field', '{"version":1,"name":"Alice"}'],
  ['NaN in the text', '{"version":1,"preferences":{"variety":NaN}}'],
  ['10^5 levels of nesting', '['.repeat(1e5) + ']'.repeat(1e5)],
  ['version 0 (below the first known version)', '{"version":0,"preferences":{"variety":0.7}}'],
  ['a negative version', '{"version":-1}'],
];

for (const [name, text] of corrupt) {
  test(`stored ${name}: quarantined, clean start, reported`, async () => {
    assertQuarantined(await openWith(text), text);
  });
}

test('a stored value holding a megabyte string: quarantined, and the notice shown to people stays short', async () => {
  const text = JSON.stringify({ version: 1, history: { events: ['x'.repeat(1_000_000)] } });
  const r = await openWith(text);
  assertQuarantined(r, text);
  for (const n of r.notices) assert.ok(n.message.length <= 2048, `a notice of ${n.message.length} characters: ${n.message.slice(0, 120)}…`);
});

test('stored value from a future schema version: never overwritten, reported, works in memory', async () => {
  const text = '{"version":99,"preferences":{"personalization":"a future format"},"somethingNew":[1]}';
  const r = await openWith(text);
  assert.equal(r.thrown, null);
  assert.equal(r.storedAfterOpen, text);
  assert.equal(r.storedAfterWrite, text, 'a write did not overwrite it');
  assert.equal(r.quarantined, null, 'not quarantined either: it is not corrupt');
  assert.equal(r.persistent, false);
  assert.ok(codes(r).includes('futureVersion'), JSON.stringify(r.notices));
  assert.deepEqual(r.preferences, r.defaults);
});

test('stored value of schema version 1: migrated, nothing lost, rewritten in the current version', async () => {
  const text = JSON.stringify({ version: 1, preferences: { variety: 0.7, categories: { drama: 0.4 }, historyConsent: true }, history: { events: [{ item: 'm3', kind: 'like', at: NOW - DAY }] } });
  const r = await openWith(text);
  assert.equal(r.thrown, null);
  assert.equal(r.quarantined, null);
  assert.equal(r.preferences.categories.drama, 0.4);
  assert.equal(r.preferences.variety, 0.7);
  assert.equal(r.preferences.historyConsent, true);
  const stored = JSON.parse(r.storedAfterWrite);
  assert.equal(stored.version, r.version);
  assert.ok(r.version > 1, `the current version is ${r.version}`);
  assert.equal(stored.preferences.categories.drama, 0.4);
  assert.deepEqual(stored.history.events.map((e) => `${e.item}:${e.kind}`), ['m3:like', 'm2:view']);
});

test('a stored value over the 4 MiB profile limit: quarantined, or (no room for a copy) left untouched in memory-only mode', async () => {
  const text = `{"version":1,"preferences":{}}${' '.repeat(4 * 1024 * 1024)}`;
  const r = await openWith(text);
  assert.equal(r.thrown, null);
  if (r.quarantined === text) {
    assertQuarantined(r, text);
  } else {
    assert.equal(r.storedAfterWrite, text, 'the only copy is not overwritten');
    assert.ok(codes(r).includes('unreadable'), JSON.stringify(r.notices));
    assert.equal(r.persistent, false);
  }
});

test('stored event counts at 2^64 - 1: refused, or summed without wrapping', async () => {
  const text = '{"version":1,"history":{"foldedCounts":{"view":18446744073709551615,"like":1}}}';
  const r = await openWith(text);
  assert.equal(r.thrown, null);
  if (r.quarantined === text) return;
  const { totalEvents, events } = r.summary;
  assert.ok(Number.isSafeInteger(totalEvents) && totalEvents >= events.like, `totalEvents ${totalEvents} with ${JSON.stringify(events)}`);
});

test('a stored privacy period starting at the end of time: refused, or renewsAt after it', async () => {
  const text = '{"version":1,"privacy":{"periodStart":9223372036854775807,"spent":2,"memo":[]}}';
  const r = await openWith(text);
  assert.equal(r.thrown, null);
  if (r.quarantined === text) return;
  const { renewsAt } = r.summary.privacy;
  assert.ok(renewsAt === null || renewsAt >= 9223372036854775807, `renewsAt ${renewsAt} is before the period start`);
});

test('an unreadable value written while a tab is open: quarantined, and the tab keeps and rewrites its own valid profile', async () => {
  const ctx = await suite.context();
  const a = await suite.open(ctx);
  await a.evaluate(() => {
    const { Personalizer, catalogue } = window.ondevice;
    window.p = new Personalizer({ profile: 'default' });
    window.p.loadCatalogue(catalogue);
    window.p.setPreferences({ categories: { drama: 0.9 }, historyConsent: true });
    window.p.record({ itemId: 'm7', kind: 'like' });
  });
  const garbage = '{"version":2,"preferences":{"variety":';
  const b = await suite.open(ctx);
  await b.evaluate(({ key, garbage }) => localStorage.setItem(key, garbage), { key: PROFILE_KEY, garbage });
  await a.waitForFunction(() => window.p.profileSummary().notices.length > 0, null, { timeout: 5_000, polling: 20 });
  const r = await a.evaluate(({ key, qkey }) => ({
    categories: window.p.preferences().categories,
    totalEvents: window.p.profileSummary().totalEvents,
    quarantined: localStorage.getItem(qkey),
    stored: JSON.parse(localStorage.getItem(key)),
  }), { key: PROFILE_KEY, qkey: QUARANTINE_KEY });
  assert.equal(r.quarantined, garbage, 'the unreadable value is kept aside');
  assert.deepEqual({ categories: r.categories, totalEvents: r.totalEvents }, { categories: { drama: 0.9 }, totalEvents: 1 }, 'the open tab lost the person\'s preferences and history');
  assert.deepEqual(r.stored.preferences.categories, { drama: 0.9 }, 'the valid profile is written back');
  await assertClean(ctx);
  await ctx.context.close();
});

test('stored events far in the future or the past are dropped on load; the rest is kept', async () => {
  const text = JSON.stringify({ version: 1, preferences: { historyConsent: true }, history: { events: [
    { item: 'm1', kind: 'view', at: 0 },
    { item: 'm2', kind: 'like', at: NOW - DAY },
    { item: 'm3', kind: 'view', at: NOW + 3650 * DAY },
  ] } });
  const r = await openWith(text);
  assert.equal(r.thrown, null);
  assert.equal(r.quarantined, null);
  const stored = JSON.parse(r.storedAfterWrite);
  assert.deepEqual(stored.history.events.map((e) => e.item), ['m2', 'm2'], 'the 1970 and the 2036 events are gone; m2 kept (and m2 recorded by the test)');
});
