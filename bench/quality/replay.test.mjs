// Tests of the replay harness against testdata/fake_package.mjs, a fake that
// enforces the documented contract of the real package.
// Run: node --test bench/quality/

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { LAST_EVENT_AGE_MS, parseEvents, replayAll, shiftIntoWindow } from './replay.mjs';
import { Personalizer as FakePersonalizer, counters } from './testdata/fake_package.mjs';

const DAY = 24 * 60 * 60 * 1000;
const REPLAY = fileURLToPath(new URL('./replay.mjs', import.meta.url));

const FAKE_PACKAGE = fileURLToPath(new URL('./testdata/fake_package.mjs', import.meta.url));

test('parseEvents groups by user and keeps file order for equal timestamps', () => {
  const byUser = parseEvents('user,item,timestamp,kind\nu1,m2,2000,view\nu2,m1,5,view\nu1,m1,1000,view\nu1,m3,2000,view\n');
  assert.deepEqual([...byUser.keys()], ['u1', 'u2']);
  assert.deepEqual(byUser.get('u1').map((e) => e.itemId), ['m1', 'm2', 'm3']);
  assert.equal(byUser.get('u2')[0].kind, 'view');
});

test('parseEvents names a missing column', () => {
  assert.throws(() => parseEvents('user,item,time\nu1,m1,1\n'), /no "timestamp" column/);
});

test('shiftIntoWindow puts the last event a minute ago and keeps the gaps', () => {
  const now = 1_800_000_000_000;
  const events = [{ itemId: 'a', at: 0 }, { itemId: 'b', at: 5 * DAY }, { itemId: 'c', at: 10 * DAY }];
  const { replay, outside } = shiftIntoWindow(events, now);
  assert.equal(outside, 0);
  assert.equal(replay[2].at, now - LAST_EVENT_AGE_MS);
  assert.equal(replay[2].at - replay[0].at, 10 * DAY);
});

test('shiftIntoWindow drops and counts events older than the window', () => {
  const now = 1_800_000_000_000;
  const events = [{ itemId: 'a', at: 0 }, { itemId: 'b', at: 100 * DAY }, { itemId: 'c', at: 120 * DAY }];
  const { replay, outside } = shiftIntoWindow(events, now);
  assert.equal(outside, 1);
  assert.deepEqual(replay.map((e) => e.itemId), ['b', 'c']);
});

test('replayAll records in time order, excludes training items when asked and reports failures', async () => {
  const catalogue = JSON.stringify({ items: ['m1', 'm2', 'm3', 'm4', 'm5'] });
  const byUser = parseEvents(
    'user,item,timestamp,kind\n' +
      `u1,m1,${0},view\nu1,m3,${200 * DAY},view\nu1,m2,${150 * DAY},view\n` +
      `uBroken,m1,${DAY},view\n` +
      `uNoConsent,m2,${DAY},view\n`,
  );
  const { rows, summary } = await replayAll({
    Personalizer: FakePersonalizer,
    catalogue,
    byUser,
    limit: 2,
    reuse: false,
    excludeHistory: true,
  });
  assert.deepEqual(rows[0], { user: 'u1', items: ['m4', 'm5'] });
  assert.equal(rows[1].user, 'uBroken');
  assert.deepEqual(rows[1].items, []);
  assert.equal(summary.events, 5);
  assert.equal(summary.notRecorded, 1);
  assert.match(summary.firstNotRecorded, /^uNoConsent m2 at \d+$/);
  assert.equal(summary.outsideWindow, 1, 'm1 is 200 days before u1\'s last event');
  assert.equal(summary.replayed, 3);
  assert.equal(summary.rejected, 0, 'events are recorded in time order, inside the window');
  assert.equal(summary.failedUsers, 1);
  assert.match(summary.firstFailure, /uBroken: rank failed/);
});

test('replayAll with reuse builds one instance', async () => {
  counters.instances = 0;
  const catalogue = JSON.stringify({ items: ['m1', 'm2'] });
  const byUser = parseEvents('user,item,timestamp,kind\nu1,m1,1,view\nu2,m2,1,view\n');
  const { rows } = await replayAll({ Personalizer: FakePersonalizer, catalogue, byUser, limit: 10, reuse: true });
  assert.equal(counters.instances, 1);
  assert.deepEqual(rows, [{ user: 'u1', items: ['m1', 'm2'] }, { user: 'u2', items: ['m1', 'm2'] }], 'the defaults exclude nothing');
});

test('the CLI writes JSON Lines and a summary, and exits 1 when a user fails', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'replay-'));
  const paths = { pkg: FAKE_PACKAGE, cat: join(dir, 'c.json'), ev: join(dir, 'e.csv'), out: join(dir, 'o.jsonl') };
  await writeFile(paths.cat, JSON.stringify({ items: ['m1', 'm2', 'm3'] }));
  await writeFile(paths.ev, 'user,item,timestamp,kind\nu7,m2,1000,view\nu8,m3,5000,view\n');
  const run = promisify(execFile);
  const argv = [REPLAY, '--catalogue', paths.cat, '--events', paths.ev, '--out', paths.out, '--package', paths.pkg];
  const { stdout } = await run(process.execPath, argv);
  const summary = JSON.parse(stdout.trim().split('\n').pop());
  assert.equal(summary.replayed, 2);
  const lines = (await readFile(paths.out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines, [{ user: 'u7', items: ['m1', 'm2', 'm3'] }, { user: 'u8', items: ['m1', 'm2', 'm3'] }]);

  const users = join(dir, 'users.txt');
  await writeFile(users, 'u8\n');
  await run(process.execPath, [...argv, '--users', users, '--exclude-history']);
  const only = (await readFile(paths.out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(only, [{ user: 'u8', items: ['m1', 'm2'] }]);

  await writeFile(paths.ev, 'user,item,timestamp,kind\nuBroken,m2,1000,view\n');
  await assert.rejects(run(process.execPath, argv), (err) => err.code === 1);
  await assert.rejects(run(process.execPath, [REPLAY, '--events', paths.ev]), (err) => err.code === 2);
  const missing = [...argv.slice(0, -1), join(dir, 'no-such-package.mjs')];
  await assert.rejects(run(process.execPath, missing), (err) => err.code === 3 && /cannot load the package/.test(err.stderr));
});
