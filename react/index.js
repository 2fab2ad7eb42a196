// ondevice/react: React bindings. React is a peer dependency, never bundled.
//
//   const top = useRanking(p, { limit: 10 });
//
// Built on useSyncExternalStore: the component re-renders when anything
// `rank` depends on changes (preferences, history, the catalogue, an import,
// forget(), another tab), through `personalizer.onChange`. During server
// rendering and hydration the hook returns the site's own order
// (`siteOrder`), which needs no personal data, so the server's HTML and the
// first client render are the same list; right after hydration React renders
// once more with the personal order: one reorder, no blank state, no
// hydration mismatch.

import { useCallback, useMemo, useSyncExternalStore } from 'react';

// The snapshot on the server and while hydrating; `revision` is never negative.
const SERVER = -1;

function fail(field, message) {
  const error = new Error(`${field}: ${message}`);
  error.name = 'OndeviceError';
  error.field = field;
  return error;
}

function check(personalizer) {
  for (const method of ['rank', 'siteOrder', 'onChange']) {
    if (typeof personalizer?.[method] !== 'function') {
      throw fail('personalizer', `expected a Personalizer (from 'ondevice'), got ${personalizer === null ? 'null' : typeof personalizer}`);
    }
  }
}

/** Options as a memo key: equal options give equal keys across renders. */
function keyOf(options) {
  try {
    return JSON.stringify(options) ?? '';
  } catch {
    return options; // not JSON: rank() reports it with the field named
  }
}

/**
 * The personalizer's ranking, kept current. Options are `rank`'s, plus `at`
 * (the server's render time, ms since the epoch) for the site order rendered
 * on the server and during hydration; pass the same `at` on both sides.
 * Throws an `Error` (name `OndeviceError`, `field` set) on bad input, as
 * every ondevice method does; nothing changes when it throws.
 *
 * @example
 * ```jsx
 * function ForYou({ p }) {
 *   const top = useRanking(p, { limit: 10 });
 *   return <ol>{top.map((r) => <li key={r.id}>{r.id}: {r.reasons[0].text}</li>)}</ol>;
 * }
 * ```
 */
export function useRanking(personalizer, options) {
  check(personalizer);
  const key = keyOf(options);
  const subscribe = useCallback((onStoreChange) => personalizer.onChange(() => onStoreChange()), [personalizer]);
  const revision = useSyncExternalStore(subscribe, () => personalizer.revision, () => SERVER);
  return useMemo(() => {
    if (revision === SERVER) return personalizer.siteOrder(options);
    if (options === null || typeof options !== 'object' || !('at' in options)) return personalizer.rank(options);
    const { at: _siteOrderOnly, ...rest } = options;
    return personalizer.rank(rest);
    // `key` stands for `options`: a new object with the same content is the same request.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [personalizer, revision, key]);
}
