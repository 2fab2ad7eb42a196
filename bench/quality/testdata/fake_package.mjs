// A stand-in for the built ondevice package, for testing replay.mjs only. It
// enforces the parts of the real contract the harness depends on: `record`
// returns false without consent, `at` inside the 90-day window and not in the future,
// known items, and (stricter than needed) events recorded in time order.

const RETENTION_MS = 90 * 24 * 60 * 60 * 1000;

export const counters = { instances: 0 };

// This profile's consent never sticks, to test how the harness counts `false`.
const profileWithoutConsent = 'uNoConsent';

export default async function init() {}

export class Personalizer {
  constructor({ profile, storage }) {
    if (storage !== 'memory') throw new Error(`storage: "${storage}"; the harness must use "memory"`);
    this.profile = profile;
    this.events = [];
    this.consent = false;
    counters.instances += 1;
  }

  loadCatalogue(json) {
    this.items = JSON.parse(json).items;
    return [];
  }

  setPreferences({ historyConsent }) {
    this.consent = historyConsent;
  }

  record({ itemId, kind, at }) {
    const now = Date.now();
    if (profileWithoutConsent === this.profile) this.consent = false;
    if (!this.consent) return false;
    if (kind !== 'view') throw new Error(`record: kind "${kind}"`);
    if (at > now) throw new Error(`record: at ${at} is in the future`);
    if (at < now - RETENTION_MS) throw new Error(`record: at ${at} is outside the retention window`);
    if (!this.items.includes(itemId)) throw new Error(`record: unknown item ${itemId}`);
    const last = this.events.at(-1);
    if (last && at < last.at) throw new Error(`record: at ${at} is before the previous event`);
    this.events.push({ itemId, kind, at });
    return true;
  }

  rank({ limit, exclude }) {
    if (this.profile === 'uBroken') throw new Error('rank failed');
    return this.items
      .filter((id) => !exclude.includes(id))
      .slice(0, limit)
      .map((id) => ({ id, score: 1, reasons: [] }));
  }

  forget() {
    this.events = [];
    this.consent = false;
  }

  free() {}
}
