// Helpers of the hostile-input tests: a busy personalizer, everything
// observable about its state, and the check that a call threw a clear
// ondevice Error about one field.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import init, { Personalizer } from 'ondevice';

const HERE = dirname(fileURLToPath(import.meta.url));
export const DAY_MS = 86_400_000;
/** A clear message names the field and the problem; it is not an echo of a megabyte of input. */
export const MAX_MESSAGE = 2048;

/** The fuzzer's fixture catalogue: 12 films, 5 categories, `health` sensitive. */
export function catalogue() {
  return JSON.parse(readFileSync(join(HERE, '../../fuzz/corpus/catalogue/ok-fixture.json'), 'utf8'));
}

/** A hostile input file, as text. */
export function input(name) {
  return readFileSync(join(HERE, 'inputs', name), 'utf8');
}

/** A personalizer with some of everything: sliders, a block, consent, events, impressions. */
export async function busy(options = { storage: 'memory' }) {
  await init();
  const p = new Personalizer(options);
  p.loadCatalogue(catalogue());
  p.setPreferences({ categories: { 'sci-fi': 0.8, comedy: -0.3 }, blocked: ['horror'], historyConsent: true, variety: 0.3 });
  p.record({ itemId: 'm2', kind: 'like' });
  p.record({ itemId: 'm3', kind: 'view' });
  p.record({ itemId: 'm7', kind: 'dismiss' });
  p.recordImpressions(['m4', 'm6']);
  return p;
}

/** Preferences, export (minus exportedAt), ranking, categories and summary. */
export function stateOf(p) {
  const { exportedAt, ...exported } = p.exportData();
  let ranked;
  try {
    ranked = p.rank({ limit: 1000 });
  } catch (e) {
    ranked = { error: e.field };
  }
  return { preferences: p.preferences(), exported, ranked, categories: p.categories(), summary: p.profileSummary() };
}

const close = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** deepStrictEqual, except that scores computed a few ms apart may differ by decay rounding. */
export function assertAlmostEqual(actual, expected, path = '$') {
  if (typeof expected === 'number' && typeof actual === 'number') {
    assert.ok(close(actual, expected), `${path}: ${actual} != ${expected}`);
    return;
  }
  if (expected === null || typeof expected !== 'object') {
    assert.strictEqual(actual, expected, path);
    return;
  }
  assert.ok(actual !== null && typeof actual === 'object', `${path}: expected an object, got ${actual}`);
  assert.equal(Array.isArray(actual), Array.isArray(expected), `${path}: array vs object`);
  assert.deepStrictEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${path}: keys`);
  for (const k of Object.keys(expected)) assertAlmostEqual(actual[k], expected[k], `${path}.${k}`);
}

export function assertSameState(p, before, what) {
  try {
    assertAlmostEqual(stateOf(p), before);
  } catch (e) {
    e.message = `state changed after ${what}: ${e.message}`;
    throw e;
  }
}

/**
 * `fn` must throw an ondevice Error whose `field` is `field` (a string, or a
 * RegExp for raw-text syntax errors, whose position is the parser's), whose
 * message starts with it, matches `pattern` and is at most MAX_MESSAGE long.
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
  assert.ok(error.message.length <= MAX_MESSAGE, `message of ${error.message.length} characters (allowed: ${MAX_MESSAGE}): ${error.message.slice(0, 160)}…`);
  if (pattern) assert.match(error.message, pattern);
  return error;
}
