"""What the retail benchmark's gap to EASE is made of (issue 15): EASE, the
strongest baseline, re-scored step by step with only what ondevice may use.

ondevice ranks on the device from (a) aggregates the builder may publish:
pair counts shared by at least k = 5 users, from each user's 200 latest
distinct items (`--max-pair-items`), at most 20 `related` neighbours per item
with weights >= 0; and (b) the history the device holds: the default 90-day
retention. EASE in the benchmark sees raw counts and the whole training year.
This script scores, on the same users and targets as `run.py --dataset
retail`, with every training purchase excluded from the lists as the
baselines do:

  EASE                         raw Gram, whole year (the baseline itself)
  EASE, 90 days                raw Gram, the device's 90 days of history
  EASE, publishable counts     k-thresholded, pair-bounded Gram, whole year
  EASE, publishable, 90 days   both limits
  EASE, publishable, 90 days, top 20 >= 0    ... as a catalogue's lists carry it
  cosine top 20, 90 days       today's `related` lists summed (no other term)
  cosine top 20, 90 days, 90-day exclusion    ... excluding only what the
                               device knows was bought (the rest can be shown)
  iALS item factors, fold-in from 90 days     (factors learned on raw data:
                               not k-anonymous; measured for reference)

with NDCG@20, its bootstrap interval, and the paired difference against EASE.

    bash bench/quality/run.sh --dataset retail --validation   # writes data/quality/retail/validation
    bench/quality/.venv/bin/python bench/quality/ceiling.py --split validation
    bench/quality/.venv/bin/python bench/quality/ceiling.py --split test

Writes bench/quality/results.retail.ceiling[.validation].json.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

import metrics

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
K = 20
#: The builder's defaults (builder/README.md).
MIN_USERS = 5
MAX_PAIR_ITEMS = 200
MAX_EVENTS_PER_USER = 1000
RELATED = 20
#: The device's default retention.
RETENTION_DAYS = 90
DAY_MS = 86_400_000
#: EASE's and iALS's parameters as tuned on the validation split (results.retail.json).
EASE_LAMBDA = 1000.0
IALS = {"factors": 128, "regularization": 100.0, "alpha": 5.0, "iterations": 15}


def load(work: Path):
    items = [it["id"] for it in json.loads((work / "catalogue.json").read_text(encoding="utf-8"))["items"]]
    index = {x: i for i, x in enumerate(items)}
    history: dict[str, list[tuple[int, int]]] = {}
    with open(work / "events.csv", encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows)
        for user, item, at, _kind in rows:
            if item in index:
                history.setdefault(user, []).append((int(at), index[item]))
    for events in history.values():
        events.sort(key=lambda e: e[0])  # stable: file order breaks ties, as the builder's
    targets: dict[str, set[int]] = {}
    with open(work / "targets.csv", encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows)
        for user, item in rows:
            if item in index and user in history:
                targets.setdefault(user, set()).add(index[item])
    return items, history, targets


def matrices(n: int, history: dict, users: list[str]):
    """The raw user x item matrix, and the Gram matrix the builder's counts allow."""
    raw_r, raw_c, pair_r, pair_c = [], [], [], []
    for u, user in enumerate(users):
        events = history[user][-MAX_EVENTS_PER_USER:]
        latest: dict[int, int] = {}
        for order, (_, item) in enumerate(events):
            latest[item] = order
        for item in latest:
            raw_r.append(u)
            raw_c.append(item)
        for item in sorted(latest, key=lambda i: -latest[i])[:MAX_PAIR_ITEMS]:
            pair_r.append(u)
            pair_c.append(item)
    shape = (len(users), n)
    x_raw = sp.csr_matrix((np.ones(len(raw_r)), (raw_r, raw_c)), shape=shape)
    x_pairs = sp.csr_matrix((np.ones(len(pair_r)), (pair_r, pair_c)), shape=shape)
    gram = (x_pairs.T @ x_pairs).toarray()
    gram[gram < MIN_USERS] = 0.0
    item_users = np.asarray(x_raw.sum(axis=0)).ravel()
    np.fill_diagonal(gram, item_users)
    # The full history's matrix (every event, not only the capped ones) is the baselines'.
    full_r = [u for u, user in enumerate(users) for _ in history[user]]
    full_c = [item for user in users for _, item in history[user]]
    x_full = sp.csr_matrix((np.ones(len(full_r)), (full_r, full_c)), shape=shape)
    x_full.data[:] = 1.0
    return x_full, gram


def ease(gram: np.ndarray, lam: float) -> np.ndarray:
    a = gram.astype(np.float64, copy=True)
    a[np.diag_indices_from(a)] += lam
    p = np.linalg.inv(a)
    b = -p / np.diag(p)
    np.fill_diagonal(b, 0.0)
    return b


def top_neighbours(w: np.ndarray, k: int) -> np.ndarray:
    """Each row's k largest weights, negatives dropped: what a catalogue's lists carry."""
    keep = np.argpartition(-w, k, axis=1)[:, :k]
    rows = np.arange(w.shape[0])[:, None]
    out = np.zeros_like(w)
    out[rows, keep] = np.maximum(w[rows, keep], 0.0)
    return out


def ials_items(x: sp.csr_matrix) -> np.ndarray:
    from implicit.als import AlternatingLeastSquares

    model = AlternatingLeastSquares(factors=IALS["factors"], regularization=IALS["regularization"],
                                    alpha=IALS["alpha"], iterations=IALS["iterations"], random_state=42,
                                    use_gpu=False, num_threads=1, calculate_training_loss=False)
    model.fit(x, show_progress=False)
    return np.asarray(model.item_factors, dtype=np.float64)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=["validation", "test"], default="validation")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    work = REPO_ROOT / "data" / "quality" / "retail" / args.split
    if not (work / "catalogue.json").exists():
        raise SystemExit(f"{work}: no catalogue.json; run bash bench/quality/run.sh --dataset retail"
                         + (" --validation" if args.split == "validation" else ""))
    started = time.time()
    items, history, targets = load(work)
    users = sorted(history)
    scored = sorted(targets)
    row = {u: i for i, u in enumerate(users)}
    n = len(items)
    print(f"{args.split}: {n} items, {len(users)} households, {len(scored)} scored", flush=True)
    x_full, gram = matrices(n, history, users)
    raw_gram = (x_full.T @ x_full).toarray()

    # Each scored household: the whole year's items, the device's window, its recent items.
    whole, window, recent = [], [], []
    for user in scored:
        events = history[user]
        since = events[-1][0] - RETENTION_DAYS * DAY_MS
        whole.append(sorted({i for _, i in events}))
        window.append(sorted({i for at, i in events if at >= since}))
        order: list[int] = []
        for at, i in reversed(events):
            if at < since:
                break
            if i not in order:
                order.append(i)
        recent.append(order)

    def lists(score_rows, exclude) -> list[list[str]]:
        out = []
        for scores, seen in zip(score_rows, exclude):
            s = np.array(scores, dtype=np.float64, copy=True)
            s[seen] = -np.inf
            best = np.argsort(-s, kind="stable")[:K]
            out.append([items[j] for j in best if np.isfinite(s[j])])
        return out

    def by_item_sum(b: np.ndarray, held: list[list[int]]):
        return (b[h].sum(axis=0) if h else np.zeros(n) for h in held)

    draws = metrics.resample_indices(len(scored))
    wanted = [{items[i] for i in targets[u]} for u in scored]
    results: dict[str, dict] = {}
    reference = None

    def record(name: str, top: list[list[str]]) -> None:
        nonlocal reference
        s = metrics.summarize(top, wanted, draws, K)
        entry = {"ndcg": s["ndcg"].as_dict(), "hr": s["hr"].as_dict()}
        if reference is None:
            reference = s["per_user"]["ndcg"]
        else:
            entry["minus_ease"] = metrics.paired_difference(s["per_user"]["ndcg"], reference, draws).as_dict()
        results[name] = entry
        extra = f"  vs EASE {metrics.Estimate(**entry['minus_ease'])}" if "minus_ease" in entry else ""
        print(f"{name:55s} NDCG@{K} {s['ndcg']}{extra}", flush=True)

    b_raw = ease(raw_gram, EASE_LAMBDA)
    record("EASE", lists(by_item_sum(b_raw, whole), whole))
    record("EASE, 90 days", lists(by_item_sum(b_raw, window), whole))
    del b_raw
    b_pub = ease(gram, EASE_LAMBDA)
    record("EASE, publishable counts", lists(by_item_sum(b_pub, whole), whole))
    record("EASE, publishable counts, 90 days", lists(by_item_sum(b_pub, window), whole))
    record(f"EASE, publishable counts, 90 days, top {RELATED} >= 0",
           lists(by_item_sum(top_neighbours(b_pub, RELATED), window), whole))
    del b_pub
    diag = np.diag(gram).copy()
    cosine = gram / np.sqrt(np.maximum(np.outer(diag, diag), 1e-12))
    np.fill_diagonal(cosine, 0.0)
    cos_top = top_neighbours(cosine, RELATED)
    record(f"cosine top {RELATED}, 90 days", lists(by_item_sum(cos_top, recent), whole))
    record(f"cosine top {RELATED}, 90 days, 90-day exclusion", lists(by_item_sum(cos_top, recent), window))
    del cosine, cos_top

    y = ials_items(x_full.tocsr())
    yty = y.T @ y
    reg = IALS["regularization"] * np.eye(y.shape[1])

    def fold_in(held: list[int]) -> np.ndarray:
        if not held:
            return np.zeros(n)
        ys = y[held]
        u = np.linalg.solve(yty + IALS["alpha"] * ys.T @ ys + reg, (1.0 + IALS["alpha"]) * ys.sum(axis=0))
        return y @ u

    record("iALS item factors, fold-in from 90 days", lists((fold_in(h) for h in window), whole))
    record("iALS item factors, fold-in from the whole year", lists((fold_in(h) for h in whole), whole))

    out = args.out or HERE / f"results.retail.ceiling{'.validation' if args.split == 'validation' else ''}.json"
    out.write_text(json.dumps({
        "split": args.split, "items": n, "households_scored": len(scored), "k": K,
        "builder": {"k": MIN_USERS, "max_pair_items": MAX_PAIR_ITEMS, "max_events_per_user": MAX_EVENTS_PER_USER,
                    "related": RELATED},
        "retention_days": RETENTION_DAYS, "ease_lambda": EASE_LAMBDA, "ials": IALS,
        "bootstrap": {"resamples": metrics.RESAMPLES, "seed": metrics.SEED},
        "results": results, "seconds": round(time.time() - started, 1),
    }, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(REPO_ROOT)} ({time.time() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
