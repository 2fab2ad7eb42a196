// Helpers of the hostile-input tests: the fuzzer's fixture catalogue, a busy
// personalizer on it, and the hostile input files.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import init, { Personalizer } from 'ondevice';
import { someOfEverything } from '../js/fixtures.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
export const DAY_MS = 86_400_000;

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
  return someOfEverything(p);
}

// Everything observable about a personalizer's state, and the checks on it
// and on errors, are the package tests' own.
export { stateOf, assertAlmostEqual, assertSameState, expectError, MAX_MESSAGE } from '../js/fixtures.mjs';
