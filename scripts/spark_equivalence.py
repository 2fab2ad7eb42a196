"""The builder and the Spark job, end to end, on the same raw input.

For each case the builder runs `build` on the raw log (with
--dump-normalized, which also writes its published tables as Parquet), the
Spark job (builder/spark/aggregates_job.py, in local mode, the code that
spark-submit runs) reads the same raw files and writes its published tables,
and `ondevice-builder assemble` turns those into a catalogue. Required: every
row of popularity, related and next identical (same ids, same ranks,
bit-identical weights) and the two catalogues byte-identical. Also checked:
bad rows (the job refuses them with the builder's words, counts by field and
examples with line numbers; with --skip-bad-rows it equals the builder on the
log without them), the option checks, and with --epsilon the noise's mean and
variance per table over many seeds against the exact Laplace-then-round
distribution.

Started by scripts/spark_equivalence.sh, which installs pyspark.
"""

import argparse
import csv
import json
import math
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

KINDS = ["view", "click", "purchase", "like", "dislike", "dismiss"]


#: Timestamp shapes both readers take, written for one ms value `t`.
def timestamp_text(rng: random.Random, t: int) -> str:
    s, ms = t // 1000, t % 1000
    base = time.strftime("%Y-%m-%d{}%H:%M:%S", time.gmtime(s))
    shape = rng.randrange(8)
    if shape == 0:
        return base.format("T") + f".{ms:03d}Z"
    if shape == 1:
        return base.format("t") + f".{ms:03d}{rng.randrange(1000):03d}789z"  # ns digits: the ms floor
    if shape == 2:
        return base.format(" ") + f".{ms:03d}Z"
    if shape == 3:  # an offset: the same instant an hour ahead
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s + 3600)) + f".{ms:03d}+01:00"
    if shape == 4:
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s - 5400)) + f".{ms:03d}-01:30"
    if shape == 5:
        return f"+{t}"
    if shape == 6 and ms == 0:
        return base.format("T") + "Z"
    return str(t)


def generated_input(out: Path, seed: int = 20240301) -> tuple[Path, Path]:
    """A small log with every feature the SQL handles: skewed popularity,
    repeated items, equal timestamps, negative kinds, empty kinds, ms and
    RFC 3339 times in every shape the builder reads (separators, fractions
    beyond ms, offsets, a leap second)."""
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
                kind = rng.choices(KINDS + [""], weights=[50, 20, 5, 10, 3, 3, 4])[0]
                ts = str(t) if rng.random() < 0.6 else timestamp_text(rng, t)
                w.writerow([f"u{u}", item, ts, kind])
        # 2016-12-31T23:59:60Z, a leap second, is 2017-01-01T00:00:00Z to both
        w.writerow(["u0", items[0], "2016-12-31T23:59:60Z", "view"])
        w.writerow(["u0", items[1], "1483228800000", "view"])
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


def builder(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(root / "target" / "debug" / "ondevice-builder"), *args], cwd=root,
                          stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def run_builder(root: Path, events: Path, items: Path, work: Path, params: list[str]) -> float:
    start = time.monotonic()
    done = builder(root, "build", "--events", str(events), "--items", str(items), "--out", str(work / "catalogue.json"),
                   "--dump-normalized", str(work / "dump"), "--quiet", *params)
    if done.returncode != 0:
        sys.exit(f"builder failed:\n{done.stderr}")
    return time.monotonic() - start


def job_args(events: Path, items: Path, out: Path, params: list[str]):
    import aggregates_job
    return aggregates_job.parser().parse_args(["--events", str(events), "--items", str(items), "--out", str(out), *params])


def run_job(spark, events: Path, items: Path, out: Path, params: list[str], log=lambda line: None) -> dict:
    """The Spark job on the raw files, as spark-submit runs it (same
    function), in this session."""
    import aggregates_job

    reset(spark)
    args = job_args(events, items, out, params)
    aggregates_job.check(args)
    return aggregates_job.build(spark, args, log)


def reset(spark) -> None:
    spark.catalog.clearCache()
    for t in spark.catalog.listTables():
        spark.catalog.dropTempView(t.name)


def rows(df) -> set:
    return {tuple(r) for r in df.collect()}


def builder_tables(spark, dump: Path) -> dict:
    """The builder's published tables with item numbers turned into ids."""
    ids = dict(rows(spark.read.parquet(str(dump / "items.parquet"))))
    out = {"popularity": {(ids[i], n) for i, n in rows(spark.read.parquet(str(dump / "popularity.parquet")))}}
    for name in ("related", "next"):
        out[name] = {(ids[i], ids[j], w, r) for i, j, w, r in rows(spark.read.parquet(str(dump / f"{name}.parquet")))}
    return out


def job_tables(spark, out: Path) -> dict:
    return {name: rows(spark.read.parquet(str(out / name))) for name in ("popularity", "related", "next")}


def differences(ours: dict, theirs: dict) -> list[str]:
    problems = []
    for table in ("popularity", "related", "next"):
        only_ours, only_spark = ours[table] - theirs[table], theirs[table] - ours[table]
        if only_ours or only_spark:
            problems.append(f"{table}: {len(only_ours)} rows only in the builder (e.g. {sorted(only_ours)[:3]}), "
                            f"{len(only_spark)} only in Spark (e.g. {sorted(only_spark)[:3]})")
    return problems


def assemble(root: Path, aggregates: Path, items: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return builder(root, "assemble", "--aggregates", str(aggregates), "--items", str(items), "--out", str(out),
                   "--quiet", *extra)


def equal_case(spark, root: Path, work: Path, name: str, events: Path, items: Path, params: list[str]) -> list[str]:
    """Builder vs job + assemble on the same raw input: tables and catalogue."""
    work.mkdir(parents=True, exist_ok=True)
    run_builder(root, events, items, work, params)
    manifest = run_job(spark, events, items, work / "aggregates", params)
    problems = differences(builder_tables(spark, work / "dump"), job_tables(spark, work / "aggregates"))
    for form in ("catalogue.json", "catalogue.odc"):
        if form.endswith(".odc"):
            built = builder(root, "build", "--events", str(events), "--items", str(items), "--out", str(work / form),
                            "--quiet", *params)
            if built.returncode != 0:
                problems.append(f"builder (compact) failed: {built.stderr.strip()}")
                continue
        done = assemble(root, work / "aggregates", items, work / f"spark-{form}")
        if done.returncode != 0:
            problems.append(f"assemble failed: {done.stderr.strip()}")
        elif (work / form).read_bytes() != (work / f"spark-{form}").read_bytes():
            problems.append(f"{form}: the builder's and assemble's catalogues differ")
    counts = ", ".join(f"{t} {n} rows" for t, n in manifest["published"].items())
    print(f"{name}: {counts}: {'identical' if not problems else 'DIFFERENT'}")
    return problems


BAD_ROWS = [
    # (user, item, timestamp, kind), the field the builder names
    ("", "item-001", "1700000000000", "view", "user"),
    ("u1", "", "1700000000000", "view", "item"),
    ("u1", "no-such-item", "1700000000000", "view", "item"),
    ("u1", "item-001", "yesterday", "view", "timestamp"),
    ("u1", "item-001", "2023-11-14T22:13Z", "view", "timestamp"),
    ("u1", "item-001", "-5", "view", "timestamp"),
    ("u1", "item-001", "1700000000000", "share", "kind"),
    ("u1", "item-001", "1700000000000", "View", "kind"),
]


def bad_rows_case(spark, root: Path, work: Path, events: Path, items: Path) -> list[str]:
    """A log with bad rows spread through it: the job fails naming each
    example's line and the counts by field, leaves nothing behind, and with
    --skip-bad-rows equals the builder on the log without them."""
    import aggregates_job

    work.mkdir(parents=True, exist_ok=True)
    lines = events.read_text().splitlines()
    header, body = lines[0], lines[1:]
    dirty, clean, bad_lines = [header], [header], []
    every = len(body) // (len(BAD_ROWS) + 1)
    for i, row in enumerate(body):
        dirty.append(row)
        clean.append(row)
        if i % every == every - 1 and len(bad_lines) < len(BAD_ROWS):
            bad = BAD_ROWS[len(bad_lines)]
            dirty.append(",".join(bad[:4]))
            bad_lines.append((len(dirty), bad[4]))  # 1-based line number, header is line 1
    (work / "dirty.csv").write_text("\n".join(dirty) + "\n")
    (work / "clean.csv").write_text("\n".join(clean) + "\n")
    problems = []
    # The builder names the first bad line; the job names it the same way.
    first = builder(root, "build", "--events", str(work / "dirty.csv"), "--items", str(items),
                    "--out", str(work / "refused.json"), "--quiet")
    said: list[str] = []
    out = work / "aggregates"
    shutil.rmtree(out, ignore_errors=True)
    try:
        run_job(spark, work / "dirty.csv", items, out, [],
                lambda line: said.append(line) if "dirty.csv" in line or line.startswith("bad ") else None)
        problems.append("the job accepted a log with bad rows")
    except aggregates_job.JobError as e:
        if f"{len(BAD_ROWS)} bad rows of {len(dirty) - 1}" not in str(e):
            problems.append(f"the job's error does not count the bad rows: {e}")
    if out.exists() or any(p.name.startswith("aggregates.tmp-") for p in work.iterdir()):
        problems.append("a refused run left output behind")
    builder_line = first.stderr.strip().splitlines()[-1] if first.stderr.strip() else ""
    job_first = said[0] if said else ""
    # builder: "error: FILE:LINE: message"; job: "FILE: line LINE: message"
    want_line, want_field = bad_lines[0]
    if f":{want_line}: " not in builder_line or f"line {want_line}: " not in job_first:
        problems.append(f"first bad line {want_line}: builder said {builder_line!r}, job said {job_first!r}")
    elif builder_line.split(f":{want_line}: ", 1)[1].split(" (")[0] != job_first.split(f"line {want_line}: ", 1)[1].split(" (")[0]:
        problems.append(f"different words for line {want_line}: builder {builder_line!r}, job {job_first!r}")
    examples = [t for t in said if not t.startswith("bad ")]
    if len(examples) != 5:
        problems.append(f"{len(examples)} examples, not 5: {examples}")
    for (line, _), text in zip(bad_lines, examples):
        if f"line {line}: " not in text:
            problems.append(f"example {text!r} should name line {line}")
    by_field: dict[str, int] = {}
    for _, field in bad_lines:
        by_field[field] = by_field.get(field, 0) + 1
    want = "bad lines by field: " + ", ".join(f"{f} {n}" for f, n in sorted(by_field.items()))
    if want not in said:
        problems.append(f"expected {want!r} in the report, got {said[-1:]!r}")
    # --skip-bad-rows: the same as the builder on the clean log
    run_builder(root, work / "clean.csv", items, work, [])
    manifest = run_job(spark, work / "dirty.csv", items, out, ["--skip-bad-rows"])
    if manifest["rows"]["bad_rows_skipped"] != len(BAD_ROWS):
        problems.append(f"--skip-bad-rows skipped {manifest['rows']['bad_rows_skipped']}, not {len(BAD_ROWS)}")
    problems += differences(builder_tables(spark, work / "dump"), job_tables(spark, out))
    done = assemble(root, out, items, work / "spark-catalogue.json")
    if done.returncode != 0 or (work / "catalogue.json").read_bytes() != (work / "spark-catalogue.json").read_bytes():
        problems.append(f"--skip-bad-rows: the catalogue differs from the builder's on the clean log {done.stderr.strip()}")
    print(f"bad rows: {len(BAD_ROWS)} in {len(dirty) - 1} rows: {'as the builder' if not problems else 'DIFFERENT'}")
    return problems


def options_case() -> list[str]:
    """The job refuses what the builder refuses, naming the option."""
    import aggregates_job

    problems = []
    for argv, words in [(["--k", "0"], "--k: 0 is not allowed"),
                        (["--max-pair-items", "1"], "--max-pair-items: 1 is not allowed"),
                        (["--related", "101"], "--related: 101 is more than the core accepts"),
                        (["--epsilon", "0"], "--epsilon: 0.0 is not allowed"),
                        (["--seed", "3"], "--seed: seeds the noise, so it needs --epsilon")]:
        args = aggregates_job.parser().parse_args(["--events", "e.csv", "--items", "i.csv", "--out", "o", *argv])
        try:
            aggregates_job.check(args)
            problems.append(f"{argv} accepted")
        except aggregates_job.JobError as e:
            if words not in str(e):
                problems.append(f"{argv}: {e} (expected {words!r})")
    print(f"options: {'refused as the builder does' if not problems else 'DIFFERENT'}")
    return problems


def privacy_case(root: Path, events: Path, items: Path, work: Path) -> list[str]:
    """The job prints the builder's privacy accounting, number for number."""
    import aggregates_job

    problems = []
    work.mkdir(parents=True, exist_ok=True)
    for extra in (["--epsilon", "1"], ["--epsilon", "4", "--max-events-per-user", "5", "--k", "20"],
                  ["--epsilon", "2", "--max-pair-items", "30", "--max-events-per-user", "50"]):
        done = builder(root, "build", "--events", str(events), "--items", str(items), "--out", str(work / "noisy.json"),
                       "--seed", "1", *extra)
        ours = [line.split("] ", 1)[1].split(" (or lower")[0] for line in done.stderr.splitlines()
                if "noise on" in line or "privacy of the counts" in line or "WARNING: delta" in line]
        theirs = aggregates_job.privacy_lines(job_args(events, items, work / "x", extra))
        if ours != theirs:
            problems.append(f"privacy lines for {extra}: builder {ours} job {theirs}")
    print(f"privacy accounting: {'the builder' + chr(39) + 's numbers' if not problems else 'DIFFERENT'}")
    return problems


def noise_input(out: Path, items: Path, seed: int = 7) -> Path:
    """A log for the noise check: 3,000 users with three positive events each
    on a skewed choice of the 80 items, so that many keys have counts far
    from 0 under a cap of 3."""
    rng = random.Random(seed)
    ids = [row["id"] for row in csv.DictReader(items.open())]
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "events.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["user", "item", "timestamp"])
        for u in range(3000):
            for j in range(3):
                w.writerow([f"n{u}", ids[min(int(rng.paretovariate(0.8)) - 1, 15)], 1_700_000_000_000 + 1000 * j])
    return out / "events.csv"


def noise_case(spark, events: Path, items: Path, work: Path, seeds: int = 20) -> list[str]:
    """--epsilon on Spark: the released counts minus the exact ones, per
    table over `seeds` seeds, against round(Laplace(0, b)): the mean within
    4 standard errors of 0, the variance within 4 standard errors of the
    exact variance (computed from the Laplace CDF). Keys whose exact count is
    under 10 b are left out (clamping at 0 would move them)."""
    import aggregates_job

    params = ["--max-events-per-user", "3", "--max-pair-items", "3", "--k", "2"]
    exact = {}
    run_job(spark, events, items, work / "exact", params)
    for view in aggregates_job.RELEASED:
        exact[view] = {tuple(r[:-1]): r[-1] for r in spark.table(view).collect()}
    problems = []
    samples: dict[str, list[int]] = {v: [] for v in aggregates_job.RELEASED}
    epsilon = 6.0  # b = 2 for items and pairs, 4/3 for transitions
    args = job_args(events, items, work / "noisy", params + ["--epsilon", str(epsilon)])
    for seed in range(seeds):
        release = aggregates_job.laplace_release(epsilon, args.max_events_per_user, args.max_pair_items, seed)
        for view in aggregates_job.RELEASED:
            b = aggregates_job.scale(view, epsilon, args.max_events_per_user, args.max_pair_items)
            for r in release(spark, view).collect():
                count = exact[view].get(tuple(r[:-1]), 0)
                if count > 10 * b:  # clamped with probability exp(-10) / 2 per draw
                    samples[view].append(r[-1] - count)
    for view, xs in samples.items():
        b = aggregates_job.scale(view, epsilon, args.max_events_per_user, args.max_pair_items)
        if b == 0:
            if any(xs):
                problems.append(f"{view}: noise where the scale is 0")
            continue
        cdf = lambda x: 0.5 * math.exp(x / b) if x < 0 else 1 - 0.5 * math.exp(-x / b)
        p = {j: cdf(j + 0.5) - cdf(j - 0.5) for j in range(-int(60 * b) - 2, int(60 * b) + 3)}
        var = sum(j * j * q for j, q in p.items())
        fourth = sum(j ** 4 * q for j, q in p.items())
        n = len(xs)
        mean = sum(xs) / n
        sample_var = sum(x * x for x in xs) / n
        se_mean, se_var = math.sqrt(var / n), math.sqrt((fourth - var * var) / n)
        ok = abs(mean) <= 4 * se_mean and abs(sample_var - var) <= 4 * se_var
        print(f"  noise on {view}: b {b:.3f}, {n} draws, mean {mean:+.4f} (0 +- {4 * se_mean:.4f}), "
              f"variance {sample_var:.4f} (exact {var:.4f} +- {4 * se_var:.4f}): {'ok' if ok else 'WRONG'}")
        if n < 200:
            problems.append(f"{view}: only {n} draws")
        if not ok:
            problems.append(f"{view}: noise mean {mean} or variance {sample_var} off (exact variance {var})")
    print(f"noise: {'Laplace(b) rounded, as the builder' if not problems else 'DIFFERENT'}")
    return problems


def parquet_events(spark, events: Path, out: Path) -> Path:
    """The CSV log as one Parquet file (integer ms timestamps, string kinds),
    which both the builder and the job read."""
    from pyspark.sql import functions as F

    tmp = out.with_suffix(".dir")
    df = spark.read.option("header", True).csv(str(events))
    ts = F.col("timestamp")
    # only the integer-ms rows: the Parquet case is about the format, not the timestamp shapes
    df = df.where(ts.rlike("^[0-9]+$")).select("user", "item", ts.cast("bigint").alias("timestamp"), "kind")
    df.coalesce(1).write.mode("overwrite").parquet(str(tmp))
    part = next(tmp.glob("part-*.parquet"))
    part.replace(out)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    ap.add_argument("--only", choices=["generated", "movielens"])
    args = ap.parse_args()
    root = args.root
    work = root / "target" / "spark-equivalence"
    sys.path.insert(0, str(root / "builder" / "spark"))

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master("local[2]").appName("ondevice-spark-equivalence")
             .config("spark.driver.memory", "4g").config("spark.sql.shuffle.partitions", "4")
             .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    print(f"Spark {spark.version}, builder/sql: {', '.join(sorted(p.name for p in (root / 'builder' / 'sql').glob('*.sql')))}")

    results: list[tuple[str, list[str]]] = []

    def case(name: str, check, *check_args) -> None:
        start = time.monotonic()
        problems = check(*check_args)
        for p in problems:
            print(f"  {p}")
        print(f"  ({time.monotonic() - start:.1f} s)")
        results.append((name, problems))

    if args.only in (None, "generated"):
        ev, it = generated_input(work / "generated-input")
        case("generated, small caps", equal_case, spark, root, work / "g-small", "generated, k=3 cap=20 pairs=5 related=7 next=4",
             ev, it, ["--k", "3", "--max-events-per-user", "20", "--max-pair-items", "5", "--related", "7", "--next", "4"])
        case("generated, defaults", equal_case, spark, root, work / "g-defaults", "generated, defaults", ev, it, [])
        pq = parquet_events(spark, ev, work / "generated-input" / "events.parquet")
        case("generated, Parquet", equal_case, spark, root, work / "g-parquet", "generated as Parquet, defaults", pq, it, [])
        case("bad rows", bad_rows_case, spark, root, work / "bad-rows", ev, it)
        case("options", options_case)
        case("privacy", privacy_case, root, ev, it, work / "privacy")
        case("noise", noise_case, spark, noise_input(work / "noise-input", it), it, work / "noise")
    ml = root / "data" / "ml-100k"
    if args.only in (None, "movielens"):
        if (ml / "ml-100k.inter").exists():
            ev, it = movielens_input(ml, work / "ml-100k-input")
            case("MovieLens, defaults", equal_case, spark, root, work / "ml-defaults", "MovieLens-100K, defaults", ev, it, [])
            case("MovieLens, big lists", equal_case, spark, root, work / "ml-big", "MovieLens-100K, cap=50 related=100 next=100",
                 ev, it, ["--max-events-per-user", "50", "--related", "100", "--next", "100"])
        else:
            print(f"MovieLens-100K: skipped, {ml}/ml-100k.inter not found", file=sys.stderr)
    spark.stop()
    failed = [name for name, problems in results if problems]
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed" + (f": {', '.join(failed)}" if failed else ""))
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
