// Types of `ondevice/react`.

import type { Personalizer, RankedItem, SiteOrderOptions } from '../index.js';

/**
 * The personalizer's ranking, kept current: re-renders when preferences,
 * history, the catalogue or another tab change the profile. During server
 * rendering and hydration it returns `siteOrder(options)` (the site's own
 * order, no personal data), then the personal order in one step.
 *
 * @param options `rank`'s options, plus `at`: the server's render time, for
 *   the site order on both sides of hydration.
 * @throws {Error} named `OndeviceError` with `field` set, on bad input.
 *
 * @example
 * ```jsx
 * const top = useRanking(p, { limit: 10 });
 * ```
 */
export function useRanking(personalizer: Personalizer, options?: SiteOrderOptions): RankedItem[];
