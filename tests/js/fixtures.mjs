// A small catalogue and the helpers the JS tests share. Expected values are
// always derived from this catalogue (site order, categories, neighbours),
// never written out by hand.
import assert from 'node:assert/strict';
import init, { Personalizer } from 'ondevice';

/** Twelve films in five categories; `health` is sensitive. */
const CATALOGUE = {
  version: 1,
  categories: [
    { id: 'sci-fi', label: 'Sci-Fi' },
    { id: 'comedy', label: 'Comedy' },
    { id: 'drama', label: 'Drama' },
    { id: 'horror', label: 'Horror' },
    { id: 'health', label: 'Health', sensitive: true },
  ],
  items: [
    { id: 'm1', title: 'Alien', categories: ['sci-fi', 'horror'], popularity: 90,
      related: [{ id: 'm2', weight: 0.9 }, { id: 'm5', weight: 0.4 }], next: [{ id: 'm2', weight: 0.8 }] },
    { id: 'm2', title: 'Aliens', categories: ['sci-fi'], popularity: 70,
      related: [{ id: 'm1', weight: 0.9 }, { id: 'm3', weight: 0.3 }] },
    { id: 'm3', title: 'Blade Runner', categories: ['sci-fi', 'drama'], popularity: 70,
      related: [{ id: 'm2', weight: 0.5 }, { id: 'm10', weight: 0.2 }] },
    { id: 'm4', title: 'Airplane!', categories: ['comedy'], popularity: 95,
      related: [{ id: 'm6', weight: 0.7 }, { id: 'm11', weight: 0.5 }] },
    { id: 'm5', title: 'The Thing', categories: ['horror'], popularity: 40,
      related: [{ id: 'm1', weight: 0.6 }] },
    { id: 'm6', title: 'Groundhog Day', categories: ['comedy', 'drama'], popularity: 60,
      related: [{ id: 'm4', weight: 0.7 }, { id: 'm7', weight: 0.2 }] },
    { id: 'm7', title: 'Casablanca', categories: ['drama'], popularity: 60 },
    { id: 'm8', title: 'Mindful Eating', categories: ['health'], popularity: 80,
      related: [{ id: 'm9', weight: 0.9 }] },
    { id: 'm9', title: 'Sleep Better', categories: ['health', 'drama'], popularity: 10 },
    { id: 'm10', title: 'Plan 9', categories: ['sci-fi', 'horror', 'comedy'] },
    { id: 'm11', title: 'Paddington', categories: ['comedy'], popularity: 50, repeatable: true },
    { id: 'm12', title: 'Untitled', popularity: 20 },
  ],
};

/** A fresh deep copy, so no test can change another's catalogue. */
export function catalogue() {
  return structuredClone(CATALOGUE);
}

export const DAY_MS = 86_400_000;

export function item(id, cat = CATALOGUE) {
  const found = cat.items.find((i) => i.id === id);
  assert.ok(found, `fixture has no item ${id}`);
  return found;
}

export function itemIds(cat = CATALOGUE) {
  return cat.items.map((i) => i.id);
}

/** Items with at least one of the given categories, in catalogue order. */
export function itemsIn(categories, cat = CATALOGUE) {
  return cat.items.filter((i) => (i.categories ?? []).some((c) => categories.includes(c))).map((i) => i.id);
}

export function sensitiveCategories(cat = CATALOGUE) {
  return cat.categories.filter((c) => c.sensitive).map((c) => c.id);
}

/** The site's own order: popularity (absent = 0) descending, then catalogue order. */
export function siteOrder(cat = CATALOGUE, { without = [] } = {}) {
  return cat.items
    .map((it, index) => ({ id: it.id, popularity: it.popularity ?? 0, index }))
    .filter((x) => !without.includes(x.id))
    .sort((a, b) => b.popularity - a.popularity || a.index - b.index)
    .map((x) => x.id);
}

/** Loads the wasm (idempotent) and opens an in-memory personalizer. */
export async function open(options = {}) {
  await init();
  return new Personalizer({ storage: 'memory', ...options });
}

/** A personalizer with the catalogue and some of everything: sliders,
 * a blocked category, consent, a few events and impressions. */
export async function busy() {
  const p = await open();
  p.loadCatalogue(catalogue());
  return someOfEverything(p);
}

/** Gives `p` (its catalogue loaded, with items m2-m7 and categories sci-fi,
 * comedy, horror) sliders, a block, consent, events and impressions. */
export function someOfEverything(p) {
  p.setPreferences({ categories: { 'sci-fi': 0.8, comedy: -0.3 }, blocked: ['horror'], historyConsent: true, variety: 0.3 });
  p.record({ itemId: 'm2', kind: 'like' });
  p.record({ itemId: 'm3', kind: 'view' });
  p.record({ itemId: 'm7', kind: 'dismiss' });
  p.recordImpressions(['m4', 'm6']);
  return p;
}

export const ids = (ranked) => ranked.map((r) => r.id);

/** Everything observable about a personalizer's state. */
export function stateOf(p) {
  const { exportedAt, ...exported } = p.exportData();
  assert.equal(typeof exportedAt, 'number');
  let ranked;
  try {
    ranked = p.rank({ limit: 1000 });
  } catch (e) {
    ranked = { error: e.field };
  }
  return {
    preferences: p.preferences(),
    exported,
    ranked,
    categories: p.categories(),
    summary: p.profileSummary(),
  };
}

const close = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** deepStrictEqual, except that numbers may differ by rounding (scores
 * computed a few milliseconds apart decay by a common factor). */
export function assertAlmostEqual(actual, expected, path = '$') {
  if (typeof expected === 'number' && typeof actual === 'number') {
    assert.ok(close(actual, expected), `${path}: ${actual} != ${expected}`);
    return;
  }
  if (expected === null || typeof expected !== 'object') {
    assert.strictEqual(actual, expected, `${path}`);
    return;
  }
  assert.equal(Array.isArray(actual), Array.isArray(expected), `${path}: array vs object`);
  assert.ok(actual !== null && typeof actual === 'object', `${path}: expected an object, got ${actual}`);
  assert.deepStrictEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${path}: keys`);
  for (const k of Object.keys(expected)) assertAlmostEqual(actual[k], expected[k], `${path}.${k}`);
}

export function assertSameState(p, before, what) {
  const after = stateOf(p);
  try {
    assertAlmostEqual(after, before);
  } catch (e) {
    e.message = `state changed after ${what}: ${e.message}`;
    throw e;
  }
}

/** A clear message names the field and the problem; it is not an echo of a megabyte of input. */
export const MAX_MESSAGE = 2048;

/**
 * `fn` must throw an ondevice Error whose `field` is `field` (a string, or a
 * RegExp for raw-text syntax errors, whose position is the parser's), whose
 * message starts with it, says something, matches `pattern` and is at most
 * MAX_MESSAGE long. Returns the error.
 */
export function expectError(fn, field, pattern) {
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error !== undefined, `expected an error about ${field}, nothing was thrown`);
  assert.ok(error instanceof Error, `expected an Error object, got ${typeof error}: ${String(error).slice(0, 200)}`);
  assert.equal(error.name, 'OndeviceError', `name of: ${error.message.slice(0, 200)}`);
  if (field instanceof RegExp) assert.match(error.field, field, `field of: ${error.message.slice(0, 200)}`);
  else assert.equal(error.field, field, `field of: ${error.message.slice(0, 200)}`);
  assert.ok(error.message.startsWith(`${error.field}: `), `message should start with the field: ${error.message.slice(0, 200)}`);
  assert.ok(error.message.length > error.field.length + 4, `message says nothing: ${error.message}`);
  assert.ok(error.message.length <= MAX_MESSAGE, `message of ${error.message.length} characters (allowed: ${MAX_MESSAGE}): ${error.message.slice(0, 160)}…`);
  if (pattern) assert.match(error.message, pattern);
  return error;
}
