// What is kept about the person: only with consent, visible in the summary,
// exportable, deletable and importable back; and where it is kept.
import test from 'node:test';
import assert from 'node:assert/strict';
import init, { Personalizer } from 'ondevice';
import { busy, catalogue, open, siteOrder, ids, stateOf, assertAlmostEqual, sensitiveCategories, DAY_MS } from './fixtures.mjs';

const KINDS = ['view', 'click', 'purchase', 'like', 'dislike', 'dismiss'];
const ALL = { limit: 1000 };

async function defaults() {
  const p = await open();
  const prefs = p.preferences();
  p.free();
  return prefs;
}

test('nothing is recorded without consent; withdrawing it stops recording at once', async () => {
  const p = await open();
  const cat = catalogue();
  p.loadCatalogue(cat);
  const before = stateOf(p);
  for (const kind of KINDS) assert.equal(p.record({ itemId: 'm2', kind }), false, kind);
  assert.equal(p.recordImpressions(['m2', 'm3']), 0);
  assertAlmostEqual(stateOf(p), before);
  assert.equal(p.profileSummary().totalEvents, 0);
  assert.deepEqual(p.exportData().data.history.events, []);

  p.setPreferences({ historyConsent: true });
  assert.equal(p.record({ itemId: 'm2', kind: 'like' }), true);
  assert.equal(p.recordImpressions(['m2', 'm3']), 2);
  assert.equal(p.profileSummary().totalEvents, 1);
  const personalized = ids(p.rank(ALL));
  assert.notDeepEqual(personalized, siteOrder(cat), 'the like changed the order');

  p.setPreferences({ historyConsent: false });
  const withdrawn = stateOf(p);
  for (const kind of KINDS) assert.equal(p.record({ itemId: 'm3', kind }), false, kind);
  assert.equal(p.recordImpressions(['m3']), 0);
  assertAlmostEqual(stateOf(p), withdrawn);
  assert.equal(p.profileSummary().totalEvents, 1);
  assert.equal(p.profileSummary().historyConsent, false);
});

test('only item ids, kinds and times are kept', async () => {
  const p = await busy();
  const events = p.exportData().data.history.events;
  assert.ok(events.length >= 3);
  for (const e of events) {
    assert.deepEqual(Object.keys(e).sort(), ['at', 'item', 'kind']);
    assert.equal(typeof e.item, 'string');
    assert.ok(KINDS.includes(e.kind));
    assert.ok(Number.isInteger(e.at));
  }
});

test('profileSummary has the documented shape and counts', async () => {
  const p = await open({ profile: 'shape' });
  const cat = catalogue();
  p.loadCatalogue(cat);
  p.setPreferences({ historyConsent: true, retentionDays: 30 });
  const now = Date.now();
  const recorded = [['m2', 'like', now - 3 * DAY_MS], ['m3', 'view', now - DAY_MS], ['m4', 'dislike', now - 2 * DAY_MS], ['m6', 'view', now], ['m8', 'like', now]];
  for (const [itemId, kind, at] of recorded) assert.equal(p.record({ itemId, kind, at }), true);

  const s = p.profileSummary();
  assert.deepEqual(Object.keys(s).sort(), ['bytesStored', 'events', 'historyConsent', 'interests', 'notices', 'oldestEvent', 'persistent', 'privacy', 'profile', 'retentionDays', 'storageKeys', 'totalEvents'].sort());
  assert.equal(s.profile, 'shape');
  assert.deepEqual(Object.keys(s.events).sort(), [...KINDS].sort());
  for (const kind of KINDS) assert.equal(s.events[kind], recorded.filter((r) => r[1] === kind).length, kind);
  assert.equal(s.totalEvents, recorded.length);
  assert.equal(s.oldestEvent, Math.min(...recorded.map((r) => r[2])));
  assert.equal(s.historyConsent, true);
  assert.equal(s.retentionDays, 30);
  assert.ok(Number.isInteger(s.bytesStored) && s.bytesStored >= 0);
  assert.equal(s.persistent, false, 'memory storage is not persistent');
  assert.deepEqual(s.notices, []);

  const sensitive = new Set(sensitiveCategories(cat));
  const visible = cat.categories.filter((c) => !sensitive.has(c.id));
  assert.deepEqual(s.interests.map((i) => [i.category, i.label]), visible.map((c) => [c.id, c.label]));
  for (const i of s.interests) assert.ok(i.weight >= -1 && i.weight <= 1, `${i.category}: ${i.weight}`);
  const weight = Object.fromEntries(s.interests.map((i) => [i.category, i.weight]));
  assert.equal(Math.max(...s.interests.map((i) => Math.abs(i.weight))), 1, 'relative to the strongest');
  assert.ok(weight['sci-fi'] > 0, 'liked and viewed sci-fi');
  assert.ok(weight.comedy < 0, 'disliked a comedy');
  assert.equal(weight.horror, 0, 'nothing about horror');
});

test('export, forget, import: a full round trip', async () => {
  const p = await busy();
  const exported = p.exportData();
  const ranked = p.rank(ALL);
  const prefs = p.preferences();
  assert.equal(exported.format, 'ondevice-export');
  assert.equal(exported.version, 2);
  assert.equal(exported.profile, 'default');
  assert.ok(Math.abs(exported.exportedAt - Date.now()) < 60_000);
  assert.equal(exported.data.version, 2);
  assert.deepEqual(exported.data.preferences, prefs);
  const file = JSON.stringify(exported);

  p.forget();
  assert.deepEqual(p.preferences(), await defaults());
  const empty = p.profileSummary();
  assert.equal(empty.totalEvents, 0);
  assert.equal(empty.oldestEvent, null);
  assert.deepEqual(p.exportData().data.history.events, []);
  assert.deepEqual(ids(p.rank(ALL)), siteOrder(catalogue()), 'after forget: the site order');
  assert.deepEqual(p.categories().map((c) => c.id), catalogue().categories.map((c) => c.id), 'the catalogue is not personal data: kept');

  p.importData(file);
  const { exportedAt, ...again } = p.exportData();
  const { exportedAt: _, ...original } = exported;
  // An import is a replacement: it starts a new epoch, so that other tabs'
  // older profiles do not merge back into it. Everything else is the same.
  assert.ok(again.data.epoch > original.data.epoch);
  assert.deepEqual({ ...again, data: { ...again.data, epoch: 0 } }, { ...original, data: { ...original.data, epoch: 0 } });
  assert.deepEqual(p.preferences(), prefs);
  assertAlmostEqual(p.rank(ALL), ranked);

  // Into another personalizer, as an object.
  const q = await open();
  q.loadCatalogue(catalogue());
  q.importData(exported);
  assertAlmostEqual(q.rank(ALL), ranked);
  assert.deepEqual(q.profileSummary().events, p.profileSummary().events);
});

test('storage "local" outside a browser works in memory and says so', async () => {
  await init();
  for (const options of [{ storage: 'local' }, { profile: 'node' }, undefined]) {
    const p = new Personalizer(options);
    const s = p.profileSummary();
    assert.equal(s.persistent, false, JSON.stringify(options));
    assert.equal(s.notices.length, 1);
    assert.equal(s.notices[0].code, 'storageUnavailable');
    assert.match(s.notices[0].message, /not a browser|window/);
    // Everything still works, in memory.
    p.loadCatalogue(catalogue());
    p.setPreferences({ historyConsent: true, personalization: 0.5 });
    assert.equal(p.record({ itemId: 'm2', kind: 'view' }), true);
    assert.equal(p.profileSummary().totalEvents, 1);
    assert.equal(p.rank({ limit: 3 }).length, 3);
    p.forget();
    assert.equal(p.profileSummary().totalEvents, 0);
    p.free();
  }
  const memory = new Personalizer({ storage: 'memory' });
  assert.equal(memory.profileSummary().persistent, false);
  assert.deepEqual(memory.profileSummary().notices, []);
  assert.equal(memory.sync(), false);
});

test('two memory personalizers share nothing', async () => {
  const a = await busy();
  const b = await open();
  b.loadCatalogue(catalogue());
  assert.deepEqual(b.preferences(), await defaults());
  assert.equal(b.profileSummary().totalEvents, 0);
  assert.ok(a.profileSummary().totalEvents > 0);
});

test('shortening retention drops older events at once', async () => {
  const p = await open();
  p.loadCatalogue(catalogue());
  p.setPreferences({ historyConsent: true });
  const now = Date.now();
  p.record({ itemId: 'm2', kind: 'view', at: now - 40 * DAY_MS });
  p.record({ itemId: 'm3', kind: 'view', at: now - 5 * DAY_MS });
  assert.equal(p.profileSummary().totalEvents, 2);
  p.setPreferences({ retentionDays: 10 });
  const s = p.profileSummary();
  assert.equal(s.totalEvents, 1);
  assert.deepEqual(p.exportData().data.history.events.map((e) => e.item), ['m3']);
});
