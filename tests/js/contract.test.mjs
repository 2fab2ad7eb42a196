// The contract a site relies on: load a catalogue, set preferences, record,
// rank; each ranked item explained.
import test from 'node:test';
import assert from 'node:assert/strict';
import init, { Personalizer, initSync } from 'ondevice';
import { catalogue, item, itemIds, itemsIn, siteOrder, ids } from './fixtures.mjs';

test('load catalogue, setPreferences, record, rank', async () => {
  await init();
  const p = new Personalizer({ profile: 'contract', storage: 'memory' });
  const cat = catalogue();

  const warnings = p.loadCatalogue(cat);
  assert.deepEqual(warnings, []);
  assert.deepEqual(p.categories(), cat.categories.map((c) => ({ id: c.id, label: c.label, sensitive: c.sensitive === true })));

  const cold = p.rank({ limit: 5 });
  assert.deepEqual(ids(cold), siteOrder(cat).slice(0, 5), 'cold start is the site order');

  p.setPreferences({ categories: { drama: 1 }, historyConsent: true });
  assert.equal(p.preferences().categories.drama, 1);
  assert.equal(p.preferences().historyConsent, true);

  assert.equal(p.record({ itemId: 'm7', kind: 'like' }), true);
  assert.equal(p.record({ itemId: 'm6', kind: 'view', at: Date.now() - 1000 }), true);

  const top = p.rank({ limit: 5 });
  assert.equal(top.length, 5);
  assert.notDeepEqual(ids(top), ids(cold), 'preferences and history change the order');
  assert.equal(new Set(ids(top)).size, top.length, 'no duplicates');
  for (const r of top) {
    assert.ok(itemIds(cat).includes(r.id), `${r.id} is from the catalogue`);
    assert.ok(Number.isFinite(r.score));
    assert.ok(r.reasons.length >= 1, `${r.id} says why`);
    for (const reason of r.reasons) {
      assert.equal(typeof reason.kind, 'string');
      assert.ok(reason.text.length > 0);
      assert.ok(Number.isFinite(reason.weight));
    }
  }

  // The slider: a drama in the list says so.
  const drama = new Set(itemsIn(['drama']));
  const asked = top.find((r) => drama.has(r.id) && r.reasons.some((x) => x.kind === 'sliders'));
  assert.ok(asked, `a drama carries a slider reason: ${JSON.stringify(top)}`);
  const slider = asked.reasons.find((x) => x.kind === 'sliders');
  assert.equal(slider.text, 'You asked for more Drama');
  assert.ok(slider.weight > 0);

  // The history: an item related to the viewed one says "because you viewed".
  const viewed = item('m6');
  const neighbours = new Set(viewed.related.map((e) => e.id));
  const because = top.find((r) => r.reasons.some((x) => x.kind === 'related' && x.text.includes(viewed.title)));
  assert.ok(because, `an item says it follows ${viewed.title}: ${JSON.stringify(top)}`);
  assert.ok(neighbours.has(because.id), `${because.id} is a neighbour of ${viewed.id}`);
  p.free();
});

test('rank defaults to 10 items and honours limit', async () => {
  await init();
  const p = new Personalizer({ storage: 'memory' });
  const cat = catalogue();
  p.loadCatalogue(cat);
  assert.equal(p.rank().length, Math.min(10, cat.items.length));
  assert.equal(p.rank(undefined).length, Math.min(10, cat.items.length));
  assert.equal(p.rank({ limit: 3 }).length, 3);
  assert.equal(p.rank({ limit: 1000 }).length, cat.items.length);
  assert.deepEqual(ids(p.rank({ limit: 1000, exclude: ['m4', 'nope'] })), siteOrder(cat, { without: ['m4'] }));
});

test('a JSON string catalogue is the same as the object', async () => {
  await init();
  const a = new Personalizer({ storage: 'memory' });
  const b = new Personalizer({ storage: 'memory' });
  a.loadCatalogue(catalogue());
  b.loadCatalogue(JSON.stringify(catalogue()));
  assert.deepEqual(a.rank({ limit: 100 }), b.rank({ limit: 100 }));
  assert.deepEqual(a.explain('m3'), b.explain('m3'));
});

test('the JSON file as bytes (UTF-8, with or without a BOM) is the same as the object', async () => {
  await init();
  const cat = catalogue();
  cat.items[0].title = 'Amélie — 😀';
  const a = new Personalizer({ storage: 'memory' });
  a.loadCatalogue(cat);
  const utf8 = new TextEncoder().encode(JSON.stringify(cat));
  const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8]);
  for (const bytes of [utf8, withBom]) {
    const b = new Personalizer({ storage: 'memory' });
    assert.deepEqual(b.loadCatalogue(bytes), a.loadCatalogue(cat));
    assert.deepEqual(b.rank({ limit: 100 }), a.rank({ limit: 100 }));
    assert.equal(b.explain(cat.items[0].id).title, 'Amélie — 😀');
  }
});

test('explain names the item by its title', async () => {
  await init();
  const p = new Personalizer({ storage: 'memory' });
  p.loadCatalogue(catalogue());
  assert.equal(p.explain('m1').title, item('m1').title);
  assert.equal(p.explain('m1').id, 'm1');
  assert.equal(p.explain('m1', undefined).excluded, null);
});

test('init is idempotent: one promise, instances survive repeated init', async () => {
  const first = init();
  const second = init();
  assert.equal(first, second, 'every call returns the same promise');
  await first;
  const p = new Personalizer({ storage: 'memory' });
  p.loadCatalogue(catalogue());
  const before = p.rank({ limit: 100 });
  await init();
  initSync();
  assert.equal(init(), first);
  assert.deepEqual(p.rank({ limit: 100 }), before, 'an instance made before re-init still works');
  const q = new Personalizer({ storage: 'memory' });
  q.loadCatalogue(catalogue());
  assert.deepEqual(q.rank({ limit: 100 }), before);
});

test('free releases the instance', async () => {
  await init();
  const p = new Personalizer({ storage: 'memory' });
  p.free();
  assert.throws(() => p.preferences());
});
