// What server rendering, React and many listeners need (issue 14): additive
// onChange listeners with an unsubscribe, `revision`, `siteOrder` (the list a
// server renders, equal to rank at personalization 0), `recentItems`, and
// the panel and React modules importable in Node.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { busy, catalogue, open, siteOrder, ids, stateOf, assertSameState, expectError } from './fixtures.mjs';

const ALL = { limit: 1000 };
const run = promisify(execFile);

test('onChange listeners add up, each is removed by the function it returned, null removes all', async () => {
  const p = await open();
  const seen = { a: [], b: [] };
  const offA = p.onChange((cause) => seen.a.push(cause));
  const offB = p.onChange((cause) => seen.b.push(cause));
  assert.equal(typeof offA, 'function');
  p.loadCatalogue(catalogue());
  p.setPreferences({ historyConsent: true });
  assert.equal(p.record({ itemId: 'm2', kind: 'like' }), true);
  assert.deepEqual(seen.a, ['catalogue', 'preferences', 'history']);
  assert.deepEqual(seen.b, seen.a);

  offA();
  offA(); // twice is harmless
  p.setPreferences({ variety: 0.5 });
  assert.deepEqual(seen.a, ['catalogue', 'preferences', 'history'], 'A no longer called');
  assert.deepEqual(seen.b.at(-1), 'preferences');

  p.importData(p.exportData());
  p.forget();
  assert.deepEqual(seen.b.slice(-2), ['import', 'forget']);

  const n = seen.b.length;
  assert.equal(p.onChange(null), undefined);
  p.setPreferences({ variety: 0.2 });
  assert.equal(seen.b.length, n, 'onChange(null) removed every listener');
  offB(); // already removed: harmless
});

test('revision changes exactly when a ranking may have; impressions and refused writes do not count', async () => {
  const p = await open();
  let r = p.revision;
  assert.equal(typeof r, 'number');
  const step = (what, fn, moves) => {
    fn();
    assert.equal(p.revision, moves ? r + 1 : r, what);
    r = p.revision;
  };
  step('loadCatalogue', () => p.loadCatalogue(catalogue()), true);
  step('record without consent', () => assert.equal(p.record({ itemId: 'm2', kind: 'view' }), false), false);
  step('setPreferences', () => p.setPreferences({ historyConsent: true }), true);
  step('record', () => p.record({ itemId: 'm2', kind: 'view' }), true);
  step('recordImpressions', () => p.recordImpressions(['m1', 'm4']), false);
  step('rank', () => p.rank(ALL), false);
  step('bad preferences', () => expectError(() => p.setPreferences({ variety: 7 }), 'preferences.variety'), false);
});

test('a listener that throws does not stop the others; listeners may call the personalizer', async () => {
  // In a child process: the thrown error is reported as an unhandled
  // rejection, which node's test runner would count against this test.
  const script = `
    import { open, catalogue } from ${JSON.stringify(new URL('./fixtures.mjs', import.meta.url).href)};
    const unhandled = [];
    process.on('unhandledRejection', (e) => unhandled.push(String(e?.message)));
    const p = await open();
    p.loadCatalogue(catalogue());
    const seen = [];
    p.onChange(() => { throw new Error('listener bug'); });
    p.onChange(() => seen.push(p.rank({ limit: 3 }).map((r) => r.id)));
    p.setPreferences({ categories: { comedy: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 10));
    process.stdout.write(JSON.stringify({ seen, unhandled }));
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
  const { seen, unhandled } = JSON.parse(stdout);
  assert.equal(seen.length, 1, 'the second listener ran');
  assert.equal(seen[0][0], 'm4', 'and saw the new preferences');
  assert.deepEqual(unhandled, ['listener bug'], 'the exception is reported, not swallowed');
});

test('a listener that writes is told again, once per write, without recursion', async () => {
  const p = await open();
  p.loadCatalogue(catalogue());
  const seen = [];
  p.onChange((cause) => {
    seen.push(cause);
    if (cause === 'preferences' && seen.length === 1) p.setPreferences({ historyConsent: true });
  });
  p.setPreferences({ variety: 0.4 });
  assert.deepEqual(seen, ['preferences', 'preferences']);
});

test('onChange refuses what is not a function, with the field named', async () => {
  const p = await busy();
  const before = stateOf(p);
  for (const bad of [42, 'render', {}, [() => {}]]) expectError(() => p.onChange(bad), 'callback', /function/);
  assertSameState(p, before, 'onChange(bad)');
});

test('siteOrder is rank at personalization 0 for a visitor the site knows nothing about, whatever is stored', async () => {
  const p = await busy(); // sliders, a blocked category, events, impressions
  const cat = catalogue();
  const order = p.siteOrder(ALL);
  assert.deepEqual(ids(order), siteOrder(cat), 'the catalogue order, nothing of the profile');
  assert.notDeepEqual(ids(p.rank(ALL)), ids(order), 'the profile does move rank');
  for (const r of order) assert.ok(r.reasons.length > 0 && Number.isFinite(r.score), JSON.stringify(r));

  const fresh = await open();
  fresh.loadCatalogue(cat);
  const at = Date.UTC(2026, 5, 1);
  for (const options of [{ limit: 5 }, { limit: 3, exclude: ['m4'] }, { limit: 4, context: { itemId: 'm1' } }]) {
    assert.deepEqual(ids(p.siteOrder({ ...options, at })), ids(fresh.rank(options)), `cold start = site order for ${JSON.stringify(options)}`);
  }
  assert.deepEqual(p.siteOrder({ limit: 5, at }), p.siteOrder({ limit: 5, at }), 'same input, same list and scores');
  fresh.free();
});

test('siteOrder and recentItems refuse bad options with the field named, state unchanged', async () => {
  const p = await busy();
  const before = stateOf(p);
  const cases = [
    [() => p.siteOrder({ limit: 0 }), 'options.limit'],
    [() => p.siteOrder({ at: 'yesterday' }), 'options.at'],
    [() => p.siteOrder({ at: -1 }), 'options.at'],
    [() => p.siteOrder('ten'), 'options'],
    [() => p.recentItems({ limit: 0 }), 'options.limit'],
    [() => p.recentItems({ limit: 101 }), 'options.limit'],
    [() => p.recentItems({ kinds: ['stare'] }), /^options\.kinds/],
    [() => p.recentItems({ kinds: 'view' }), 'options.kinds'],
    [() => p.recentItems({ colour: 'red' }), /^options/],
  ];
  for (const [call, field] of cases) {
    expectError(call, field);
    assertSameState(p, before, call.toString());
  }
});

test('recentItems: distinct engaged items, newest first, with kind and time; never blocked or unconsented sensitive ones', async () => {
  const p = await open();
  p.loadCatalogue(catalogue());
  assert.deepEqual(p.recentItems(), [], 'nothing without history');
  p.setPreferences({ historyConsent: true });
  const t0 = Date.now();
  p.record({ itemId: 'm1', kind: 'view' });
  p.record({ itemId: 'm4', kind: 'click' });
  p.record({ itemId: 'm1', kind: 'purchase' });
  p.record({ itemId: 'm6', kind: 'dismiss' });
  p.record({ itemId: 'm8', kind: 'view' }); // health: sensitive, not turned on
  const recent = p.recentItems();
  assert.deepEqual(recent.map((r) => [r.itemId, r.kind]), [['m1', 'purchase'], ['m4', 'click']]);
  for (const r of recent) assert.ok(r.at >= t0 - 1 && r.at <= Date.now() + 1, `at ${r.at}`);
  assert.deepEqual(p.recentItems({ limit: 1 }).map((r) => r.itemId), ['m1']);
  assert.deepEqual(p.recentItems({ kinds: ['dismiss'] }).map((r) => r.itemId), ['m6']);
  assert.deepEqual(p.recentItems({ kinds: ['view'] }).map((r) => r.itemId), ['m1'], 'the latest view of m1; m8 stays hidden');

  p.setPreferences({ blocked: ['horror'] }); // m1 is sci-fi + horror
  assert.deepEqual(p.recentItems().map((r) => r.itemId), ['m4']);
  p.setPreferences({ blocked: [], sensitive: ['health'] });
  assert.deepEqual(p.recentItems({ kinds: ['view'] }).map((r) => r.itemId), ['m8', 'm1']);
  assert.ok(p.recentItems().length <= 10);
});

test('the panel and React modules import in Node, as a server renderer does', async () => {
  const panel = await import('ondevice/panel');
  assert.equal(typeof panel.OndevicePreferencesElement, 'function');
  assert.equal(globalThis.customElements, undefined, 'nothing was defined: Node has no customElements');
  const react = await import('ondevice/react');
  assert.equal(typeof react.useRanking, 'function');
});

test('useRanking renders the site order on the server, with the same `at` as siteOrder', async () => {
  const { useRanking } = await import('ondevice/react');
  const p = await busy();
  const at = Date.UTC(2026, 0, 15);
  const List = () => createElement('ol', null, useRanking(p, { limit: 5, at }).map((r) => createElement('li', { key: r.id }, r.id)));
  const html = renderToString(createElement(List));
  const expected = ids(p.siteOrder({ limit: 5, at }));
  assert.equal(html, `<ol>${expected.map((id) => `<li>${id}</li>`).join('')}</ol>`);
  assert.notDeepEqual(ids(p.rank({ limit: 5 })), expected, 'the personal order differs, and was not rendered');
});

test('useRanking refuses what is not a personalizer, and bad options, like the rest of the API', async () => {
  const { useRanking } = await import('ondevice/react');
  const p = await busy();
  const before = stateOf(p);
  const render = (personalizer, options) => renderToString(createElement(() => createElement('p', null, useRanking(personalizer, options).length)));
  expectError(() => render(undefined, { limit: 3 }), 'personalizer', /Personalizer/);
  expectError(() => render({ rank: 1 }, { limit: 3 }), 'personalizer');
  expectError(() => render(p, { limit: -3 }), 'options.limit');
  assertSameState(p, before, 'useRanking(bad)');
  assert.equal(render(p, { limit: 3 }), '<p>3</p>');
});
