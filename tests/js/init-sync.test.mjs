// initSync first (its own process: node --test runs each file apart), then
// init(): the module is instantiated once.
import test from 'node:test';
import assert from 'node:assert/strict';
import init, { Personalizer, initSync } from 'ondevice';
import { catalogue, siteOrder, ids } from './fixtures.mjs';

test('initSync, then init resolves without instantiating again', async () => {
  initSync();
  const p = new Personalizer({ storage: 'memory' });
  p.loadCatalogue(catalogue());
  p.setPreferences({ personalization: 0.5 });
  initSync();
  const ready = init();
  assert.ok(ready instanceof Promise);
  assert.equal(init(), ready);
  assert.equal(await ready, undefined);
  assert.equal(p.preferences().personalization, 0.5, 'state made before init() is still there');
  assert.deepEqual(ids(p.rank({ limit: 100 })), siteOrder(catalogue()));
});
