// The comparison point: the same scoring as ondevice (src/core/rank.rs,
// signals.rs, explain.rs), written the way a site would write it itself in
// plain JavaScript: parse the JSON, a Map of ids, objects per item, score every
// item in a loop, sort, build reasons for the head. It lives in the benchmark
// only; its top items are checked against ondevice's so the comparison is of
// the same work.

const DAY_MS = 86_400_000;
// Weights::DEFAULT in src/core/rank.rs (the run checks that both rankers agree).
const W = { popularity: 0.25, freshness: 0.3, freshnessHalfLife: 7, sliders: 1.0, interest: 1.0, related: 2.0, next: 2.0, context: 4.0, cap: 100, variety: 1.0 };
const INTEREST_HALF_LIFE = 30;
const RECENT_ITEMS = 50;
const RECENCY_DECAY = 0.9;
const NEXT_ITEMS = 3;
const NEXT_DECAY = 0.5;
const DISMISS_DAYS = 90;
const KIND_WEIGHT = { view: 1, click: 1.5, like: 3, purchase: 4, dislike: -3, dismiss: -2 };
const PAST = { view: 'viewed', click: 'opened', purchase: 'bought', like: 'liked', dislike: 'disliked', dismiss: 'dismissed' };
const f32 = Math.fround;

function decay(ageMs, halfLifeDays) {
  const days = Math.max(ageMs, 0) / DAY_MS;
  return Math.exp((-days / halfLifeDays) * Math.LN2);
}

export class PlainRanker {
  constructor({ storage = null, key = 'plain:profile' } = {}) {
    this.storage = storage;
    this.key = key;
    this.profile = { preferences: defaults(), history: { events: [] } };
  }

  /** Opens the stored profile (JSON in storage), as a site would on page load. */
  open() {
    const text = this.storage?.getItem(this.key);
    if (text) this.profile = JSON.parse(text);
    return this;
  }

  persist() {
    this.storage?.setItem(this.key, JSON.stringify(this.profile));
  }

  loadJSON(text) {
    return this.load(JSON.parse(text));
  }

  load(doc) {
    const categories = doc.categories.map((c) => ({ id: c.id, label: c.label, sensitive: !!c.sensitive }));
    const catIndex = new Map(categories.map((c, i) => [c.id, i]));
    const index = new Map();
    doc.items.forEach((it, i) => {
      if (index.has(it.id)) throw new Error(`duplicate id ${it.id}`);
      index.set(it.id, i);
    });
    const edges = (list, self) => {
      const out = [];
      for (const e of list ?? []) {
        const t = index.get(e.id);
        if (t === undefined || t === self || out.some((x) => x.target === t)) continue;
        out.push({ target: t, weight: f32(e.weight) });
      }
      return out;
    };
    const items = doc.items.map((it, i) => ({
      id: it.id,
      title: it.title ?? it.id,
      categories: (it.categories ?? []).map((c) => catIndex.get(c)),
      popularity: it.popularity ?? 0,
      publishedAt: it.publishedAt,
      repeatable: !!it.repeatable,
      related: edges(it.related, i),
      next: edges(it.next, i),
    }));
    let max = 0;
    for (const it of items) max = Math.max(max, it.popularity);
    this.cat = { categories, catIndex, items, index, logMax: Math.log(1 + max) };
  }

  setPreferences(patch) {
    const p = this.profile.preferences;
    for (const [k, v] of Object.entries(patch)) {
      if (k === 'categories') {
        for (const [c, x] of Object.entries(v)) {
          if (x === 0) delete p.categories[c];
          else p.categories[c] = x;
        }
      } else p[k] = v;
    }
    this.persist();
  }

  record({ itemId, kind, at = Date.now() }) {
    if (!this.profile.preferences.historyConsent) return false;
    const events = this.profile.history.events;
    let pos = events.length;
    while (pos > 0 && events[pos - 1].at > at) pos--;
    events.splice(pos, 0, { item: itemId, kind, at });
    this.persist();
    return true;
  }

  rank({ limit = 10, context, exclude = [] } = {}, now = Date.now()) {
    const { categories, items, index, logMax } = this.cat;
    const prefs = this.profile.preferences;
    const events = this.profile.history.events;
    const sliders = categories.map((c) => prefs.categories[c.id] ?? 0);
    const blocked = categories.map((c) => prefs.blocked.includes(c.id));
    const locked = categories.map((c) => c.sensitive && !prefs.sensitive.includes(c.id));

    // Learned interests per category.
    const interests = categories.map(() => 0);
    for (const e of events) {
      const i = index.get(e.item);
      if (i === undefined) continue;
      const w = KIND_WEIGHT[e.kind] * decay(now - e.at, INTEREST_HALF_LIFE);
      for (const c of items[i].categories) if (!categories[c].sensitive) interests[c] += w;
    }
    const maxInterest = interests.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    if (maxInterest > 0) for (let c = 0; c < interests.length; c++) interests[c] /= maxInterest;

    // Collaborative signals from the latest distinct engaged items.
    const related = new Map();
    const next = new Map();
    const add = (map, edges, weight, source) => {
      for (const e of edges) {
        const v = f32(weight * e.weight);
        const cur = map.get(e.target) ?? { sum: 0, best: 0, source: -1 };
        cur.sum = f32(cur.sum + v);
        if (v > cur.best) {
          cur.best = v;
          cur.source = source;
        }
        map.set(e.target, cur);
      }
    };
    const seen = [];
    for (let k = events.length - 1; k >= 0 && seen.length < RECENT_ITEMS; k--) {
      const e = events[k];
      if (KIND_WEIGHT[e.kind] <= 0) continue;
      const h = index.get(e.item);
      if (h === undefined || seen.includes(h)) continue;
      const n = seen.length;
      seen.push(h);
      add(related, items[h].related, KIND_WEIGHT[e.kind] * RECENCY_DECAY ** n, h);
      if (n < NEXT_ITEMS) add(next, items[h].next, NEXT_DECAY ** n, h);
    }
    const out = new Set(exclude.map((id) => index.get(id)).filter((i) => i !== undefined));
    for (const e of events) {
      const i = index.get(e.item);
      if (i === undefined) continue;
      if (e.kind === 'dismiss' && now - e.at < DISMISS_DAYS * DAY_MS) out.add(i);
      else if (e.kind === 'purchase' && !items[i].repeatable) out.add(i);
    }
    const contextScores = new Map();
    let contextItem;
    if (context) {
      contextItem = index.get(context.itemId);
      out.add(contextItem);
      for (const e of items[contextItem].related) contextScores.set(e.target, f32((contextScores.get(e.target) ?? 0) + e.weight));
    }
    const scale = (values) => {
      let m = 0;
      for (const v of values) m = Math.max(m, v);
      return m > 0 ? 1 / m : 0;
    };
    const relatedScale = scale([...related.values()].map((x) => x.sum));
    const nextScale = scale([...next.values()].map((x) => x.sum));
    const contextScale = scale(contextScores.values());
    const p = prefs.personalization;

    const breakdown = (i) => {
      const it = items[i];
      const b = { popularity: 0, freshness: 0, context: 0, sliders: 0, interest: 0, related: 0, next: 0, frequencyCap: 0 };
      b.popularity = logMax > 0 ? (W.popularity * Math.log(1 + it.popularity)) / logMax : 0;
      if (it.publishedAt !== undefined) {
        const age = now - it.publishedAt;
        if (age >= 0) b.freshness = W.freshness * decay(Math.trunc(age), W.freshnessHalfLife);
      }
      if (it.categories.some((c) => locked[c])) return b;
      b.context = W.context * (contextScores.get(i) ?? 0) * contextScale;
      if (p === 0) return b;
      if (it.categories.length) {
        let s = 0;
        let t = 0;
        let top = 0;
        let topI = 0;
        for (const c of it.categories) {
          s += sliders[c];
          t += interests[c];
          if (Math.abs(sliders[c]) > Math.abs(top)) {
            top = sliders[c];
            b.sliderCategory = c;
          }
          if (Math.abs(interests[c]) > Math.abs(topI)) {
            topI = interests[c];
            b.interestCategory = c;
          }
        }
        b.sliders = (p * W.sliders * s) / it.categories.length;
        b.interest = (p * W.interest * t) / it.categories.length;
      }
      const r = related.get(i);
      if (r && r.sum > 0) {
        b.related = p * W.related * r.sum * relatedScale;
        b.relatedSource = r.source;
      }
      const x = next.get(i);
      if (x && x.sum > 0) {
        b.next = p * W.next * x.sum * nextScale;
        b.nextSource = x.source;
      }
      return b;
    };
    const total = (b) => b.popularity + b.freshness + b.context + b.sliders + b.interest + b.related + b.next + b.frequencyCap;

    const scored = [];
    for (let i = 0; i < items.length; i++) {
      if (out.has(i) || items[i].categories.some((c) => blocked[c])) continue;
      scored.push({ i, score: total(breakdown(i)) });
    }
    scored.sort((a, b) => b.score - a.score || a.i - b.i);

    const personal = Object.keys(prefs.categories).length > 0 || events.length > 0;
    const variety = personal ? prefs.variety * p : 0;
    let head = scored;
    if (variety > 0) {
      head = scored.slice(0, Math.max(Math.min(limit, 100) * 3, limit));
      diversify(items, head, Math.min(limit, 100), variety);
    }
    return head.slice(0, limit).map(({ i, score }) => ({
      id: items[i].id,
      score,
      reasons: reasons(this, breakdown(i), i, contextItem, now),
    }));
  }
}

function diversify(items, ranked, head, variety) {
  const penalty = ranked.map(() => 0);
  for (let k = 0; k < Math.min(head, ranked.length); k++) {
    let best = k;
    let bestValue = -Infinity;
    for (let j = k; j < ranked.length; j++) {
      const v = ranked[j].score - variety * W.variety * penalty[j];
      if (v > bestValue) {
        bestValue = v;
        best = j;
      }
    }
    ranked.splice(k, 0, ...ranked.splice(best, 1));
    penalty.splice(k, 0, ...penalty.splice(best, 1));
    const chosen = items[ranked[k].i].categories;
    for (let j = k + 1; j < ranked.length; j++) {
      const other = items[ranked[j].i].categories;
      if (!chosen.length || !other.length) continue;
      const shared = chosen.filter((c) => other.includes(c)).length;
      const overlap = shared / (chosen.length + other.length - shared);
      if (overlap > penalty[j]) penalty[j] = overlap;
    }
  }
}

function reasons(r, b, i, contextItem, now) {
  const { categories, items } = r.cat;
  const label = (c) => (c === undefined ? 'this category' : categories[c].label);
  const verb = (h) => {
    const events = r.profile.history.events;
    for (let k = events.length - 1; k >= 0; k--) {
      if (events[k].item === items[h].id && KIND_WEIGHT[events[k].kind] > 0) return PAST[events[k].kind];
    }
    return PAST.view;
  };
  const text = (kind) => {
    switch (kind) {
      case 'popular': return 'Popular on this site';
      case 'fresh': return now - items[i].publishedAt < 7 * DAY_MS ? 'New this week' : 'Recently published';
      case 'context': return contextItem === undefined ? 'Goes with the item on screen' : `People who viewed ${items[contextItem].title} also viewed this`;
      case 'sliders': return b.sliders >= 0 ? `You asked for more ${label(b.sliderCategory)}` : `You asked for less ${label(b.sliderCategory)}`;
      case 'interest': return b.interest >= 0 ? `You often choose ${label(b.interestCategory)}` : `You seem less interested in ${label(b.interestCategory)}`;
      case 'related': return `Because you ${verb(b.relatedSource)} ${items[b.relatedSource].title}: people who engaged with it often engage with this`;
      case 'next': return `Often chosen right after ${items[b.nextSource].title}`;
      case 'frequencyCap': return 'Shown often today, so moved down';
      default: return "In the site's own order";
    }
  };
  const parts = [['popular', b.popularity], ['fresh', b.freshness], ['context', b.context], ['sliders', b.sliders],
    ['interest', b.interest], ['related', b.related], ['next', b.next], ['frequencyCap', b.frequencyCap]];
  let chosen = parts.filter(([, w]) => Math.abs(w) >= 0.05).sort((x, y) => Math.abs(y[1]) - Math.abs(x[1])).slice(0, 4);
  if (!chosen.length) chosen = [['siteOrder', parts.reduce((sum, [, w]) => sum + w, 0)]];
  return chosen.map(([kind, weight]) => ({ kind, text: text(kind), weight }));
}

function defaults() {
  return { personalization: 1, categories: {}, blocked: [], sensitive: [], variety: 0.2, frequencyCap: 3, historyConsent: false, retentionDays: 90, shareStatistics: false };
}

/** The profile an `importData` document holds, as the plain ranker stores it. */
export function plainProfile(exportDoc) {
  const prefs = { ...defaults(), ...exportDoc.data.preferences };
  prefs.categories = { ...(exportDoc.data.preferences.categories ?? {}) };
  return { preferences: prefs, history: { events: exportDoc.data.history.events.map((e) => ({ ...e })) } };
}
