"""Runs builder/sql/*.sql unchanged on Spark and compares with the builder.

For each case the builder is run with --dump-normalized, which writes the
validated events and items tables, the params table and the builder's own results
(popularity, related, next) as Parquet. Spark then reads the same events, items and
params, runs the same SQL files in file-name order through
builder/spark/aggregates_job.py (1x: counts, then the released_* views, which
without noise are the counts unchanged, then 2x: what is published), and every result row must be identical: same ids, same
ranks, bit-identical weights. The catalogue JSON is checked against Spark's
results too (weights there are rounded to 6 decimals).

Started by scripts/spark_equivalence.sh, which installs pyspark.
"""

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

KINDS = ["view", "click", "purchase", "like", "dislike", "dismiss"]


def generated_input(out: Path, seed: int = 20240301) -> tuple[Path, Path]:
    """A small log with every feature the SQL handles: skewed popularity,
    repeated items, equal timestamps, negative kinds, RFC 3339 and ms times."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    items = [f"item-{i:03d}" for i in range(80)]
    genres = ["drama", "comedy", "sci-fi", "news", "health"]
    with open(out / "items.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "title", "categories", "published_at", "repeatable"])
        for i, it in enumerate(items):
            cats = "|".join(sorted(rng.sample(genres, rng.randint(1, 2))))
            w.writerow([it, f"Title, number {i}", cats, 1_600_000_000_000 + i * 86_400_000, "" if i % 3 else "true"])
    with open(out / "events.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["user", "item", "timestamp", "kind"])
        for u in range(400):
            t = 1_700_000_000_000 + rng.randint(0, 10**9)
            for _ in range(rng.randint(2, 60)):
                item = items[min(int(rng.paretovariate(1.2)) - 1, len(items) - 1) if rng.random() < 0.7 else rng.randrange(len(items))]
                t += rng.choice([0, 0, 1000, 60_000, 3_600_000])  # equal timestamps on purpose
                kind = rng.choices(KINDS, weights=[50, 20, 5, 10, 3, 3])[0]
                ts = str(t) if rng.random() < 0.8 else time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t // 1000)) + f".{t % 1000:03d}Z"
                w.writerow([f"u{u}", item, ts, kind])
    return out / "events.csv", out / "items.csv"


def movielens_input(src: Path, out: Path) -> tuple[Path, Path]:
    """MovieLens-100K (RecBole's atomic files) as builder input: ratings 1-2
    become dislikes, 3-5 likes; seconds become ms; genres become categories;
    the release year becomes publishedAt (none before 1970)."""
    out.mkdir(parents=True, exist_ok=True)
    with open(src / "ml-100k.item", newline="", encoding="latin-1") as f, open(out / "items.csv", "w", newline="") as g:
        r = csv.reader(f, delimiter="\t")
        next(r)
        w = csv.writer(g)
        w.writerow(["id", "title", "categories", "published_at"])
        for row in r:
            item_id, title, year, genres = (row + ["", "", "", ""])[:4]
            # the catalogue's publishedAt is ms since 1970: older films get none
            published = f"{year}-01-01T00:00:00Z" if year.strip().isdigit() and int(year) >= 1970 else ""
            w.writerow([item_id, title, "|".join(genres.split()), published])
    with open(src / "ml-100k.inter", newline="") as f, open(out / "events.csv", "w", newline="") as g:
        r = csv.reader(f, delimiter="\t")
        next(r)
        w = csv.writer(g)
        w.writerow(["user", "item", "timestamp", "kind"])
        for user, item, rating, ts in r:
            w.writerow([user, item, int(float(ts)) * 1000, "dislike" if float(rating) <= 2 else "like"])
    return out / "events.csv", out / "items.csv"


def run_builder(root: Path, events: Path, items: Path, work: Path, params: list[str]) -> float:
    cmd = ["cargo", "run", "--quiet", "-p", "ondevice-builder", "--", "build",
           "--events", str(events), "--items", str(items), "--out", str(work / "catalogue.json"),
           "--dump-normalized", str(work / "dump"), *params]
    start = time.monotonic()
    done = subprocess.run(cmd, cwd=root, stderr=subprocess.PIPE, text=True)
    seconds = time.monotonic() - start
    if done.returncode != 0:
        sys.exit(f"builder failed:\n{done.stderr}")
    return seconds


def run_spark(spark, root: Path, dump: Path) -> dict:
    """The builder's SQL on Spark, through the same job spark-submit runs."""
    sys.path.insert(0, str(root / "builder" / "spark"))
    import aggregates_job

    spark.catalog.clearCache()
    for t in spark.catalog.listTables():
        spark.catalog.dropTempView(t.name)
    for table in ["events", "items", "params"]:
        spark.read.parquet(str(dump / f"{table}.parquet")).createOrReplaceTempView(table)
    return {name: rows(df) for name, df in aggregates_job.run(spark, root / "builder" / "sql").items()}


def rows(df) -> set:
    return {tuple(r) for r in df.collect()}


def compare_catalogue(catalogue: dict, spark: dict, ids: dict) -> list[str]:
    """The published JSON against Spark's results (weights rounded there)."""
    problems = []
    popularity = {ids[item]: n for item, n in spark["popularity"]}
    for field in ["related", "next"]:
        lists: dict = {}
        for item, other, weight, rank in spark[field]:
            lists.setdefault(ids[item], []).append((rank, ids[other], weight))
        for it in catalogue["items"]:
            want = sorted(lists.get(it["id"], []))
            got = it.get(field, [])
            if sorted(n["id"] for n in got) != sorted(o for _, o, _ in want):
                problems.append(f"catalogue {field} of {it['id']}: {got} vs spark {want}")
                continue
            weights = {o: w for _, o, w in want}
            # 6 decimals: off by at most half a unit (exact halves like
            # 3/128 = 0.0234375 round away from zero), plus float error
            if any(abs(n["weight"] - weights[n["id"]]) > 5e-7 + 1e-12 for n in got):
                problems.append(f"catalogue {field} weights of {it['id']} differ from spark")
    for it in catalogue["items"]:
        if it["popularity"] != popularity.get(it["id"], 0):
            problems.append(f"catalogue popularity of {it['id']}: {it['popularity']} vs spark {popularity.get(it['id'], 0)}")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    ap.add_argument("--only", choices=["generated", "movielens"])
    args = ap.parse_args()
    root = args.root
    work = root / "target" / "spark-equivalence"

    cases = []
    if args.only in (None, "generated"):
        ev, it = generated_input(work / "generated-input")
        cases.append(("generated, k=3 cap=20 related=7 next=4", ev, it, ["--k", "3", "--max-events-per-user", "20", "--related", "7", "--next", "4"]))
        cases.append(("generated, defaults", ev, it, []))
    ml = root / "data" / "ml-100k"
    if args.only in (None, "movielens"):
        if (ml / "ml-100k.inter").exists():
            ev, it = movielens_input(ml, work / "ml-100k-input")
            cases.append(("MovieLens-100K, defaults", ev, it, []))
            cases.append(("MovieLens-100K, cap=50 related=100 next=100", ev, it, ["--max-events-per-user", "50", "--related", "100", "--next", "100"]))
        else:
            print(f"MovieLens-100K: skipped, {ml}/ml-100k.inter not found", file=sys.stderr)

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master("local[2]").appName("ondevice-spark-equivalence")
             .config("spark.driver.memory", "6g").config("spark.sql.shuffle.partitions", "8")
             .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    print(f"Spark {spark.version}, builder/sql: {', '.join(sorted(p.name for p in (root / 'builder' / 'sql').glob('*.sql')))}")

    passed = failed = 0
    for i, (name, events, items, params) in enumerate(cases):
        case_dir = work / f"case-{i}"
        case_dir.mkdir(parents=True, exist_ok=True)
        builder_s = run_builder(root, events, items, case_dir, params)
        start = time.monotonic()
        ours = {n: rows(spark.read.parquet(str(case_dir / "dump" / f"{n}.parquet"))) for n in ["popularity", "related", "next"]}
        theirs = run_spark(spark, root, case_dir / "dump")
        spark_s = time.monotonic() - start
        problems = []
        for table in ["popularity", "related", "next"]:
            only_ours, only_spark = ours[table] - theirs[table], theirs[table] - ours[table]
            if only_ours or only_spark:
                problems.append(f"{table}: {len(only_ours)} rows only in the builder (e.g. {sorted(only_ours)[:3]}), "
                                f"{len(only_spark)} only in Spark (e.g. {sorted(only_spark)[:3]})")
        catalogue = json.loads((case_dir / "catalogue.json").read_text())
        ids = dict(rows(spark.read.parquet(str(case_dir / "dump" / "items.parquet"))))
        problems += compare_catalogue(catalogue, theirs, ids)[:10]
        counts = ", ".join(f"{t} {len(theirs[t])} rows" for t in ["popularity", "related", "next"])
        verdict = "identical" if not problems else "DIFFERENT"
        print(f"{name}: {counts}: {verdict} (builder {builder_s:.1f}s incl. cargo run, Spark {spark_s:.1f}s)")
        for p in problems:
            print(f"  {p}")
        passed += not problems
        failed += bool(problems)
    spark.stop()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not cases else 0


if __name__ == "__main__":
    sys.exit(main())
