// Bad input gets a JS Error naming the field (message and `error.field`),
// and leaves everything as it was: preferences, the stored document, the
// ranking, the categories and the summary are compared before and after
// (Loro style: toThrow, then toEqual).
import test from 'node:test';
import assert from 'node:assert/strict';
import init, { Personalizer } from 'ondevice';
import { busy, catalogue, open, stateOf, assertSameState, expectError, DAY_MS } from './fixtures.mjs';

/** Each case: [what, call, field, message pattern]. */
function check(cases) {
  return async () => {
    const p = await busy();
    for (const [what, call, field, pattern] of cases) {
      const before = stateOf(p);
      expectError(() => call(p), field, pattern);
      assertSameState(p, before, what);
    }
  };
}

const valid = catalogue();
const withItem = (patch) => {
  const c = catalogue();
  c.items[1] = { ...c.items[1], ...patch };
  return c;
};

test('bad catalogues are refused and the previous catalogue stays', check([
  ['unsupported version', (p) => p.loadCatalogue({ ...valid, version: 2 }), 'catalogue.version', /2 is not supported; supported: 1/],
  ['missing items', (p) => p.loadCatalogue({ version: 1, categories: [] }), 'catalogue.items', /missing field `items`/],
  ['not JSON', (p) => p.loadCatalogue('{"version": 1,'), 'catalogue', /./],
  ['undefined', (p) => p.loadCatalogue(undefined), 'catalogue', /expected an object or a JSON string/],
  ['bytes that are not UTF-8', (p) => p.loadCatalogue(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d])), 'catalogue', /not valid UTF-8 \(at byte 2\)/],
  ['bytes of the compact form', (p) => p.loadCatalogue(new Uint8Array([0x4f, 0x44, 0x43, 0x31, 0, 0, 0, 0])), 'catalogue', /compact form.*loadCompactCatalogue/],
  ['bytes of malformed JSON', (p) => p.loadCatalogue(new TextEncoder().encode('{"version": 1,')), 'catalogue', /EOF/],
  ['unknown category', (p) => p.loadCatalogue(withItem({ categories: ['sci-fi', 'western'] })), 'catalogue.items[1].categories[1]', /unknown category "western"; known: sci-fi, comedy/],
  ['category twice', (p) => p.loadCatalogue(withItem({ categories: ['drama', 'drama'] })), 'catalogue.items[1].categories[1]', /listed twice/],
  ['duplicate item id', (p) => p.loadCatalogue(withItem({ id: 'm1' })), 'catalogue.items[1].id', /duplicate id "m1"; first used by items\[0\]/],
  ['empty item id', (p) => p.loadCatalogue(withItem({ id: '' })), 'catalogue.items[1].id', /must not be empty/],
  ['id with a space', (p) => p.loadCatalogue(withItem({ id: 'm 2' })), 'catalogue.items[1].id', /printable ASCII/],
  ['negative popularity', (p) => p.loadCatalogue(withItem({ popularity: -1 })), 'catalogue.items[1].popularity', /-1 is out of range/],
  ['NaN popularity', (p) => p.loadCatalogue(withItem({ popularity: NaN })), 'catalogue.items[1].popularity', /NaN/],
  ['string popularity', (p) => p.loadCatalogue(withItem({ popularity: '70' })), 'catalogue.items[1].popularity', /string "70"/],
  ['Infinity publishedAt', (p) => p.loadCatalogue(withItem({ publishedAt: Infinity })), 'catalogue.items[1].publishedAt', /NaN and Infinity/],
  ['negative neighbour weight', (p) => p.loadCatalogue(withItem({ related: [{ id: 'm3', weight: -0.5 }] })), 'catalogue.items[1].related[0].weight', /out of range/],
  ['duplicate category id', (p) => p.loadCatalogue({ ...valid, categories: [...valid.categories, { id: 'drama', label: 'Again' }] }), `catalogue.categories[${valid.categories.length}].id`, /duplicate id "drama"/],
  ['empty label', (p) => p.loadCatalogue({ ...valid, categories: [{ id: 'x', label: '' }] }), 'catalogue.categories[0].label', /allowed: 1 to/],
]));

test('bad preferences change nothing, not even the valid fields beside them', check([
  ['personalization 1.5', (p) => p.setPreferences({ personalization: 1.5 }), 'preferences.personalization', /1.5 is not allowed; allowed: a number from 0 to 1/],
  ['personalization NaN', (p) => p.setPreferences({ personalization: NaN }), 'preferences.personalization', /null/],
  ['variety as text', (p) => p.setPreferences({ variety: 'much' }), 'preferences.variety', /"much"/],
  ['frequencyCap 2.5', (p) => p.setPreferences({ frequencyCap: 2.5 }), 'preferences.frequencyCap', /whole number from 1 to 100/],
  ['retentionDays 0', (p) => p.setPreferences({ retentionDays: 0 }), 'preferences.retentionDays', /from 1 to 365/],
  ['a field twice', (p) => p.setPreferences('{"variety": 0.2, "variety": 0.9}'), 'preferences.variety', /duplicate field `variety`/],
  ['retentionDays 366', (p) => p.setPreferences({ retentionDays: 366 }), 'preferences.retentionDays', /from 1 to 365/],
  ['historyConsent 1', (p) => p.setPreferences({ historyConsent: 1 }), 'preferences.historyConsent', /true or false/],
  ['slider 2', (p) => p.setPreferences({ categories: { drama: 2 } }), 'preferences.categories["drama"]', /from -1 to 1/],
  ['slider for an unknown category', (p) => p.setPreferences({ categories: { western: 0.5 } }), 'preferences.categories["western"]', /unknown category "western"; known: sci-fi/],
  ['blocked not a list', (p) => p.setPreferences({ blocked: 'comedy' }), 'preferences.blocked', /expected an array/],
  ['blocked unknown', (p) => p.setPreferences({ blocked: ['comedy', 'western'] }), 'preferences.blocked[1]', /unknown category "western"/],
  ['sensitive not sensitive', (p) => p.setPreferences({ sensitive: ['comedy'] }), 'preferences.sensitive[0]', /not a sensitive category/],
  ['unknown field', (p) => p.setPreferences({ colour: 'red' }), 'preferences.colour', /unknown field; known: personalization/],
  ['valid and invalid together', (p) => p.setPreferences({ personalization: 0.1, historyConsent: false, blocked: [], retentionDays: 999 }), 'preferences.retentionDays', /365/],
  ['an array', (p) => p.setPreferences([1]), 'preferences', /expected an object/],
  ['undefined', (p) => p.setPreferences(undefined), 'preferences', /expected an object or a JSON string/],
]));

test('bad events are refused with consent on, and nothing is recorded', check([
  ['unknown kind', (p) => p.record({ itemId: 'm2', kind: 'stare' }), 'event.kind', /unknown kind "stare"; known: view, click, purchase/],
  ['unknown item', (p) => p.record({ itemId: 'nope', kind: 'view' }), 'event.itemId', /unknown item "nope"/],
  ['no kind', (p) => p.record({ itemId: 'm2' }), 'event.kind', /kind/],
  ['extra field', (p) => p.record({ itemId: 'm2', kind: 'view', user: 'alice' }), 'event.user', /unknown field/],
  ['future time', (p) => p.record({ itemId: 'm2', kind: 'view', at: Date.now() + 3 * DAY_MS }), 'event.at', /in the future/],
  ['older than retention', (p) => p.record({ itemId: 'm2', kind: 'view', at: Date.now() - 400 * DAY_MS }), 'event.at', /retention window/],
  ['undefined', (p) => p.record(undefined), 'event', /expected an object/],
  ['impressions not a list', (p) => p.recordImpressions('m2'), 'ids', /expected an array of item ids/],
  ['impressions with an unknown id', (p) => p.recordImpressions(['m2', 'm4', 'nope']), 'ids[2]', /unknown item "nope"/],
]));

test('bad rank and explain options', check([
  ['limit 0', (p) => p.rank({ limit: 0 }), 'options.limit', /0 is not allowed; allowed: a whole number from 1 to 1000/],
  ['limit 1001', (p) => p.rank({ limit: 1001 }), 'options.limit', /1000/],
  ['limit 2.5', (p) => p.rank({ limit: 2.5 }), 'options.limit', /2.5/],
  ['limit as text', (p) => p.rank({ limit: '3' }), 'options.limit', /string "3"/],
  ['unknown option', (p) => p.rank({ top: 3 }), 'options.top', /unknown field/],
  ['unknown context item', (p) => p.rank({ context: { itemId: 'nope' } }), 'options.context.itemId', /unknown item "nope"/],
  ['context as text', (p) => p.rank({ context: 'm1' }), 'options.context', /./],
  ['exclude as text', (p) => p.rank({ exclude: 'm1' }), 'options.exclude', /./],
  ['explain unknown item', (p) => p.explain('nope'), 'itemId', /unknown item "nope"/],
  ['explain with an unknown context', (p) => p.explain('m2', { context: { itemId: 'nope' } }), 'options.context.itemId', /unknown item "nope"/],
  ['explain with an unknown option', (p) => p.explain('m2', { why: true }), 'options.why', /unknown field/],
]));

test('bad imports change nothing', check([
  ['not JSON', (p) => p.importData('{"format":'), 'import', /not valid JSON/],
  ['another format', (p) => p.importData({ format: 'something-else', data: {} }), 'import.format', /not an ondevice export/],
  ['no data', (p) => p.importData({ format: 'ondevice-export', version: 1 }), 'import.data', /missing/],
  ['newer version', (p) => p.importData({ format: 'ondevice-export', version: 2, data: { version: 3 } }), 'import.data.version', /newer/],
  ['bad slider inside', (p) => p.importData({ format: 'ondevice-export', version: 1, data: { version: 1, preferences: { variety: 3 } } }), 'import.data.preferences.variety', /from 0 to 1/],
  ['unknown kind inside', (p) => p.importData({ format: 'ondevice-export', version: 1, data: { version: 1, history: { events: [{ item: 'm1', kind: 'stare', at: Date.now() }] } } }), 'import.data.history.events[0].kind', /./],
  ['events out of order', (p) => {
    const doc = p.exportData();
    const now = Date.now();
    doc.data.history.events = [{ item: 'm1', kind: 'view', at: now }, { item: 'm2', kind: 'view', at: now - 1000 }];
    p.importData(doc);
  }, 'import.data.history.events[1].at', /time order/],
  ['extra top-level field in data', (p) => p.importData({ format: 'ondevice-export', version: 1, data: { version: 1, name: 'Alice' } }), 'import.data.name', /unknown field/],
]));

test('bad constructor options', async () => {
  await init();
  expectError(() => new Personalizer({ storage: 'bogus' }), 'options.storage', /"bogus" is not allowed; allowed: "local", "memory"/);
  expectError(() => new Personalizer({ storage: 'disk', profile: 'x' }), 'options.storage', /"disk"/);
  expectError(() => new Personalizer({ profile: 'a b', storage: 'memory' }), 'options.profile', /printable ASCII/);
  expectError(() => new Personalizer({ profile: '', storage: 'memory' }), 'options.profile', /empty/);
  expectError(() => new Personalizer({ profile: 'x'.repeat(65), storage: 'memory' }), 'options.profile', /at most 64/);
  expectError(() => new Personalizer({ colour: 'red' }), 'options', /unknown field `colour`/);
});

test('calls that need a catalogue say so', async () => {
  const p = await open();
  const before = stateOf(p);
  expectError(() => p.rank({ limit: 3 }), 'rank', /no catalogue is loaded; call loadCatalogue first/);
  expectError(() => p.record({ itemId: 'm1', kind: 'view' }), 'event.itemId', /no catalogue is loaded/);
  expectError(() => p.recordImpressions(['m1']), 'ids', /no catalogue is loaded/);
  expectError(() => p.explain('m1'), 'itemId', /no catalogue is loaded/);
  assertSameState(p, before, 'calls without a catalogue');
});

// JSON turns NaN and Infinity into null; the catalogue refuses null numbers
// for that reason, and an event time must too.
test('NaN or Infinity as an event time is refused, not taken as "now"', async () => {
  const p = await busy();
  for (const at of [NaN, Infinity]) {
    const before = stateOf(p);
    expectError(() => p.record({ itemId: 'm2', kind: 'view', at }), 'event.at', /NaN/);
    assertSameState(p, before, `at: ${at}`);
  }
});

test('the state comparison notices real changes (so the checks above can fail)', async () => {
  const changes = [
    ['a slider', (p) => p.setPreferences({ categories: { drama: 0.1 } })],
    ['an event', (p) => p.record({ itemId: 'm2', kind: 'view' })],
    ['an impression', (p) => p.recordImpressions(['m2'])],
    ['another catalogue', (p) => p.loadCatalogue({ ...catalogue(), items: catalogue().items.slice(0, 5) })],
    ['a category label', (p) => p.loadCatalogue({ ...catalogue(), categories: catalogue().categories.map((c) => ({ ...c, label: c.label + '!' })) })],
  ];
  for (const [what, change] of changes) {
    const p = await busy();
    const before = stateOf(p);
    change(p);
    assert.throws(() => assertSameState(p, before, what), /state changed/, what);
  }
});
