// Hostile input through the built package, as a site would call it: each
// case must throw a clear OndeviceError naming the field (short message,
// `error.field` set) and leave everything observable unchanged
// (preferences, exportData minus exportedAt, the ranking, categories, the
// summary). Cases the README documents as accepted or warned about are
// checked for exactly that. Inputs: tests/hostile/inputs/ and generators
// below (10^6 items, 10^5 levels of nesting, megabyte strings).
//
//   node --test tests/hostile/        (after bash scripts/build.sh)
import test from 'node:test';
import assert from 'node:assert/strict';
import init, { Personalizer } from 'ondevice';
import { busy, catalogue, input, stateOf, assertSameState, expectError, DAY_MS } from './state.mjs';

const MEGA = 1_000_000;
const long = (n, c = 'x') => c.repeat(n);
const deepArrays = (depth) => '['.repeat(depth) + ']'.repeat(depth);
function deepObject(depth) {
  let v = {};
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}
const withItem = (patch, index = 1) => {
  const c = catalogue();
  c.items[index] = { ...c.items[index], ...patch };
  return c;
};
const exportOf = (data) => ({ format: 'ondevice-export', version: 1, profile: 'default', exportedAt: Date.now(), data });

/** One test per case: [name, call, field, pattern]; each on a fresh busy personalizer. */
function refused(group, cases) {
  for (const [name, call, field, pattern] of cases) {
    test(`${group}: ${name}`, async () => {
      const p = await busy();
      const before = stateOf(p);
      expectError(() => call(p), field, pattern);
      assertSameState(p, before, name);
    });
  }
}

refused('catalogue', [
  ['item ids that differ only by Unicode normalization (NFC é vs NFD e+◌́)', (p) => p.loadCatalogue(input('catalogue-nfc-nfd-items.json')), 'catalogue.items[0].id', /printable ASCII/],
  ['an NFD category id', (p) => p.loadCatalogue(input('catalogue-nfd-category.json')), 'catalogue.categories[0].id', /printable ASCII/],
  ['duplicate item ids', (p) => p.loadCatalogue(input('catalogue-duplicate-items.json')), 'catalogue.items[2].id', /duplicate id "m1"; first used by items\[0\]/],
  ['duplicate category ids', (p) => p.loadCatalogue(input('catalogue-duplicate-categories.json')), 'catalogue.categories[2].id', /duplicate id "drama"/],
  ['a category listed twice on one item', (p) => p.loadCatalogue(input('catalogue-category-twice.json')), 'catalogue.items[0].categories[2]', /listed twice/],
  ['a duplicate key in the JSON text', (p) => p.loadCatalogue(input('catalogue-duplicate-key.txt')), /^catalogue/, /duplicate field `items`/],
  ['NaN in the JSON text', (p) => p.loadCatalogue(input('catalogue-nan.txt')), /^catalogue/, /expected value|invalid/],
  ['Infinity in the JSON text', (p) => p.loadCatalogue(input('catalogue-infinity.txt')), /^catalogue/, /expected value|invalid/],
  ['1e999 in the JSON text', (p) => p.loadCatalogue(input('catalogue-1e999.txt')), /^catalogue/, /number out of range/],
  ['1e308 popularity in the JSON text', (p) => p.loadCatalogue(input('catalogue-1e308.txt')), 'catalogue.items[0].popularity', /out of range; allowed: a finite number from 0 to 1000000000000000/],
  ['-1e308 publishedAt in the JSON text', (p) => p.loadCatalogue(input('catalogue-minus-1e308.txt')), 'catalogue.items[0].publishedAt', /out of range/],
  ['truncated JSON', (p) => p.loadCatalogue(input('catalogue-truncated.txt')), /^catalogue/, /EOF/],
  ['an HTML error page instead of JSON', (p) => p.loadCatalogue(input('catalogue-not-json.txt')), 'catalogue', /expected value/],
  ['NaN popularity (a JS value; JSON makes it null)', (p) => p.loadCatalogue(withItem({ popularity: NaN })), 'catalogue.items[1].popularity', /NaN and Infinity/],
  ['Infinity popularity', (p) => p.loadCatalogue(withItem({ popularity: Infinity })), 'catalogue.items[1].popularity', /NaN and Infinity/],
  ['-Infinity publishedAt', (p) => p.loadCatalogue(withItem({ publishedAt: -Infinity })), 'catalogue.items[1].publishedAt', /NaN and Infinity/],
  ['1e308 popularity', (p) => p.loadCatalogue(withItem({ popularity: 1e308 })), 'catalogue.items[1].popularity', /out of range/],
  ['-1e308 popularity', (p) => p.loadCatalogue(withItem({ popularity: -1e308 })), 'catalogue.items[1].popularity', /out of range/],
  ['NaN neighbour weight', (p) => p.loadCatalogue(withItem({ related: [{ id: 'm3', weight: NaN }] })), 'catalogue.items[1].related[0].weight', /NaN and Infinity/],
  ['1e308 neighbour weight', (p) => p.loadCatalogue(withItem({ next: [{ id: 'm3', weight: 1e308 }] })), 'catalogue.items[1].next[0].weight', /out of range/],
  ['publishedAt after the last JS date', (p) => p.loadCatalogue(input('catalogue-too-late-published.json')), 'catalogue.items[0].publishedAt', /out of range/],
  ['publishedAt before the first JS date', (p) => p.loadCatalogue(input('catalogue-too-early-published.json')), 'catalogue.items[0].publishedAt', /out of range/],
  ['an id of 129 bytes', (p) => p.loadCatalogue(withItem({ id: long(129) })), 'catalogue.items[1].id', /129 bytes long; allowed: at most 128/],
  ['an id of a million bytes', (p) => p.loadCatalogue(withItem({ id: long(MEGA) })), 'catalogue.items[1].id', /allowed: at most 128/],
  ['a title of 513 bytes', (p) => p.loadCatalogue(withItem({ title: long(513) })), 'catalogue.items[1].title', /513 bytes; allowed: at most 512/],
  ['a title of a million bytes', (p) => p.loadCatalogue(withItem({ title: long(MEGA, 'é') })), 'catalogue.items[1].title', /allowed: at most 512/],
  ['a label of 129 bytes', (p) => { const c = catalogue(); c.categories[0].label = long(129); p.loadCatalogue(c); }, 'catalogue.categories[0].label', /allowed: 1 to 128/],
  ['a category key of a million bytes on an item', (p) => p.loadCatalogue(withItem({ categories: [long(MEGA)] })), 'catalogue.items[1].categories[0]', /unknown category "x+"… \(1000000 bytes\)/],
  ['a million-character string as popularity', (p) => p.loadCatalogue(withItem({ popularity: long(MEGA) })), 'catalogue.items[1].popularity', /invalid type: string/],
  ['a version of a million characters', (p) => p.loadCatalogue({ ...catalogue(), version: long(MEGA) }), 'catalogue.version', /not supported; supported: 1/],
  ['version "1" as a string', (p) => p.loadCatalogue({ ...catalogue(), version: '1' }), 'catalogue.version', /not supported; supported: 1/],
  ['items null', (p) => p.loadCatalogue({ ...catalogue(), items: null }), 'catalogue.items', /NaN and Infinity|invalid type: null/],
  ['10^5 levels of nested arrays (JSON text)', (p) => p.loadCatalogue(deepArrays(1e5)), /^catalogue/, /recursion limit exceeded/],
  ['10^5 levels of nesting inside an object (JSON text)', (p) => p.loadCatalogue(`{"version":${deepArrays(1e5)}}`), /^catalogue/, /recursion limit exceeded/],
  ['an array instead of an object', (p) => p.loadCatalogue([1, [], []]), 'catalogue', /expected an object|invalid type: sequence/],
  ['10^5 levels of nested objects (a JS value)', (p) => p.loadCatalogue({ ...catalogue(), extra: deepObject(1e5) }), /^catalogue/, /cannot be converted to JSON|recursion limit/],
  ['10^5 levels of nesting as a title', (p) => p.loadCatalogue(`{"version":1,"categories":[],"items":[{"id":"a","title":${deepArrays(1e5)}}]}`), 'catalogue.items[0].title', /invalid type: sequence/],
  ['10^6 items', (p) => p.loadCatalogue({ version: 1, categories: [], items: Array.from({ length: MEGA }, (_, i) => ({ id: `i${i}` })) }), 'catalogue.items', /more than 200000 entries/],
  ['257 categories', (p) => p.loadCatalogue({ version: 1, categories: Array.from({ length: 257 }, (_, i) => ({ id: `c${i}`, label: 'C' })), items: [] }), 'catalogue.categories', /more than 256 entries/],
  ['17 categories on one item', (p) => { const c = catalogue(); c.categories = Array.from({ length: 17 }, (_, i) => ({ id: `c${i}`, label: 'C' })); c.items = [{ id: 'a', categories: c.categories.map((x) => x.id) }]; p.loadCatalogue(c); }, 'catalogue.items[0].categories', /more than 16 entries/],
  ['101 related entries', (p) => p.loadCatalogue(withItem({ related: Array.from({ length: 101 }, () => ({ id: 'm3', weight: 1 })) })), 'catalogue.items[1].related', /more than 100 entries/],
  ['more than 64 MiB of JSON', (p) => p.loadCatalogue(`{"version":1,"categories":[],"items":[]}${' '.repeat(64 * 1024 * 1024)}`), 'catalogue', /allowed: at most 67108864/],
]);

const numberFields = [
  ['personalization', 0, 1, false],
  ['variety', 0, 1, false],
  ['frequencyCap', 1, 100, true],
  ['retentionDays', 1, 365, true],
];
const preferenceCases = [];
for (const [field, low, high, whole] of numberFields) {
  const bad = [NaN, Infinity, -Infinity, 1e308, -1e308, low - 0.5, high + (whole ? 1 : 0.001), String(low), [low], { value: low }, true, null];
  if (whole) bad.push(low + 0.5);
  for (const value of bad) {
    preferenceCases.push([`${field} = ${typeof value === 'object' ? JSON.stringify(value) : String(value)} (${typeof value})`, (p) => p.setPreferences({ [field]: value }), `preferences.${field}`, /is not allowed; allowed:/]);
  }
}
for (const field of ['historyConsent', 'shareStatistics']) {
  for (const value of [1, 0, 'true', null, [], {}, NaN]) {
    preferenceCases.push([`${field} = ${JSON.stringify(value)}`, (p) => p.setPreferences({ [field]: value }), `preferences.${field}`, /allowed: true or false/]);
  }
}
for (const value of [2, -1.5, NaN, Infinity, 1e308, '0.5', [1], {}, true, null]) {
  preferenceCases.push([`a slider = ${typeof value === 'number' ? String(value) : JSON.stringify(value)}`, (p) => p.setPreferences({ categories: { drama: value } }), 'preferences.categories["drama"]', /allowed: a number from -1 to 1/]);
}
for (const value of ['drama', ['drama'], true, 1, null]) {
  preferenceCases.push([`categories = ${JSON.stringify(value)}`, (p) => p.setPreferences({ categories: value }), 'preferences.categories', /expected an object of category id/]);
}
refused('preferences', [
  ...preferenceCases,
  ['blocked as a string', (p) => p.setPreferences({ blocked: 'horror' }), 'preferences.blocked', /expected an array/],
  ['blocked with a number', (p) => p.setPreferences({ blocked: [1] }), 'preferences.blocked[0]', /expected a category id/],
  ['blocked with 257 entries', (p) => p.setPreferences({ blocked: Array(257).fill('drama') }), 'preferences.blocked', /allowed: at most 256/],
  ['sensitive with a non-sensitive category', (p) => p.setPreferences({ sensitive: ['drama'] }), 'preferences.sensitive[0]', /not a sensitive category/],
  ['a __proto__ key (JSON.parse makes it an own property)', (p) => p.setPreferences(JSON.parse('{"__proto__":{"personalization":0}}')), 'preferences.__proto__', /unknown field/],
  ['a constructor key', (p) => p.setPreferences({ constructor: { prototype: { polluted: true } } }), 'preferences.constructor', /unknown field/],
  ['a prototype key', (p) => p.setPreferences({ prototype: 1 }), 'preferences.prototype', /unknown field/],
  ['a __proto__ slider (no such category)', (p) => p.setPreferences({ categories: JSON.parse('{"__proto__":0.5}') }), 'preferences.categories["__proto__"]', /unknown category/],
  ['a slider for an NFD category id', (p) => p.setPreferences({ categories: { 'dr\u0061\u0301ma': 0.5 } }), /^preferences\.categories\[/, /printable ASCII/],
  ['a slider key of a million bytes', (p) => p.setPreferences({ categories: { [long(MEGA)]: 0.5 } }), /^preferences\.categories\["x+"… \(1000000 bytes\)\]$/, /allowed: at most 128/],
  ['NaN in the JSON text', (p) => p.setPreferences('{"personalization":NaN}'), /^preferences/, /expected value/],
  ['1e999 in the JSON text', (p) => p.setPreferences('{"variety":1e999}'), /^preferences/, /number out of range/],
  ['10^5 levels of nesting (JSON text)', (p) => p.setPreferences(`{"categories":${deepArrays(1e5)}}`), /^preferences/, /recursion limit exceeded/],
  ['10^5 levels of nesting (a JS value)', (p) => p.setPreferences({ categories: deepObject(1e5) }), /^preferences/, /cannot be converted to JSON|recursion limit/],
  ['valid fields beside one bad one', (p) => p.setPreferences({ personalization: 0.1, variety: 0.9, historyConsent: false, frequencyCap: 0 }), 'preferences.frequencyCap', /whole number from 1 to 100/],
]);

refused('events', [
  ['an item not in the catalogue', (p) => p.record({ itemId: 'm99', kind: 'view' }), 'event.itemId', /unknown item "m99"/],
  ['an NFC item id', (p) => p.record({ itemId: 'caf\u00e9', kind: 'view' }), 'event.itemId', /printable ASCII/],
  ['an item id of a million bytes', (p) => p.record({ itemId: long(MEGA), kind: 'view' }), 'event.itemId', /allowed: at most 128/],
  ['a kind of a million bytes', (p) => p.record({ itemId: 'm2', kind: long(MEGA) }), 'event.kind', /unknown kind "x+"… \(1000000 bytes\)/],
  ['a time two days ahead', (p) => p.record({ itemId: 'm2', kind: 'view', at: Date.now() + 2 * DAY_MS }), 'event.at', /in the future/],
  ['a time after the last JS date', (p) => p.record({ itemId: 'm2', kind: 'view', at: 8.64e15 + 1 }), 'event.at', /in the future/],
  ['at = 1e308', (p) => p.record({ itemId: 'm2', kind: 'view', at: 1e308 }), 'event.at', /in the future/],
  ['at = -1e308', (p) => p.record({ itemId: 'm2', kind: 'view', at: -1e308 }), 'event.at', /retention window/],
  ['at = 0 (1970)', (p) => p.record({ itemId: 'm2', kind: 'view', at: 0 }), 'event.at', /retention window/],
  ['a time older than the retention window', (p) => p.record({ itemId: 'm2', kind: 'view', at: Date.now() - 91 * DAY_MS }), 'event.at', /retention window \(90 days\)/],
  ['at = NaN', (p) => p.record({ itemId: 'm2', kind: 'view', at: NaN }), 'event.at', /NaN and Infinity/],
  ['at = -Infinity', (p) => p.record({ itemId: 'm2', kind: 'view', at: -Infinity }), 'event.at', /NaN and Infinity/],
  ['at as a date string', (p) => p.record({ itemId: 'm2', kind: 'view', at: '2024-01-01' }), 'event.at', /invalid type: string/],
  ['at as an array', (p) => p.record({ itemId: 'm2', kind: 'view', at: [1] }), 'event.at', /invalid type/],
  ['itemId as a number', (p) => p.record({ itemId: 2, kind: 'view' }), 'event.itemId', /invalid type/],
  ['a __proto__ key', (p) => p.record(JSON.parse('{"itemId":"m2","kind":"view","__proto__":{"at":0}}')), 'event.__proto__', /unknown field/],
  ['impressions of an unknown item', (p) => p.recordImpressions(['m2', 'ghost']), 'ids[1]', /unknown item "ghost"/],
  ['10,001 impressions in one call', (p) => p.recordImpressions(Array(10_001).fill('m2')), 'ids', /allowed: at most 10000/],
  ['impressions as an object', (p) => p.recordImpressions({ 0: 'm2' }), 'ids', /expected an array of item ids/],
  ['rank context of an unknown item', (p) => p.rank({ context: { itemId: 'ghost' } }), 'options.context.itemId', /unknown item "ghost"/],
  ['rank limit NaN', (p) => p.rank({ limit: NaN }), 'options.limit', /NaN and Infinity|not allowed/],
  ['rank limit 1e308', (p) => p.rank({ limit: 1e308 }), 'options.limit', /allowed: a whole number from 1 to 1000/],
  ['rank limit -0', (p) => p.rank({ limit: -0 }), 'options.limit', /allowed: a whole number from 1 to 1000/],
  ['rank limit 1001', (p) => p.rank({ limit: 1001 }), 'options.limit', /allowed: a whole number from 1 to 1000/],
  ['rank with a __proto__ key', (p) => p.rank(JSON.parse('{"__proto__":{"limit":1}}')), 'options.__proto__', /unknown field/],
  ['explain an unknown item', (p) => p.explain('ghost'), 'itemId', /unknown item "ghost"/],
  ['explain an id of a million bytes', (p) => p.explain(long(MEGA)), 'itemId', /unknown item "x+"… \(1000000 bytes\)/],
]);

refused('import', [
  ['a __proto__ key in data', (p) => p.importData(input('import-proto.txt')), 'import.data.__proto__', /unknown field/],
  ['a __proto__ key in preferences', (p) => p.importData(input('import-prefs-proto.txt')), 'import.data.preferences.__proto__', /unknown field/],
  ['a constructor key in preferences', (p) => p.importData(input('import-constructor.json')), 'import.data.preferences.constructor', /unknown field/],
  ['a future schema version', (p) => p.importData(input('import-future-version.json')), 'import.data.version', /newer than this version of ondevice understands/],
  ['truncated JSON', (p) => p.importData(input('import-truncated.txt')), 'import', /not valid JSON/],
  ['wrong types', (p) => p.importData(input('import-wrong-types.json')), 'import.data.preferences.variety', /allowed: a number from 0 to 1/],
  ['NaN in the JSON text', (p) => p.importData(input('import-nan-slider.txt')), 'import', /not valid JSON/],
  ['10^5 levels of nesting', (p) => p.importData(`{"format":"ondevice-export","data":${deepArrays(1e5)}}`), 'import', /recursion limit exceeded/],
  ['an event that is a million-character string', (p) => p.importData(exportOf({ version: 1, history: { events: [long(MEGA)] } })), 'import.data.history.events[0]', /invalid type: string/],
  ['a folded weight that is a million-character string', (p) => p.importData(exportOf({ version: 1, history: { folded: { drama: long(MEGA) } } })), /^import\.data\.history\.folded/, /invalid type: string/],
  ['more than 4 MiB', (p) => p.importData(exportOf({ version: 1, history: { events: Array.from({ length: 100_000 }, (_, i) => ({ item: 'm1', kind: 'view', at: Date.now() - 1000 + (i % 2) })) } })), 'import', /allowed: at most 4194304/],
  ['an event far in the future (ten years ahead)', (p) => p.importData(exportOf({ version: 1, history: { events: [{ item: 'm1', kind: 'view', at: Date.now() + 3650 * DAY_MS }] } })), 'import.data.history.events[0].at', /future/],
]);

test('ids that are special to JavaScript (__proto__, constructor, prototype) are plain data', async () => {
  await init();
  const p = new Personalizer({ storage: 'memory' });
  const warnings = p.loadCatalogue(input('catalogue-proto-ids.json'));
  assert.deepEqual(warnings, []);
  assert.equal({}.polluted, undefined, 'Object.prototype was polluted');
  assert.deepEqual(p.categories().map((c) => c.id), ['__proto__', 'constructor', 'prototype']);
  p.setPreferences({ categories: JSON.parse('{"__proto__":0.5,"constructor":-0.5}'), blocked: ['prototype'] });
  const prefs = p.preferences();
  assert.equal(Object.getPrototypeOf(prefs.categories), Object.prototype);
  assert.deepEqual(Object.entries(prefs.categories), [['__proto__', 0.5], ['constructor', -0.5]]);
  assert.deepEqual(p.rank().map((r) => r.id), ['__proto__', 'constructor']);
  assert.equal(p.explain('prototype').excluded.reason, 'blocked');
  const q = new Personalizer({ storage: 'memory' });
  q.loadCatalogue(input('catalogue-proto-ids.json'));
  q.importData(p.exportData());
  assert.deepEqual(q.preferences(), prefs);
  assert.equal({}.polluted, undefined, 'Object.prototype was polluted');
});

test('-0 is accepted as 0 (README: numbers non-negative), for catalogue numbers and sliders', async () => {
  const p = await busy();
  p.loadCatalogue(input('catalogue-minus-zero.txt'));
  p.setPreferences('{"personalization":-0,"categories":{"drama":-0}}');
  assert.ok(Object.is(p.preferences().personalization, 0), 'personalization is +0');
  assert.equal(p.preferences().categories.drama, undefined, 'a zero slider is removed');
  assert.deepEqual(p.rank().map((r) => r.id), ['a', 'b']);
});

test('self-references, cycles and unknown targets in related/next are dropped with documented warnings', async () => {
  const p = await busy();
  const warnings = p.loadCatalogue(input('catalogue-cycles.json'));
  const byCode = Object.fromEntries(warnings.map((w) => [w.code, w]));
  assert.deepEqual(Object.keys(byCode).sort(), ['selfReference', 'unknownReference']);
  assert.equal(byCode.selfReference.count, 2);
  assert.deepEqual(byCode.selfReference.examples, ['catalogue.items[0].related[0]', 'catalogue.items[0].next[1]']);
  assert.equal(byCode.unknownReference.count, 1);
  assert.match(byCode.unknownReference.examples[0], /catalogue\.items\[2\]\.next\[1\]\.id "ghost"/);
  // The cycle a -> b -> c -> a is fine: ranking terminates, every item once.
  for (const id of ['a', 'b', 'c', 'a', 'b']) p.record({ itemId: id, kind: 'view' });
  assert.deepEqual(p.rank({ limit: 10 }), [], 'every item was viewed: none is left by default');
  const ranked = p.rank({ limit: 10, includeSeen: true }).map((r) => r.id);
  assert.deepEqual([...ranked].sort(), ['a', 'b', 'c']);
  assert.equal(new Set(ranked).size, ranked.length);
  assert.ok(p.explain('a', { context: { itemId: 'c' } }).factors.length > 0);
});

test('a warning about a megabyte id quotes it briefly', async () => {
  const p = await busy();
  const warnings = p.loadCatalogue(withItem({ related: [{ id: long(MEGA), weight: 1 }] }));
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0].code, 'unknownReference');
  assert.ok(warnings[0].message.length < 2048, `warning of ${warnings[0].message.length} characters`);
});

test('publishedAt far in the future is accepted and earns no freshness', async () => {
  const p = await busy();
  p.loadCatalogue(input('catalogue-future-published.json'));
  const why = p.explain('a');
  assert.equal(why.factors.find((f) => f.kind === 'fresh')?.contribution ?? 0, 0);
});

test('history beyond 2,000 events folds (documented limit), consent still required', async () => {
  const p = await busy();
  const now = Date.now();
  const before = p.profileSummary().totalEvents;
  for (let i = 0; i < 2_100; i++) p.record({ itemId: `m${1 + (i % 12)}`, kind: 'view', at: now - 2_100 + i });
  assert.equal(p.exportData().data.history.events.length, 2_000);
  assert.equal(p.profileSummary().totalEvents, before + 2_100);
});

test('event counts beyond 2^53 in an import are refused, or summed without wrapping', async () => {
  const p = await busy();
  const before = stateOf(p);
  let error;
  try {
    p.importData(input('import-huge-counts.json'));
  } catch (e) {
    error = e;
  }
  if (error) {
    assert.match(error.field, /^import\.data\.history\.foldedCounts/);
    assertSameState(p, before, 'a refused import');
    return;
  }
  const { totalEvents, events } = p.profileSummary();
  assert.ok(Number.isSafeInteger(totalEvents), `totalEvents ${totalEvents} is not an exact count`);
  for (const [kind, n] of Object.entries(events)) assert.ok(Number.isSafeInteger(n), `events.${kind} = ${n}`);
});

test('profile names: printable ASCII of at most 64 bytes; special names are plain data', async () => {
  await init();
  expectError(() => new Personalizer({ profile: 'caf\u00e9', storage: 'memory' }), 'options.profile', /printable ASCII/);
  expectError(() => new Personalizer({ profile: 'cafe\u0301', storage: 'memory' }), 'options.profile', /printable ASCII/);
  expectError(() => new Personalizer({ profile: long(65), storage: 'memory' }), 'options.profile', /at most 64/);
  expectError(() => new Personalizer({ profile: long(MEGA), storage: 'memory' }), 'options.profile', /at most 64/);
  expectError(() => new Personalizer({ profile: 7, storage: 'memory' }), 'options', /invalid type/);
  const p = new Personalizer({ profile: '__proto__', storage: 'memory' });
  assert.equal(p.profileSummary().profile, '__proto__');
  assert.equal({}.polluted, undefined);
});

test('imported events older than the retention window are dropped on load (documented), the rest kept', async () => {
  const p = await busy();
  const now = Date.now();
  p.importData(exportOf({ version: 1, history: { events: [{ item: 'm1', kind: 'view', at: 1000 }, { item: 'm2', kind: 'like', at: now - DAY_MS }] } }));
  assert.deepEqual(p.exportData().data.history.events.map((e) => e.item), ['m2']);
});

test('impressions are counted for at most 5,000 items a day (documented limit); the rest are not counted', async () => {
  await init();
  const p = new Personalizer({ storage: 'memory' });
  p.loadCatalogue({ version: 1, categories: [], items: Array.from({ length: 6_000 }, (_, i) => ({ id: `i${i}` })) });
  p.setPreferences({ historyConsent: true });
  assert.equal(p.recordImpressions(Array.from({ length: 6_000 }, (_, i) => `i${i}`)), 5_000);
  assert.equal(p.recordImpressions(['i0', 'i5999']), 1, 'a counted item counts again, an uncounted one still does not');
});

test('the built package is the one under test', async () => {
  await init();
  assert.equal(typeof Personalizer, 'function');
});
