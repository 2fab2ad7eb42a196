"""Seeded synthetic interaction logs of a realistic shape for the builder's
cost benchmark: 50,000 items with Zipf popularity (exponent 1, ranks shuffled
against the ids), users with heavy-tailed history lengths (log-normal,
median 10 events, mean about 20, at most 5,000), each user's events an
exponential hour apart from a start in a 180-day window, the log in time
order, kinds 60% view, 20% click, 8% purchase, 7% like, 3% dislike, 2%
dismiss.

Writes into DIR: items.csv (id,title,categories; 40 categories), events.parquet
(user, item, timestamp ms, kind: what the builder reads), and the builder's
normalized tables as it would register them (normalized/events.parquet:
user_no by first appearance, item_no by position, ts, kind, seq = row; and
normalized/items.parquet), so DuckDB runs the SQL on exactly the builder's
input.

    python gen.py --events 1000000 --out DIR [--seed 1]
"""

import argparse
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ITEMS = 50_000
CATEGORIES = 40
KINDS = ["view", "click", "purchase", "like", "dislike", "dismiss"]
KIND_P = [0.60, 0.20, 0.08, 0.07, 0.03, 0.02]
T0 = 1_700_000_000_000
DAY = 86_400_000


def generate(events: int, out: Path, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    ids = np.array([f"i{i:05d}" for i in range(ITEMS)])
    cats = rng.integers(0, CATEGORIES, size=(ITEMS, 2))
    two = rng.random(ITEMS) < 0.3
    with open(out / "items.csv", "w") as f:
        f.write("id,title,categories\n")
        for i in range(ITEMS):
            c = f"c{cats[i, 0]:02d}" + (f"|c{cats[i, 1]:02d}" if two[i] and cats[i, 1] != cats[i, 0] else "")
            f.write(f"{ids[i]},Item {i},{c}\n")
    # history lengths until the total reaches `events`
    lengths = []
    total = 0
    while total < events:
        n = np.clip(np.rint(rng.lognormal(np.log(10), 1.2, size=100_000)), 1, 5000).astype(np.int64)
        lengths.append(n)
        total += int(n.sum())
    lengths = np.concatenate(lengths)
    cut = int(np.searchsorted(np.cumsum(lengths), events))
    lengths = lengths[: cut + 1]
    lengths[-1] -= int(lengths.sum()) - events
    users = len(lengths)
    user = np.repeat(np.arange(users, dtype=np.int64), lengths)
    # Zipf(1) over item ranks, ranks shuffled against the ids
    p = 1.0 / np.arange(1, ITEMS + 1)
    p /= p.sum()
    rank_to_item = rng.permutation(ITEMS)
    item = rank_to_item[rng.choice(ITEMS, size=events, p=p)]
    start = T0 + rng.integers(0, 180 * DAY, size=users)
    gaps = rng.exponential(3_600_000, size=events).astype(np.int64)
    first = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    cum = np.cumsum(gaps)
    ts = start[user] + cum - (cum[first] - gaps[first])[user]
    kind = rng.choice(len(KINDS), size=events, p=KIND_P)
    order = np.argsort(ts, kind="stable")  # the log in time order
    user, item, ts, kind = user[order], item[order], ts[order], kind[order]
    names = np.array([f"u{u}" for u in range(users)])
    kinds = pa.DictionaryArray.from_arrays(pa.array(kind.astype(np.int32)), pa.array(KINDS)).cast(pa.string())
    pq.write_table(pa.table({"user": names[user], "item": ids[item], "timestamp": ts, "kind": kinds}),
                   out / "events.parquet", row_group_size=1 << 20)
    # the builder's normalization: users numbered by first appearance
    _, first_seen = np.unique(user, return_index=True)
    number = np.empty(users, dtype=np.int64)
    number[np.argsort(first_seen, kind="stable")] = np.arange(users)
    (out / "normalized").mkdir(exist_ok=True)
    pq.write_table(pa.table({"user_no": number[user], "item_no": item.astype(np.int64), "ts": ts, "kind": kinds,
                             "seq": np.arange(events, dtype=np.int64)}),
                   out / "normalized" / "events.parquet", row_group_size=1 << 20)
    pq.write_table(pa.table({"item_no": np.arange(ITEMS, dtype=np.int64), "item_id": ids}),
                   out / "normalized" / "items.parquet")
    shape = {"events": events, "users": users, "items": ITEMS, "seed": seed,
             "history": {"median": float(np.median(lengths)), "mean": float(lengths.mean()),
                         "p99": float(np.percentile(lengths, 99)), "max": int(lengths.max())}}
    (out / "shape.json").write_text(json.dumps(shape, indent=2) + "\n")
    return shape


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    print(json.dumps(generate(args.events, args.out, args.seed)))


if __name__ == "__main__":
    main()
