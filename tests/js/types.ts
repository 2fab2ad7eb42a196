// Compiled, not run: `tsc -p tests/js/tsconfig.json --noEmit`. The package's
// declarations must accept the API as it is documented and refuse misuse
// (each `@ts-expect-error` fails the check if the line compiles).
import init, { initSync, Personalizer } from 'ondevice';
import type {
  Catalogue, CatalogueWarning, CategoryInfo, Explanation, ExportDocument, Factor, InteractionEvent,
  InteractionKind, Notice, PersonalizerOptions, Preferences, ProfileSummary, RankedItem, RankOptions,
  Reason, ReasonKind,
} from 'ondevice';

const ready: Promise<void> = init();
await ready;
initSync();

const catalogue: Catalogue = {
  version: 1,
  categories: [{ id: 'sci-fi', label: 'Sci-Fi' }, { id: 'health', label: 'Health', sensitive: true }],
  items: [
    { id: 'm1', title: 'Alien', categories: ['sci-fi'], popularity: 90, publishedAt: Date.now(), related: [{ id: 'm2', weight: 0.9 }], next: [] },
    { id: 'm2', repeatable: true },
  ],
};

const options: PersonalizerOptions = { profile: 'default', storage: 'local' };
const p = new Personalizer(options);
const inMemory = new Personalizer({ storage: 'memory' });
// Documented as optional: `new Personalizer()` uses the defaults.
const withDefaults = new Personalizer();

const warnings: CatalogueWarning[] = p.loadCatalogue(catalogue);
const codes: ('unknownReference' | 'selfReference' | 'duplicateReference')[] = warnings.map((w) => w.code);
p.loadCatalogue(JSON.stringify(catalogue));
p.loadCatalogue(new TextEncoder().encode(JSON.stringify(catalogue)));
const categories: CategoryInfo[] = p.categories();
const sensitive: boolean = categories[0]?.sensitive ?? false;

const prefs: Preferences = p.preferences();
const sliders: Record<string, number> = prefs.categories;
p.setPreferences({ personalization: 0.8, categories: { 'sci-fi': 0.5 }, historyConsent: true });
p.setPreferences({ blocked: ['horror'], sensitive: ['health'], variety: 0, frequencyCap: 3, retentionDays: 30, shareStatistics: false });

const event: InteractionEvent = { itemId: 'm1', kind: 'view' };
const recorded: boolean = p.record(event);
p.record({ itemId: 'm1', kind: 'purchase', at: Date.now() });
const kinds: InteractionKind[] = ['view', 'click', 'purchase', 'like', 'dislike', 'dismiss'];
const counted: number = p.recordImpressions(['m1', 'm2']);

const rankOptions: RankOptions = { limit: 5, context: { itemId: 'm1' }, exclude: ['m2'] };
const top: RankedItem[] = p.rank({ limit: 3 });
const complements: RankedItem[] = p.rank(rankOptions);
// Documented as optional: `rank()` returns the top 10.
const ten: RankedItem[] = p.rank();
const first: RankedItem | undefined = top[0];
const reasons: Reason[] = first?.reasons ?? [];
const reasonKind: ReasonKind | undefined = reasons[0]?.kind;
const score: number = first?.score ?? 0;

// Documented as optional: `explain('m2')`.
const why: Explanation = p.explain('m2');
const inContext: Explanation = p.explain('m2', { context: { itemId: 'm1' } });
const factors: Factor[] = why.factors;
const factorKind: Exclude<ReasonKind, 'siteOrder'> | undefined = factors[0]?.kind;
const total: number = factors.reduce((s, f) => s + f.contribution, 0);
const excludedBecause: 'blocked' | 'dismissed' | 'purchased' | 'excluded' | 'onScreen' | 'seen' | 'filtered' | 'unavailable' | undefined =
  why.excluded?.reason;
const dramaOnly: RankedItem[] = p.rank({ limit: 5, filter: { categories: ['drama'], excludeCategories: ['comedy'], items: ['m1'] } });
// @ts-expect-error filter.categories is a list of ids
p.rank({ filter: { categories: 'drama' } });
const madeUnavailable: number = p.setAvailability(['m1'], false);
const homeRow: RankedItem[] = p.rank({ placement: 'home', limit: 4 });
const withPlacements: Catalogue = { version: 1, categories: [], items: [], placements: { home: { limit: 8, context: false, filter: { excludeCategories: ['x'] } } } };
const withRules: Catalogue = { version: 1, categories: [], items: [], rules: [{ item: 'm1', pin: 1, placement: 'home' }, { category: 'drama', boost: 0.5, until: 2e12 }] };
const promotedKind: ReasonKind = 'promoted';
// @ts-expect-error a rule pins or boosts, not both
const bothRule: Catalogue = { version: 1, categories: [], items: [], rules: [{ item: 'm1', pin: 1, boost: 1 }] };
// @ts-expect-error a placement's limit is a number
const badPlacement: Catalogue = { version: 1, categories: [], items: [], placements: { home: { limit: 'eight' } } };
// @ts-expect-error available is a boolean
p.setAvailability(['m1'], 'no');
const watchAgain: RankedItem[] = p.rank({ limit: 5, includeSeen: true });
// @ts-expect-error includeSeen is a boolean
p.rank({ includeSeen: 'yes' });
const siteWeights: Catalogue['weights'] = { related: 4, recentItems: 100 };

const summary: ProfileSummary = p.profileSummary();
const views: number = summary.events.view;
const oldest: number | null = summary.oldestEvent;
const notices: Notice[] = summary.notices;
const persistent: boolean = summary.persistent;
const interest: number | undefined = summary.interests[0]?.weight;

const exported: ExportDocument = p.exportData();
const format: 'ondevice-export' = exported.format;
const exportedPrefs: Preferences = exported.data.preferences;
p.forget();
p.importData(exported);
p.importData(JSON.stringify(exported));
const changed: boolean = p.sync();
p.onChange(() => console.log(p.rank({ limit: 3 })));
p.onChange(null);
{
  using scoped = new Personalizer({ storage: 'memory' });
  scoped.preferences();
}
p.free();

// Misuse the declarations must refuse.
// @ts-expect-error: init takes no URL (the wasm is embedded)
init('/ondevice_bg.wasm');
// @ts-expect-error: storage is "local" or "memory"
new Personalizer({ storage: 'disk' });
// @ts-expect-error: unknown option
new Personalizer({ profil: 'x' });
// @ts-expect-error: limit is a number
p.rank({ limit: '3' });
// @ts-expect-error: context is an object with itemId
p.rank({ context: 'm1' });
// @ts-expect-error: unknown interaction kind
p.record({ itemId: 'm1', kind: 'stare' });
// @ts-expect-error: kind is required
p.record({ itemId: 'm1' });
// @ts-expect-error: at is a number of milliseconds
p.record({ itemId: 'm1', kind: 'view', at: new Date() });
// @ts-expect-error: no such preference
p.setPreferences({ colour: 'red' });
// @ts-expect-error: personalization is a number
p.setPreferences({ personalization: '1' });
// @ts-expect-error: blocked is a list
p.setPreferences({ blocked: 'horror' });
// @ts-expect-error: only catalogue version 1
p.loadCatalogue({ version: 2, categories: [], items: [] });
// @ts-expect-error: items need an id
p.loadCatalogue({ version: 1, categories: [], items: [{ title: 'no id' }] });
// @ts-expect-error: ids are strings
p.recordImpressions([1, 2]);
// @ts-expect-error: an item id, not an index
p.explain(42);
// @ts-expect-error: not an export document
p.importData({ version: 1 });
// @ts-expect-error: a function or null
p.onChange('reload');
// @ts-expect-error: scores are numbers
const wrongScore: string = top[0]!.score;
// @ts-expect-error: no such reason kind
const wrongKind: ReasonKind = 'magic';
// @ts-expect-error: no such event kind in the summary
summary.events.stare;
// @ts-expect-error: rank returns items, not ids
const wrongTop: string[] = p.rank({ limit: 3 });

export {
  codes, sensitive, sliders, recorded, kinds, counted, complements, ten, reasonKind, score, inContext, factorKind,
  total, excludedBecause, views, oldest, notices, persistent, interest, format, exportedPrefs, changed, inMemory,
  withDefaults, wrongScore, wrongKind, wrongTop, watchAgain, siteWeights,
};
