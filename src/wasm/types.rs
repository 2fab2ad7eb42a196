//! TypeScript declarations of the values that cross the boundary. They
//! mirror the core's serde types (camelCase); `tests/js/types.ts` is
//! compiled with `tsc --noEmit` against real calls to keep them honest.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Options of `new Personalizer(...)`. */
export interface PersonalizerOptions {
  /** Profile name: 1-64 printable ASCII characters. Default "default". */
  profile?: string;
  /** "local" (default): window.localStorage; "memory": nothing is kept. */
  storage?: "local" | "memory";
}

export interface CategoryInfo { id: string; label: string; sensitive: boolean; }

export interface CatalogueCategory { id: string; label: string; sensitive?: boolean; repeatable?: boolean; }

export interface Neighbour { id: string; weight: number; }

export interface CatalogueItem {
  id: string;
  title?: string;
  categories?: string[];
  popularity?: number;
  /** Milliseconds since the epoch. */
  publishedAt?: number;
  /** May be recommended again after a purchase. */
  repeatable?: boolean;
  /** People who engaged with this also engaged with these. */
  related?: Neighbour[];
  /** What people engaged with right after this. */
  next?: Neighbour[];
}

/** The site's blend of the score (all optional; see the README's catalogue format for bounds). */
export interface CatalogueWeights {
  popularity?: number;
  freshness?: number;
  freshnessHalfLifeDays?: number;
  interest?: number;
  related?: number;
  next?: number;
  context?: number;
  recentItems?: number;
  recencyDecay?: number;
  nextItems?: number;
  nextDecay?: number;
}
export interface Catalogue {
  version: 1;
  categories: CatalogueCategory[];
  items: CatalogueItem[];
  weights?: CatalogueWeights;
  /** The default `repeatable` of items and categories that say nothing (default false). */
  repeatable?: boolean;
  /** Named presets of `rank` options (JSON form only). */
  placements?: Record<string, Placement>;
  /** The site's pins and boosts (JSON form only); shown to the person as "promoted". */
  rules?: Rule[];
}

/** Pin an item at a position, or boost an item or a category by score points (0-4). */
export type Rule = ({ item: string; category?: never } | { category: string; item?: never })
  & ({ pin: number; boost?: never } | { boost: number; pin?: never })
  & {
    /** Only in lists for this placement. */
    placement?: string;
    /** Milliseconds since the epoch: the rule applies from / until then. */
    from?: number;
    until?: number;
  };

export interface CatalogueWarning {
  code: "unknownReference" | "selfReference" | "duplicateReference";
  count: number;
  message: string;
  examples: string[];
}

export interface Preferences {
  /** 0..1; 0 is exactly the site's own order. */
  personalization: number;
  /** Category id -> -1 ("less") .. 1 ("more"). */
  categories: Record<string, number>;
  /** Categories never shown. */
  blocked: string[];
  /** Sensitive categories explicitly turned on. */
  sensitive: string[];
  /** 0..1: diversification of the top of the list. */
  variety: number;
  /** 1..100: times an item may be shown per day before it is pushed down. */
  frequencyCap: number;
  /** Nothing is recorded until true. */
  historyConsent: boolean;
  /** 1..365 days. */
  retentionDays: number;
  /** Opt-in to locally randomized statistics reports. */
  shareStatistics: boolean;
}

export type InteractionKind = "view" | "click" | "purchase" | "like" | "dislike" | "dismiss";

export interface InteractionEvent {
  itemId: string;
  kind: InteractionKind;
  /** Milliseconds since the epoch; default now. Within the retention window, at most a day ahead. */
  at?: number;
}

export interface RankOptions {
  /** 1..1000, default 10. */
  limit?: number;
  /** The item on screen: its related items weigh strongly, and it is left out. */
  context?: { itemId: string };
  /** Items not to return (unknown ids are ignored). */
  exclude?: string[];
  /**
   * Let items the person already viewed, clicked or liked come back ("watch
   * again"). Default false: they are left out, like bought non-repeatable items.
   */
  includeSeen?: boolean;
  /** The site's filter for this list: what may appear (the person's own choices still apply). */
  filter?: RankFilter;
  /** A placement of the catalogue: its preset options apply, and these win over them. */
  placement?: string;
}

/** A placement's preset (`catalogue.placements[name]`). */
export interface Placement {
  limit?: number;
  filter?: RankFilter;
  includeSeen?: boolean;
  /** false: the call's on-screen item is not used here. Default true. */
  context?: boolean;
}

/** Which items a list may hold. Categories must be the catalogue's; unknown item ids are ignored. */
export interface RankFilter {
  /** Only items in at least one of these categories. */
  categories?: string[];
  /** No item in any of these categories (wins over `categories`). */
  excludeCategories?: string[];
  /** Only these items. */
  items?: string[];
}

export type ReasonKind = "popular" | "fresh" | "context" | "sliders" | "interest" | "related" | "next" | "frequencyCap" | "promoted" | "siteOrder";

export interface Reason {
  kind: ReasonKind;
  /** A sentence for people, e.g. "You asked for more Sci-Fi". */
  text: string;
  /** This factor's contribution to the score. */
  weight: number;
  /** The item the reason comes from (related, next, context), if any. */
  source?: string;
}

/** Options of `siteOrder`: those of `rank`, and the time to rank at. */
export interface SiteOrderOptions extends RankOptions {
  /** Milliseconds since the epoch; default now. Pass the server's render time on both sides so that freshness cannot differ. */
  at?: number;
}

/** Options of `recentItems`. */
export interface RecentItemsOptions {
  /** 1..100, default 10. */
  limit?: number;
  /** Which kinds count; default the engagements: view, click, purchase, like. */
  kinds?: InteractionKind[];
}

/** One of `recentItems()`: an item and its latest event of the asked kinds. */
export interface RecentItem { itemId: string; kind: InteractionKind; at: number; }

/** What `onChange` listeners are told changed. */
export type ChangeCause = "preferences" | "history" | "catalogue" | "import" | "forget" | "sync";

export interface RankedItem { id: string; score: number; reasons: Reason[]; }

export interface Factor {
  kind: Exclude<ReasonKind, "siteOrder">;
  /** The signal before weighting. */
  value: number;
  /** The named weight (times personalization where it applies). */
  weight: number;
  /** value × weight. */
  contribution: number;
}

export interface Explanation {
  id: string;
  title: string;
  score: number;
  excluded: { reason: "blocked" | "dismissed" | "purchased" | "excluded" | "onScreen" | "seen" | "filtered" | "unavailable"; text: string } | null;
  factors: Factor[];
  reasons: Reason[];
}

export interface Notice { code: string; message: string; }

export interface ProfileSummary {
  profile: string;
  /** Learned interest per non-sensitive category, -1..1. */
  interests: { category: string; label: string; weight: number }[];
  events: Record<InteractionKind, number>;
  totalEvents: number;
  oldestEvent: number | null;
  historyConsent: boolean;
  retentionDays: number;
  bytesStored: number;
  /** False when storage is unavailable, full, read-only, or "memory". */
  persistent: boolean;
  /** The storage keys this profile may write; forget() deletes them. */
  storageKeys: string[];
  /** Storage problems that were handled (quarantine, quota, ...). */
  notices: Notice[];
  /** The statistics opt-in and its privacy budget. */
  privacy: {
    shareStatistics: boolean;
    epsilonPerReport: number;
    budgetPerPeriod: number;
    periodDays: number;
    spent: number;
    /** When the budget renews (ms since epoch); null before the first report. */
    renewsAt: number | null;
  };
}

/** A locally randomized report (optimized unary encoding). */
export interface PrivateReport {
  format: "ondevice-ldp-report";
  version: 1;
  mechanism: "oue";
  epsilon: number;
  /** Probability a true 1 is reported as 1. */
  p: number;
  /** Probability a true 0 is reported as 1. */
  q: number;
  /** The non-sensitive category ids, in catalogue order. */
  categories: string[];
  /** One randomized 0/1 per category. */
  bits: number[];
}

export interface ExportDocument {
  format: "ondevice-export";
  /** The profile schema version (2). */
  version: number;
  profile: string;
  exportedAt: number;
  data: { version: number; preferences: Preferences; history: unknown; privacy: unknown; changedAt: Record<string, number>; epoch: number };
}
"#;
