// Ranking rules a person can see: the site's order when personalization is
// off or nothing is known, blocked categories and dismissed or bought items
// kept away, the item on screen pulling its complements up, sensitive
// categories never learned, and explanations that add up.
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  busy, catalogue, open, item, itemIds, itemsIn, siteOrder, ids, sensitiveCategories, assertAlmostEqual,
} from './fixtures.mjs';

const ALL = { limit: 1000 };

test('cold start is the site order: popularity, then catalogue order', async () => {
  const p = await open();
  const cat = catalogue();
  p.loadCatalogue(cat);
  assert.deepEqual(ids(p.rank(ALL)), siteOrder(cat));
  // Shuffling the catalogue changes only the tie-breaking.
  const reversed = { ...cat, items: [...cat.items].reverse() };
  p.loadCatalogue(reversed);
  assert.deepEqual(ids(p.rank(ALL)), siteOrder(reversed));
  assert.notDeepEqual(siteOrder(reversed), siteOrder(cat), 'the fixture has popularity ties');
});

test('personalization 0 is exactly the site order, whatever is chosen or learned', async () => {
  const p = await open();
  const cat = catalogue();
  p.loadCatalogue(cat);
  p.setPreferences({ historyConsent: true, categories: { drama: 1, 'sci-fi': -1 }, variety: 1, sensitive: ['health'] });
  p.record({ itemId: 'm7', kind: 'like' });
  p.record({ itemId: 'm6', kind: 'purchase' });
  p.record({ itemId: 'm11', kind: 'click' });
  assert.notDeepEqual(ids(p.rank(ALL)), siteOrder(cat, { without: ['m6'] }), 'personalized first');
  p.setPreferences({ personalization: 0 });
  const ranked = p.rank(ALL);
  // m6 was bought and is not repeatable: it stays out even here.
  assert.deepEqual(ids(ranked), siteOrder(cat, { without: ['m6'] }));
  for (const r of ranked) {
    for (const reason of r.reasons) assert.ok(['popular', 'fresh', 'siteOrder'].includes(reason.kind), `${r.id}: ${reason.kind}`);
  }
  p.setPreferences({ personalization: 1 });
  assert.notDeepEqual(ids(p.rank(ALL)), siteOrder(cat, { without: ['m6'] }), 'one click back');
});

test('personalization 0 is the site order even after impressions', async () => {
  const p = await open();
  const cat = catalogue();
  p.loadCatalogue(cat);
  p.setPreferences({ historyConsent: true, personalization: 0, frequencyCap: 1 });
  const first = siteOrder(cat)[0];
  assert.equal(p.recordImpressions([first]), 1);
  assert.deepEqual(ids(p.rank(ALL)), siteOrder(cat));
});

test('the frequency cap moves items shown too often below the others', async () => {
  const p = await open();
  const cat = catalogue();
  p.loadCatalogue(cat);
  p.setPreferences({ historyConsent: true, frequencyCap: 2 });
  const [first, second] = siteOrder(cat);
  assert.equal(p.recordImpressions([first, second]), 2);
  assert.deepEqual(ids(p.rank(ALL)), siteOrder(cat), 'under the cap nothing moves');
  p.recordImpressions([first]);
  const ranked = p.rank(ALL);
  assert.equal(ranked.at(-1).id, first);
  assert.equal(ranked.at(-1).reasons[0].kind, 'frequencyCap');
  assert.deepEqual(ids(ranked).slice(0, -1), siteOrder(cat, { without: [first] }));
});

test('a blocked category is never returned, whatever else pulls its items up', async () => {
  const cat = catalogue();
  for (const blocked of cat.categories.map((c) => c.id)) {
    const p = await open();
    p.loadCatalogue(cat);
    const hit = new Set(itemsIn([blocked], cat));
    assert.ok(hit.size > 0);
    const sensitive = sensitiveCategories(cat).includes(blocked) ? [blocked] : [];
    p.setPreferences({ blocked: [blocked], categories: { [blocked]: 1 }, sensitive, historyConsent: true });
    const expected = siteOrder(cat).filter((id) => !hit.has(id));
    assert.deepEqual(new Set(ids(p.rank(ALL))), new Set(expected), `blocked ${blocked}`);
    for (const context of itemIds(cat)) {
      const got = ids(p.rank({ limit: 1000, context: { itemId: context } }));
      assert.deepEqual(got.filter((id) => hit.has(id)), [], `blocked ${blocked}, context ${context}`);
      assert.equal(got.length, expected.filter((id) => id !== context).length);
    }
    for (const id of hit) {
      const why = p.explain(id);
      assert.equal(why.excluded?.reason, 'blocked', `${id}`);
      assert.equal(why.excluded.text, `You blocked ${cat.categories.find((c) => c.id === blocked).label}`);
    }
    p.setPreferences({ blocked: [] });
    assert.deepEqual(ids(p.rank(ALL)).filter((id) => hit.has(id)).length, hit.size, `unblocking ${blocked} brings them back`);
  }
});

test('a dismissed item stays away; a bought item too unless repeatable', async () => {
  const p = await open();
  const cat = catalogue();
  p.loadCatalogue(cat);
  p.setPreferences({ historyConsent: true, personalization: 0 });
  const [top] = siteOrder(cat);
  assert.equal(p.record({ itemId: top, kind: 'dismiss' }), true);
  assert.ok(!ids(p.rank(ALL)).includes(top));
  assert.equal(p.explain(top).excluded?.reason, 'dismissed');
  for (const id of itemIds(cat)) {
    assert.ok(!ids(p.rank({ limit: 1000, context: { itemId: id } })).includes(top), `context ${id}`);
  }
  const once = cat.items.find((i) => !i.repeatable && i.id !== top).id;
  const again = cat.items.find((i) => i.repeatable).id;
  p.record({ itemId: once, kind: 'purchase' });
  p.record({ itemId: again, kind: 'purchase' });
  const left = ids(p.rank(ALL));
  assert.ok(!left.includes(once), `${once} was bought`);
  assert.equal(p.explain(once).excluded?.reason, 'purchased');
  assert.ok(left.includes(again), `${again} is repeatable`);
  assert.deepEqual(left, siteOrder(cat, { without: [top, once] }));
});

test('exclude leaves items out and ignores unknown ids', async () => {
  const p = await open();
  const cat = catalogue();
  p.loadCatalogue(cat);
  const [a, , b] = siteOrder(cat);
  assert.deepEqual(ids(p.rank({ limit: 1000, exclude: [a, b, 'gone'] })), siteOrder(cat, { without: [a, b] }));
  assert.equal(p.explain(a, { exclude: [a] }).excluded?.reason, 'excluded');
});

test('the item on screen is left out and its related items come first', async () => {
  const cat = catalogue();
  const locked = new Set(itemsIn(sensitiveCategories(cat), cat));
  const p = await open();
  p.loadCatalogue(cat);
  let checked = 0;
  for (const onScreen of cat.items) {
    const ranked = p.rank({ limit: 1000, context: { itemId: onScreen.id } });
    assert.ok(!ids(ranked).includes(onScreen.id), `${onScreen.id} is on screen`);
    assert.deepEqual(new Set(ids(ranked)), new Set(itemIds(cat).filter((id) => id !== onScreen.id)));
    assert.equal(p.explain(onScreen.id, { context: { itemId: onScreen.id } }).excluded?.reason, 'onScreen');
    // Items in a sensitive category nobody turned on get no pull.
    const related = (onScreen.related ?? []).filter((e) => !locked.has(e.id));
    if (related.length === 0) continue;
    assert.deepEqual(new Set(ids(ranked).slice(0, related.length)), new Set(related.map((e) => e.id)), `complements of ${onScreen.id} first`);
    const strongest = [...related].sort((x, y) => y.weight - x.weight)[0].id;
    assert.equal(ranked[0].id, strongest);
    const reason = ranked[0].reasons.find((r) => r.kind === 'context');
    assert.ok(reason, JSON.stringify(ranked[0]));
    assert.equal(reason.text, `People who viewed ${onScreen.title} also viewed this`);
    checked++;
  }
  assert.ok(checked >= 5, `checked ${checked}`);
});

test('on screen, a sensitive neighbour is pulled up only once its category is turned on', async () => {
  const cat = catalogue();
  const category = sensitiveCategories(cat)[0];
  const onScreen = cat.items.find((i) => i.categories?.includes(category) && i.related?.length);
  const neighbour = onScreen.related[0].id;
  const p = await open();
  p.loadCatalogue(cat);
  const context = { itemId: onScreen.id };
  assert.notEqual(p.rank({ limit: 1, context })[0].id, neighbour);
  assert.equal(p.explain(neighbour, { context }).factors.find((f) => f.kind === 'context').contribution, 0);
  p.setPreferences({ sensitive: [category] });
  assert.equal(p.rank({ limit: 1, context })[0].id, neighbour);
  assert.ok(p.explain(neighbour, { context }).factors.find((f) => f.kind === 'context').contribution > 0);
});

test('explain: factors add up to the score, and its reasons are rank\'s', async () => {
  const p = await busy();
  const cat = catalogue();
  const optionSets = [{}, { context: { itemId: 'm2' } }, { context: { itemId: 'm6' }, exclude: ['m4'] }];
  let checked = 0;
  for (const options of optionSets) {
    const ranked = p.rank({ limit: 1000, ...options });
    assert.ok(ranked.length > 0);
    for (const r of ranked) {
      const why = p.explain(r.id, options);
      assert.equal(why.id, r.id);
      assert.equal(why.title, item(r.id).title ?? r.id);
      assert.equal(why.excluded, null);
      assertAlmostEqual(why.score, r.score, `${r.id}.score`);
      const sum = why.factors.reduce((s, f) => s + f.contribution, 0);
      assertAlmostEqual(sum, why.score, `${r.id}: sum of factors`);
      for (const f of why.factors) {
        assert.ok(Number.isFinite(f.value) && Number.isFinite(f.weight) && Number.isFinite(f.contribution));
        assertAlmostEqual(f.value * f.weight, f.contribution, `${r.id}.${f.kind}: value × weight`);
      }
      assert.equal(new Set(why.factors.map((f) => f.kind)).size, why.factors.length, 'each factor once');
      assertAlmostEqual(why.reasons, r.reasons, `${r.id}.reasons`);
      for (const reason of why.reasons) {
        if (reason.kind === 'siteOrder') continue;
        const factor = why.factors.find((f) => f.kind === reason.kind);
        assert.ok(factor, `${r.id}: reason ${reason.kind} has a factor`);
        assertAlmostEqual(reason.weight, factor.contribution, `${r.id}: reason ${reason.kind} weight`);
      }
      checked++;
    }
  }
  assert.ok(checked >= cat.items.length, `checked ${checked}`);
});

test('sensitive categories are never learned from behaviour', async () => {
  const cat = catalogue();
  const sensitive = new Set(sensitiveCategories(cat));
  const sensitiveItems = itemsIn([...sensitive], cat);
  const p = await open();
  p.loadCatalogue(cat);
  p.setPreferences({ historyConsent: true });
  const before = Object.fromEntries(sensitiveItems.map((id) => [id, p.explain(id)]));
  for (const id of sensitiveItems) {
    for (const kind of ['view', 'click', 'like', 'like', 'view']) assert.equal(p.record({ itemId: id, kind }), true);
  }
  for (const interest of p.profileSummary().interests) assert.ok(!sensitive.has(interest.category), interest.category);
  for (const id of sensitiveItems) {
    const after = p.explain(id);
    assertAlmostEqual(after.factors, before[id].factors, `${id} scores as before`);
    assert.ok(!after.reasons.some((r) => r.kind === 'interest'), `${id}: ${JSON.stringify(after.reasons)}`);
  }
  // Turned on explicitly, the slider counts, still nothing is learned.
  const [category] = sensitive;
  p.setPreferences({ sensitive: [category], categories: { [category]: 1 } });
  for (const id of sensitiveItems) {
    const factors = Object.fromEntries(p.explain(id).factors.map((f) => [f.kind, f.contribution]));
    assert.ok(factors.sliders > 0, `${id}: slider applies once turned on`);
  }
  const only = sensitiveItems.find((id) => item(id).categories.every((c) => sensitive.has(c)));
  assert.equal(p.explain(only).factors.find((f) => f.kind === 'interest').contribution, 0);
});

test('catalogue warnings for dropped references, and the rest is used', async () => {
  const cat = catalogue();
  cat.items[0].related.push({ id: 'ghost', weight: 0.5 }, { id: cat.items[0].id, weight: 0.5 }, { id: cat.items[0].related[0].id, weight: 0.1 });
  cat.items[2].next = [{ id: 'phantom', weight: 1 }];
  const p = await open();
  const warnings = p.loadCatalogue(cat);
  const byCode = Object.fromEntries(warnings.map((w) => [w.code, w]));
  assert.deepEqual(Object.keys(byCode).sort(), ['duplicateReference', 'selfReference', 'unknownReference']);
  const unknown = byCode.unknownReference;
  assert.equal(unknown.count, 2);
  assert.deepEqual(unknown.examples, [
    `catalogue.items[0].related[${cat.items[0].related.length - 3}].id "ghost"`,
    'catalogue.items[2].next[0].id "phantom"',
  ]);
  assert.match(unknown.message, /^2 references to items not in the catalogue were dropped/);
  assert.equal(byCode.selfReference.count, 1);
  assert.deepEqual(byCode.selfReference.examples, [`catalogue.items[0].related[${cat.items[0].related.length - 2}]`]);
  assert.equal(byCode.duplicateReference.count, 1);
  // The valid neighbours still work.
  const kept = catalogue().items[0].related.map((e) => e.id);
  assert.deepEqual(new Set(ids(p.rank({ limit: kept.length, context: { itemId: cat.items[0].id } }))), new Set(kept));
});

test("the site's filter and availability: only what the site allows, the site's order filling the list", async () => {
  const p = await open();
  const cat = catalogue();
  p.loadCatalogue(cat);
  const drama = itemsIn(['drama'], cat);
  const order = siteOrder(cat);
  assert.deepEqual(ids(p.rank({ ...ALL, filter: { categories: ['drama'] } })), order.filter((id) => drama.includes(id)));
  assert.deepEqual(ids(p.rank({ ...ALL, filter: { excludeCategories: ['drama'] } })), order.filter((id) => !drama.includes(id)));
  assert.deepEqual(ids(p.rank({ filter: { items: [order[3], order[1], 'ghost'] } })), [order[1], order[3]]);
  // The limit is honoured from what the filter allows, in the site's order for a new visitor.
  assert.deepEqual(ids(p.rank({ limit: 2, filter: { categories: ['drama'] } })), order.filter((id) => drama.includes(id)).slice(0, 2));
  assert.equal(p.explain(drama[0], { filter: { excludeCategories: ['drama'] } }).excluded.reason, 'filtered');
  // Out of stock: gone from every list until back, and never in the profile.
  assert.equal(p.setAvailability([order[0], order[2]], false), 2);
  assert.deepEqual(ids(p.rank(ALL)), order.filter((id) => id !== order[0] && id !== order[2]));
  assert.equal(p.explain(order[0]).excluded.reason, 'unavailable');
  assert.ok(!JSON.stringify(p.exportData()).includes('unavailable'));
  assert.equal(p.setAvailability([order[0]], true), 1);
  assert.deepEqual(ids(p.rank(ALL)), order.filter((id) => id !== order[2]));
  // Bad filters and ids are errors naming the field.
  assert.throws(() => p.rank({ filter: { categories: ['westerns'] } }), (e) => e.field === 'options.filter.categories[0]' && /unknown category "westerns"/.test(e.message));
  assert.throws(() => p.setAvailability(['m1', 5], false), (e) => e.field === 'ids');
  assert.throws(() => p.setAvailability(['m1', ''], false), (e) => e.field === 'ids[1]');
  assert.deepEqual(ids(p.rank(ALL)), order.filter((id) => id !== order[2]));
});

test('placements: named presets in the catalogue, the call winning', async () => {
  const p = await open();
  const cat = { ...catalogue(), placements: { 'drama-row': { limit: 2, filter: { categories: ['drama'] } } } };
  p.loadCatalogue(cat);
  const drama = siteOrder(cat).filter((id) => itemsIn(['drama'], cat).includes(id));
  assert.deepEqual(ids(p.rank({ placement: 'drama-row' })), drama.slice(0, 2));
  assert.deepEqual(ids(p.rank({ placement: 'drama-row', limit: 3 })), drama.slice(0, 3));
  assert.throws(() => p.rank({ placement: 'sidebar' }), (e) => e.field === 'options.placement' && /unknown placement "sidebar"; known: drama-row/.test(e.message));
  assert.throws(() => p.loadCatalogue({ ...cat, placements: { home: { limit: 0 } } }), (e) => e.field === 'catalogue.placements.home.limit');
  assert.deepEqual(ids(p.rank({ placement: 'drama-row' })), drama.slice(0, 2), 'the previous catalogue is kept');
});

test("the site's pins and boosts say so, and the person's choices win", async () => {
  const p = await open();
  const base = catalogue();
  const order = siteOrder(base);
  const last = order[order.length - 1];
  const cat = { ...base, placements: { home: {} }, rules: [{ item: last, pin: 1, placement: 'home' }, { item: 'ghost', boost: 1 }] };
  const warnings = p.loadCatalogue(cat);
  assert.deepEqual(warnings.map((w) => [w.code, w.count]), [['unknownRuleItem', 1]]);
  const home = p.rank({ limit: 3, placement: 'home' });
  assert.equal(home[0].id, last);
  assert.deepEqual(home[0].reasons[0], { kind: 'promoted', text: 'Placed here by the site', weight: 0 });
  assert.notEqual(ids(p.rank({ limit: 3 }))[0], last, 'only in its placement');
  p.setPreferences({ historyConsent: true });
  p.record({ itemId: last, kind: 'dismiss' });
  assert.ok(!ids(p.rank({ limit: 3, placement: 'home' })).includes(last), 'a dismissed item is not pinned');
  assert.throws(() => p.loadCatalogue({ ...cat, rules: [{ item: last, boost: -1 }] }), (e) => e.field === 'catalogue.rules[0].boost');
});
