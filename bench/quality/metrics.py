"""HR@k and NDCG@k over each user's relevant items, and bootstrap intervals.

A user's targets are a set: one held-out item on MovieLens, the new products
bought after the cut on the retail data. HR@k is 1 when any target is in the
top k; NDCG@k is DCG over the hits divided by the DCG of min(|targets|, k)
hits at the top. With one target both reduce to the usual leave-one-out form.

Intervals are percentile bootstraps over users: resample the users with
replacement, recompute the mean, take the 2.5th and 97.5th percentiles. The
paired version applies the same resamples to the per-user difference of two
models, so that the interval is on the difference itself, not on two
overlapping marginal intervals.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

#: Cut-off of the top-k list.
K = 10
#: Bootstrap resamples; the protocol asks for at least 1000.
RESAMPLES = 2000
#: Fixed seed so that every run draws the same resamples.
SEED = 20240521
#: Two-sided confidence level.
CONFIDENCE = 0.95


def hit_positions(top: list[list[str]], targets: list, k: int = K) -> list[list[int]]:
    """0-based positions of each user's targets in their list (empty: no hit).

    A target is one item id or a set of them.
    """
    if len(top) != len(targets):
        raise ValueError(f"top: {len(top)} lists for {len(targets)} targets")
    out = []
    for u, (items, target) in enumerate(zip(top, targets)):
        if len(items) > k:
            raise ValueError(f"top[{u}]: {len(items)} items; at most {k} allowed")
        if len(set(items)) != len(items):
            raise ValueError(f"top[{u}]: duplicate items in {items}")
        wanted = {target} if isinstance(target, str) else set(target)
        if not wanted:
            raise ValueError(f"targets[{u}]: no target items")
        out.append([pos for pos, item in enumerate(items) if item in wanted])
    return out


def per_user(positions: list[list[int]], targets: list | None = None, k: int = K) -> dict[str, np.ndarray]:
    """Per-user HR@k and NDCG@k from hit positions (and target counts)."""
    if targets is None:
        counts = [1] * len(positions)
    else:
        counts = [1 if isinstance(t, str) else len(t) for t in targets]
    discount = 1.0 / np.log2(np.arange(k) + 2.0)
    hr = np.array([1.0 if p else 0.0 for p in positions])
    ndcg = np.array([discount[p].sum() / discount[: min(n, k)].sum() for p, n in zip(positions, counts)])
    return {"hr": hr, "ndcg": ndcg}


@dataclass(frozen=True)
class Estimate:
    mean: float
    lo: float
    hi: float

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 6) for k, v in asdict(self).items()}

    def __str__(self) -> str:
        return f"{self.mean:.4f} [{self.lo:.4f}, {self.hi:.4f}]"


def resample_indices(n_users: int, resamples: int = RESAMPLES, seed: int = SEED) -> np.ndarray:
    """The bootstrap draws, shared by every model so that runs are paired."""
    if n_users <= 0:
        raise ValueError(f"n_users: {n_users}; need at least one user")
    rng = np.random.default_rng(seed)
    return rng.integers(0, n_users, size=(resamples, n_users))


def bootstrap(values: np.ndarray, draws: np.ndarray) -> Estimate:
    """Mean of `values` with a percentile bootstrap interval over `draws`."""
    if draws.shape[1] != len(values):
        raise ValueError(f"draws: resamples of {draws.shape[1]} users for {len(values)} values")
    means = values[draws].mean(axis=1)
    tail = (1.0 - CONFIDENCE) / 2.0 * 100.0
    lo, hi = np.percentile(means, [tail, 100.0 - tail])
    return Estimate(float(values.mean()), float(lo), float(hi))


def paired_difference(a: np.ndarray, b: np.ndarray, draws: np.ndarray) -> Estimate:
    """Mean of a - b over users with a paired bootstrap interval."""
    if a.shape != b.shape:
        raise ValueError(f"paired: shapes {a.shape} and {b.shape} differ")
    return bootstrap(a - b, draws)


def summarize(top: list[list[str]], targets: list, draws: np.ndarray, k: int = K) -> dict:
    """HR@k and NDCG@k with intervals, plus the per-user values for pairing."""
    values = per_user(hit_positions(top, targets, k), targets, k)
    return {
        "per_user": values,
        "hr": bootstrap(values["hr"], draws),
        "ndcg": bootstrap(values["ndcg"], draws),
    }
