"""Beyond-accuracy figures of a set of top-k lists, the same for every system.

- coverage: distinct recommended items / catalogue items.
- popularity: mean, over all slots, of the share of training users who
  engaged with the recommended item (lower: less "more of the same hits").
- diversity: intra-list diversity, the mean over lists of the mean pairwise
  category distance, 1 - Jaccard(categories of a, categories of b).
- miscalibration: Steck (2018), "Calibrated recommendations": mean over
  users of KL(p || q~) in nats, where p is the category mix of the user's
  training history (each item spreads weight 1 over its categories), q that
  of the list, and q~ = (1 - a) q + a p with a = 0.01. Lower is better.
- seen: share of slots holding an item the user engaged with in training.
"""

from __future__ import annotations

import math
from collections import Counter

#: Steck's smoothing of the list's distribution.
ALPHA = 0.01


def _mix(items, categories: dict[str, tuple[str, ...]]) -> dict[str, float]:
    mix: Counter = Counter()
    for i in items:
        cats = categories.get(i, ())
        for c in cats:
            mix[c] += 1.0 / len(cats)
    total = sum(mix.values())
    return {c: w / total for c, w in mix.items()} if total > 0 else {}


def miscalibration(history: list[str], top: list[str], categories: dict[str, tuple[str, ...]]) -> float:
    p, q = _mix(history, categories), _mix(top, categories)
    return sum(pc * math.log(pc / ((1.0 - ALPHA) * q.get(c, 0.0) + ALPHA * pc)) for c, pc in p.items() if pc > 0)


def list_diversity(top: list[str], categories: dict[str, tuple[str, ...]]) -> float | None:
    if len(top) < 2:
        return None
    total, pairs = 0.0, 0
    for a in range(len(top)):
        ca = set(categories.get(top[a], ()))
        for b in range(a + 1, len(top)):
            cb = set(categories.get(top[b], ()))
            union = len(ca | cb)
            total += 1.0 - (len(ca & cb) / union if union else 1.0)
            pairs += 1
    return total / pairs


def summarize(
    tops: list[list[str]],
    histories: list[list[str]],
    categories: dict[str, tuple[str, ...]],
    n_items: int,
    popularity: dict[str, float],
) -> dict[str, float]:
    if len(tops) != len(histories):
        raise ValueError(f"tops: {len(tops)} lists for {len(histories)} histories")
    slots = [i for top in tops for i in top]
    if not slots:
        raise ValueError("tops: every list is empty")
    diversities = [d for d in (list_diversity(t, categories) for t in tops) if d is not None]
    seen = sum(len(set(t) & set(h)) for t, h in zip(tops, histories))
    return {
        "coverage": round(len(set(slots)) / n_items, 6),
        "popularity": round(sum(popularity.get(i, 0.0) for i in slots) / len(slots), 6),
        "diversity": round(sum(diversities) / len(diversities), 6) if diversities else 0.0,
        "miscalibration": round(sum(miscalibration(h, t, categories) for t, h in zip(tops, histories)) / len(tops), 6),
        "seen": round(seen / len(slots), 6),
    }
