// Seeded synthetic catalogues and profiles of a realistic shape, for the
// performance benchmark. Same seed, same bytes (except times, which are
// relative to `now` so that freshness and retention behave as on a live site).
//
//   catalogue(n): n items in 30 categories (two of them sensitive), 1-3
//     categories per item, Zipf-distributed popularity (s = 1.07) in a
//     shuffled catalogue order, publishedAt over the last year, 20 `related`
//     and 10 `next` neighbours per item drawn by popularity, mostly from the
//     item's own category, weights in (0, 1] with 6 decimals as the aggregates
//     builder writes them.
//   profile(cat, events): an export document (`importData`) with consented
//     history of that many events over the last 60 days, concentrated on three
//     favourite categories, and two category sliders.
//
// Usable from Node and from the browser page (no Node imports).

export const CATEGORIES = 30;
export const RELATED = 20;
export const NEXT = 10;
export const DAY_MS = 86_400_000;

const WORDS = ['Blue', 'Night', 'River', 'Garden', 'Winter', 'Coat', 'Lamp', 'Story', 'Road', 'Kitchen', 'Summer', 'Glass',
  'Silent', 'Paper', 'Golden', 'Harbor', 'Forest', 'Chair', 'Letter', 'Storm', 'Little', 'Mountain', 'City', 'Song'];
const CATEGORY_NAMES = ['Sci-Fi', 'Drama', 'Comedy', 'Horror', 'Documentary', 'Kids', 'Romance', 'Thriller', 'Music',
  'Sports', 'Travel', 'Cooking', 'History', 'Science', 'Art', 'Fashion', 'Outdoor', 'Garden', 'Home', 'Tech', 'Games',
  'Books', 'Pets', 'Cars', 'Beauty', 'Toys', 'Office', 'Crafts', 'Health', 'Finance'];
const SENSITIVE = new Set(['Health', 'Finance']);

/** mulberry32: small, fast, good enough for test data. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(xs, random) {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

/** Samples indices with probability proportional to `weights` (cumulative + binary search). */
function sampler(weights, random) {
  const cum = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) cum[i] = total += weights[i];
  return () => {
    const x = random() * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const round6 = (x) => Math.round(x * 1e6) / 1e6;

/** A catalogue document (version 1) of `n` items. */
export function catalogue(n, { seed = 42, now = Date.now() } = {}) {
  const random = rng(seed);
  const categories = CATEGORY_NAMES.slice(0, CATEGORIES).map((label) => ({
    id: label.toLowerCase(),
    label,
    ...(SENSITIVE.has(label) ? { sensitive: true } : {}),
  }));
  // Category sizes are Zipf too: a few big categories, a long tail.
  const pickCategory = sampler(categories.map((_, i) => 1 / (i + 1)), random);
  const ranks = shuffle(Array.from({ length: n }, (_, i) => i + 1), random);
  const popularity = ranks.map((r) => Math.round(1e6 / r ** 1.07));
  const items = [];
  const byCategory = categories.map(() => []);
  for (let i = 0; i < n; i++) {
    const count = random() < 0.5 ? 1 : random() < 0.7 ? 2 : 3;
    const cats = [];
    while (cats.length < count) {
      const c = pickCategory();
      if (!cats.includes(c)) cats.push(c);
    }
    for (const c of cats) byCategory[c].push(i);
    const title = `${WORDS[Math.floor(random() * WORDS.length)]} ${WORDS[Math.floor(random() * WORDS.length)]} ${i}`;
    items.push({
      id: `i${i}`,
      title,
      categories: cats,
      popularity: popularity[i],
      publishedAt: now - Math.floor(random() * 365 * DAY_MS),
      ...(random() < 0.1 ? { repeatable: true } : {}),
    });
  }
  const global = sampler(popularity, random);
  const local = byCategory.map((members) => {
    const pick = sampler(members.map((i) => popularity[i]), random);
    return () => members[pick()];
  });
  const neighbours = (i, k) => {
    const own = items[i].categories[0];
    const chosen = new Set();
    let guard = 0;
    while (chosen.size < k && guard++ < k * 20) {
      const j = random() < 0.6 && byCategory[own].length > k ? local[own]() : global();
      if (j !== i) chosen.add(j);
    }
    let w = 0.2 + 0.8 * random();
    return [...chosen].map((j) => {
      w *= 0.75 + 0.25 * random();
      return { id: `i${j}`, weight: Math.max(0.000001, round6(w)) };
    });
  };
  for (let i = 0; i < n; i++) {
    items[i].related = neighbours(i, RELATED);
    items[i].next = neighbours(i, NEXT);
    items[i].categories = items[i].categories.map((c) => categories[c].id);
  }
  return { version: 1, categories, items };
}

const KINDS = [['view', 0.7], ['click', 0.15], ['like', 0.05], ['purchase', 0.04], ['dislike', 0.03], ['dismiss', 0.03]];

/** An `importData` document with `events` consented history events. */
export function profile(cat, events, { seed = 7, now = Date.now(), name = 'bench' } = {}) {
  const random = rng(seed + events);
  const nonSensitive = cat.categories.filter((c) => !c.sensitive).map((c) => c.id);
  const favourites = shuffle([...nonSensitive], random).slice(0, 3);
  const inFavourites = cat.items.map((it, i) => [it, i]).filter(([it]) => it.categories.some((c) => favourites.includes(c)));
  const pickFav = sampler(inFavourites.map(([it]) => it.popularity + 1), random);
  const pickAny = sampler(cat.items.map((it) => it.popularity + 1), random);
  const pickKind = sampler(KINDS.map(([, p]) => p), random);
  const list = [];
  for (let e = 0; e < events; e++) {
    const item = random() < 0.8 ? inFavourites[pickFav()][0] : cat.items[pickAny()];
    list.push({ item: item.id, kind: KINDS[pickKind()][0], at: now - Math.floor(random() * 60 * DAY_MS) - 60_000 });
  }
  list.sort((a, b) => a.at - b.at);
  return {
    format: 'ondevice-export',
    version: 1,
    profile: name,
    exportedAt: now,
    data: {
      version: 1,
      preferences: { historyConsent: true, categories: { [favourites[0]]: 0.6, [nonSensitive[nonSensitive.length - 1]]: -0.4 } },
      history: { events: list },
    },
  };
}
