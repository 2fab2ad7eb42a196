#!/usr/bin/env node
// Replays each user's training history into the built ondevice package and
// writes their top 10 as JSON Lines: {"user": "u196", "items": ["m242", ...]}.
//
//   node bench/quality/replay.mjs --catalogue catalogue.json --events events.csv \
//        --out ondevice.jsonl [--package ../../index.js] [--limit 10] [--reuse]
//        [--users users.txt] [--exclude-history] [--retention-days 90]
//
// A catalogue file ending in .odc is loaded as the compact form (COMPACT.md).
// Lists are ranked with the package's defaults: nothing is excluded unless
// --exclude-history passes every replayed user's training items as `exclude`
// (what a site that knows the history could do). --users limits the replay
// to the users listed one per line (the scored ones). --retention-days sets
// the person's `retentionDays` (1..365, default the package's 90) and with it
// how much of each history the device can hold.
//
// `record` accepts only events inside the retention window ending now, so each
// user's timestamps are shifted to end one minute ago with their gaps kept;
// events still older than the window are not replayed, and counted.
// A summary (counts, first errors, time) is printed to stdout as one JSON line.
// Exits 1 if any user could not be ranked, 2 on bad arguments, 3 if the
// package cannot be loaded (not built, or built only in part).

import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

/** The package's history retention window (90 days). */
export const RETENTION_MS = 90 * 24 * 60 * 60 * 1000;
/** Age given to each user's last training event when replayed. */
export const LAST_EVENT_AGE_MS = 60_000;
/** Events this close to the window's edge are skipped too: the clock moves on during the replay. */
export const WINDOW_MARGIN_MS = 10 * 60_000;
const DEFAULT_PACKAGE = new URL('../../index.js', import.meta.url);

/** Parses events.csv (user,item,timestamp,kind) into user -> events in time order. */
export function parseEvents(text) {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = (lines.shift() ?? '').split(',');
  const col = Object.fromEntries(['user', 'item', 'timestamp', 'kind'].map((n) => [n, header.indexOf(n)]));
  for (const [name, i] of Object.entries(col)) {
    if (i < 0) throw new Error(`events: header has no "${name}" column; got "${header.join(',')}"`);
  }
  const byUser = new Map();
  lines.forEach((line, n) => {
    const f = line.split(',');
    const at = Number(f[col.timestamp]);
    if (!Number.isFinite(at)) throw new Error(`events line ${n + 2}: timestamp "${f[col.timestamp]}" is not a number`);
    if (!byUser.has(f[col.user])) byUser.set(f[col.user], []);
    byUser.get(f[col.user]).push({ itemId: f[col.item], kind: f[col.kind], at });
  });
  // Array.prototype.sort is stable, so equal timestamps keep file order.
  for (const events of byUser.values()) events.sort((a, b) => a.at - b.at);
  return byUser;
}

/** Shifts one user's events so the last is LAST_EVENT_AGE_MS before `now`; splits off those out of the window. */
export function shiftIntoWindow(events, now, retentionMs = RETENTION_MS) {
  if (events.length === 0) return { replay: [], outside: 0 };
  const offset = now - LAST_EVENT_AGE_MS - events[events.length - 1].at;
  const oldest = now - retentionMs + WINDOW_MARGIN_MS;
  const shifted = events.map((e) => ({ ...e, at: e.at + offset }));
  const replay = shifted.filter((e) => e.at >= oldest);
  return { replay, outside: shifted.length - replay.length };
}

function parseArgs(argv) {
  const args = { package: DEFAULT_PACKAGE.href, limit: 10, reuse: false, excludeHistory: false, retentionDays: null };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '');
    if (name === 'reuse') args.reuse = true;
    else if (name === 'exclude-history') args.excludeHistory = true;
    else if (name === 'retention-days' && i + 1 < argv.length) args.retentionDays = Number(argv[++i]);
    else if (['catalogue', 'events', 'out', 'package', 'limit', 'users'].includes(name) && i + 1 < argv.length) args[name] = argv[++i];
    else throw new Error(`unknown or incomplete argument "${argv[i]}"`);
  }
  for (const required of ['catalogue', 'events', 'out']) {
    if (!args[required]) throw new Error(`--${required} is required`);
  }
  if (!args.package.startsWith('file:')) args.package = pathToFileURL(args.package).href;
  args.limit = Number(args.limit);
  return args;
}

/** Replays every user; returns the JSONL rows and a summary. */
export async function replayAll({
  Personalizer,
  catalogue,
  byUser,
  limit,
  reuse,
  excludeHistory = false,
  retentionDays = null,
  now = Date.now,
}) {
  const summary = { users: byUser.size, events: 0, replayed: 0, outsideWindow: 0, notRecorded: 0, rejected: 0, failedUsers: 0 };
  const rows = [];
  const fresh = (profile) => {
    const p = new Personalizer({ profile, storage: 'memory' });
    // A compact catalogue (COMPACT.md) arrives as bytes, JSON as text.
    const warnings = catalogue instanceof Uint8Array ? p.loadCompactCatalogue(catalogue) : p.loadCatalogue(catalogue);
    summary.catalogueWarnings ??= Array.isArray(warnings) ? warnings.length : 0;
    return p;
  };
  // With --reuse, one instance parses the catalogue once and forgets between users.
  const shared = reuse ? fresh('bench') : null;
  for (const [user, events] of byUser) {
    summary.events += events.length;
    let p = null;
    try {
      if (shared) shared.forget();
      p = shared ?? fresh(user);
      p.setPreferences(retentionDays ? { historyConsent: true, retentionDays } : { historyConsent: true });
      const retentionMs = retentionDays ? retentionDays * 24 * 60 * 60 * 1000 : RETENTION_MS;
      const { replay, outside } = shiftIntoWindow(events, now(), retentionMs);
      summary.outsideWindow += outside;
      for (const { itemId, kind, at } of replay) {
        try {
          // `false` means "not recorded" (no consent): a harness bug, so it is counted apart.
          if (p.record({ itemId, kind, at }) === false) {
            summary.notRecorded += 1;
            summary.firstNotRecorded ??= `${user} ${itemId} at ${at}`;
          } else {
            summary.replayed += 1;
          }
        } catch (err) {
          summary.rejected += 1;
          summary.firstRejection ??= `${user} ${itemId} at ${at}: ${err.message}`;
        }
      }
      const exclude = excludeHistory ? [...new Set(events.map((e) => e.itemId))] : [];
      const top = p.rank({ limit, exclude });
      rows.push({ user, items: top.map((r) => r.id) });
    } catch (err) {
      summary.failedUsers += 1;
      summary.firstFailure ??= `${user}: ${err.message}`;
      rows.push({ user, items: [], error: err.message });
    } finally {
      if (p && !reuse) p.free();
    }
  }
  if (shared) shared.free();
  return { rows, summary };
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`replay: ${err.message}`);
    process.exit(2);
  }
  const started = performance.now();
  let Personalizer;
  try {
    const pkg = await import(args.package);
    await pkg.default();
    Personalizer = pkg.Personalizer;
  } catch (err) {
    console.error(`replay: cannot load the package ${args.package}: ${err.message}`);
    process.exit(3);
  }
  const catalogue = args.catalogue.endsWith('.odc')
    ? new Uint8Array(await readFile(args.catalogue))
    : await readFile(args.catalogue, 'utf8');
  let byUser = parseEvents(await readFile(args.events, 'utf8'));
  if (args.users) {
    const only = new Set((await readFile(args.users, 'utf8')).split(/\r?\n/).filter(Boolean));
    byUser = new Map([...byUser].filter(([user]) => only.has(user)));
  }
  console.error(`replay: ${byUser.size} users from ${args.events} into ${args.package}`);
  const { rows, summary } = await replayAll({
    Personalizer,
    catalogue,
    byUser,
    limit: args.limit,
    reuse: args.reuse,
    excludeHistory: args.excludeHistory,
    retentionDays: args.retentionDays,
  });
  await writeFile(args.out, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  summary.seconds = Math.round((performance.now() - started) / 10) / 100;
  console.error(
    `replay: ${summary.replayed}/${summary.events} events replayed, ${summary.outsideWindow} outside the window, ` +
      `${summary.notRecorded} not recorded, ${summary.rejected} rejected, ${summary.failedUsers} users failed, ` +
      `${summary.seconds} s`,
  );
  console.log(JSON.stringify(summary));
  if (summary.failedUsers > 0) process.exit(1);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
