// The panel's hand-written .d.ts, checked by the TypeScript compiler against
// real uses (and misuses that must be refused) in panel-types.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './harness.mjs';

test('the panel\'s type declarations accept real uses and refuse misuses (tsc --noEmit)', () => {
  const tsc = spawnSync(join(REPO, 'node_modules/.bin/tsc'), ['-p', join(REPO, 'tests/e2e/tsconfig.json')], { encoding: 'utf8' });
  assert.equal(tsc.status, 0, `tsc:\n${tsc.stdout}${tsc.stderr}`);
});
