"""The builder's aggregates on Apache Spark, from the raw log to the published
tables: the same rows as `ondevice-builder build` (same input rules, the same
SQL files in builder/sql/, unchanged), written as Parquet for
`ondevice-builder assemble` to turn into the catalogue on one machine.

    spark-submit builder/spark/aggregates_job.py \\
        --events hdfs:///ondevice/events.csv --items hdfs:///ondevice/items.csv \\
        --out hdfs:///ondevice/aggregates \\
        [--k 5] [--max-events-per-user 1000] [--max-pair-items 200] \\
        [--related 20] [--next 10] [--epsilon E [--seed S]] [--skip-bad-rows]
    ondevice-builder assemble --aggregates aggregates/ --items items.csv --out catalogue.odc

Input, as the builder reads it (builder/README.md, "Input"):
- --events: CSV with a header `user,item,timestamp[,kind]` (any column order,
  extra columns ignored, cells trimmed) or Parquet with columns `user`,
  `item` (string or integer), `timestamp` (integer ms, a Parquet timestamp,
  or a string) and optionally `kind`; one file, read in file order (its
  position breaks timestamp ties, as the builder's `seq`). A directory of
  files is read in Spark's order, which is then the tie-breaking order.
- --items: the item list as CSV (`id` column) or JSON Lines (`id` field); only
  the ids and their order are used here (assemble reads the whole list).

A row is bad, with the builder's words, when its user or item is empty, its
item is not in the item list, its timestamp is neither integer ms nor an RFC
3339 date-time (YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm)) within
1970..275760, or its kind is not one of the six. Bad rows are counted by
reason and printed with examples (row number in the file, 1 = the first data
row); the job then fails and writes nothing, unless --skip-bad-rows, which
leaves them out and says how many.

Output under --out (written to a temporary directory beside it and renamed,
so a failed run leaves no partial output): popularity(item_id, popularity),
related and next(item_id, neighbour_id, weight, neighbour_rank), and
manifest.json (the parameters, the row counts, the privacy accounting).

--epsilon adds the builder's noise: Laplace(0, b) on each of the four count
tables with b = sensitivity / (epsilon / 4), rounded and clamped to
0..1e15; popularity's noise covers every item of the list. Draws come from
Spark's rand(seed) per table; the same seed on the same input and
partitioning gives the same release, but the draws differ from the
builder's (bit-equality across engines is not expected).
"""

import argparse
import json
import math
import os
import sys
import uuid
from pathlib import Path

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
#: The count views, in the order of the builder's CountTable::ALL, with keys.
RELEASED = {
    "item_users": ["item_no"],
    "pair_users": ["item_a", "item_b"],
    "transition_users": ["from_item", "to_item"],
    "transition_sources": ["item_no"],
}
PUBLISHED = ["popularity", "related", "next"]
KINDS = ["view", "click", "purchase", "like", "dislike", "dismiss"]
MAX_TIMESTAMP_MS = 8_640_000_000_000_000
MAX_NUMBER = 1e15
#: An RFC 3339 date-time as chrono's parse_from_rfc3339 reads it: T, t or a
#: space between date and time, any number of fraction digits, Z, z or an
#: offset with a colon.
RFC3339 = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"


class JobError(Exception):
    """A problem with the job's input or options, said in the builder's words."""


# ---- privacy accounting: the builder's builder/src/noise.rs, number for number

def sensitivity(view: str, cap: int, pair_items: int) -> float:
    c, m = float(cap), float(min(cap, pair_items))
    if view == "item_users":
        return c
    if view == "pair_users":
        return m * (m - 1.0) / 2.0
    return max(c - 1.0, 0.0)


def scale(view: str, epsilon: float, cap: int, pair_items: int) -> float:
    return sensitivity(view, cap, pair_items) / (epsilon / len(RELEASED))


def delta(view: str, k: int, epsilon: float, cap: int, pair_items: int) -> float:
    if view not in ("pair_users", "transition_users"):
        return 0.0
    keys, b = sensitivity(view, cap, pair_items), scale(view, epsilon, cap, pair_items)
    if keys == 0.0 or b == 0.0:
        return 0.0
    if k < 2:
        return 1.0
    return min(keys * 0.5 * math.exp(-((k - 1.5) / b)), 1.0)


def total_delta(k: int, epsilon: float, cap: int, pair_items: int) -> float:
    return min(sum(delta(v, k, epsilon, cap, pair_items) for v in RELEASED), 1.0)


def k_for_delta(target: float, epsilon: float, cap: int, pair_items: int) -> int:
    lo = hi = 2
    while total_delta(hi, epsilon, cap, pair_items) > target and hi < 2**62:
        hi *= 2
    while lo < hi:
        mid = lo + (hi - lo) // 2
        if total_delta(mid, epsilon, cap, pair_items) > target:
            lo = mid + 1
        else:
            hi = mid
    return hi


def rust_float(x: float) -> str:
    """A float as Rust's `{}` writes it (no exponent, no trailing .0)."""
    return str(int(x)) if x == int(x) and abs(x) < 1e16 else repr(x)


def rust_exp(x: float) -> str:
    """A float as Rust's `{:.3e}` writes it: 1.000e0, 7.862e-1."""
    mantissa, exponent = f"{x:.3e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def privacy_lines(args) -> list[str]:
    """What the builder prints for a noisy run (same numbers, same order)."""
    e, cap, m, k = args.epsilon, args.max_events_per_user, args.max_pair_items, args.k
    lines = []
    for view in RELEASED:
        d = delta(view, k, e, cap, m)
        thresholded = f", delta <= {rust_exp(d)} at k = {k}" if view in ("pair_users", "transition_users") else ""
        lines.append(f"noise on {view}: epsilon {rust_float(e / 4)} (of {rust_float(e)}), "
                     f"sensitivity {rust_float(sensitivity(view, cap, m))}, Laplace scale {scale(view, e, cap, m):.3f}{thresholded}")
    total = total_delta(k, e, cap, m)
    lines.append(f"privacy of the counts: ({rust_float(e)}, {rust_exp(total)})-differential privacy per user")
    if total > 1e-6:
        lines.append(f"WARNING: delta {rust_exp(total)} is too large to mean much; with this cap and epsilon, "
                     f"delta <= 1e-6 needs --k {k_for_delta(1e-6, e, cap, m)}")
    return lines


# ---- the SQL

def run(spark, sql_dir: Path = SQL_DIR, release=None) -> dict:
    """Runs every sql/*.sql in file-name order over the temp views `events`,
    `items` and `params`; returns the published views as DataFrames. Each
    file is one SELECT whose result becomes the view named after the file
    (10_capped_events.sql -> capped_events). Count stages (1x) are cached,
    as the builder materializes them. Before the 2x files, `release(spark,
    view)` makes each count view's released_ view (default: unchanged)."""
    released = False
    for f in sorted(sql_dir.glob("*.sql")):
        if f.name.startswith("2") and not released:
            for view in RELEASED:
                df = release(spark, view) if release else spark.table(view)
                df.cache().createOrReplaceTempView(f"released_{view}")
            released = True
        view = f.stem.split("_", 1)[1]
        df = spark.sql(f.read_text())
        if f.name.startswith("1"):
            df = df.cache()
        df.createOrReplaceTempView(view)
    return {name: spark.table(name) for name in PUBLISHED}


def params_view(spark, k: int, max_events_per_user: int, max_pair_items: int, related: int, next_: int) -> None:
    spark.sql(
        f"SELECT CAST({k} AS BIGINT) AS k, CAST({max_events_per_user} AS BIGINT) AS max_events_per_user, "
        f"CAST({max_pair_items} AS BIGINT) AS max_pair_items, "
        f"CAST({related} AS BIGINT) AS related_limit, CAST({next_} AS BIGINT) AS next_limit"
    ).createOrReplaceTempView("params")


def laplace_release(epsilon: float, cap: int, pair_items: int, seed: int):
    """The builder's noise as a `release` for run(): count + Laplace(0, b),
    rounded half away from zero, clamped to 0..1e15; item_users over every
    item of the list (zero counts included). One rand() stream per table."""
    from pyspark.sql import functions as F

    def release(spark, view):
        b = scale(view, epsilon, cap, pair_items)
        counts = spark.table(view)
        if view == "item_users":
            counts = (spark.table("items").select("item_no")
                      .join(counts, "item_no", "left")
                      .select("item_no", F.coalesce("users", F.lit(0)).alias("users")))
        if b == 0.0:
            return counts
        u = F.rand(seed + list(RELEASED).index(view)) - F.lit(0.5)
        noise = -F.lit(b) * F.signum(u) * F.log(F.greatest(F.lit(1.0) - F.lit(2.0) * F.abs(u), F.lit(1e-300)))
        noisy = F.least(F.greatest(F.round(F.col("users").cast("double") + noise), F.lit(0.0)), F.lit(MAX_NUMBER))
        return counts.select(*RELEASED[view], noisy.cast("bigint").alias("users"))

    return release


# ---- input

def read_items(spark, path: str):
    """item_no (position in the list, from 0), item_id."""
    from pyspark.sql import functions as F

    if path.endswith(".jsonl") or path.endswith(".json"):
        df = spark.read.json(path)
    elif path.endswith(".csv"):
        df = spark.read.option("header", True).option("ignoreLeadingWhiteSpace", True) \
            .option("ignoreTrailingWhiteSpace", True).csv(path)
    else:
        raise JobError(f"--items: {path}: expected .csv or .jsonl")
    if "id" not in df.columns:
        raise JobError(f"--items: {path}: no id column (expected id,title,categories...)")
    ids = df.select(F.trim(F.col("id").cast("string")).alias("item_id")).rdd.map(lambda r: r[0]).zipWithIndex()
    items = ids.map(lambda p: (p[1], p[0])).toDF(["item_no", "item_id"])
    dup = items.groupBy("item_id").count().where("count > 1").limit(1).collect()
    if dup:
        raise JobError(f"--items: {path}: duplicate id {json.dumps(dup[0]['item_id'])}")
    return items


def read_events(spark, path: str):
    """The raw rows with `row` (0-based position in the file) and strings
    user, item, kind and the timestamp as a string or integer ms."""
    from pyspark.sql import functions as F

    if path.endswith(".parquet") or os.path.isdir(path) and any(p.endswith(".parquet") for p in os.listdir(path)):
        df = spark.read.parquet(path)
        fmt = "parquet"
    elif path.endswith(".csv"):
        df = spark.read.option("header", True).option("ignoreLeadingWhiteSpace", True) \
            .option("ignoreTrailingWhiteSpace", True).option("inferSchema", False).csv(path)
        fmt = "csv"
    else:
        raise JobError(f"--events: {path}: expected .csv or .parquet")
    for column in ("user", "item", "timestamp"):
        if column not in df.columns:
            raise JobError(f"--events: {path}: missing column {json.dumps(column)} (expected user,item,timestamp[,kind])")
    ts_type = dict(df.dtypes)["timestamp"]
    if ts_type == "timestamp" or ts_type == "timestamp_ntz":
        ts_ms, ts_text = F.unix_millis(F.col("timestamp")), F.lit(None).cast("string")
    elif ts_type in ("bigint", "int", "smallint", "tinyint"):
        ts_ms, ts_text = F.col("timestamp").cast("bigint"), F.lit(None).cast("string")
    else:
        ts_ms, ts_text = F.lit(None).cast("bigint"), F.trim(F.col("timestamp").cast("string"))
    kind = F.trim(F.col("kind").cast("string")) if "kind" in df.columns else F.lit(None).cast("string")
    return df.select(
        F.monotonically_increasing_id().alias("mid"),
        F.coalesce(F.trim(F.col("user").cast("string")), F.lit("")).alias("user"),
        F.coalesce(F.trim(F.col("item").cast("string")), F.lit("")).alias("item"),
        ts_ms.alias("ts_ms"), ts_text.alias("ts_text"), kind.alias("kind"),
    ), fmt


def normalized(spark, raw, items):
    """Every row with its problem (NULL when good) in the builder's words and
    order of checks, and the normalized columns."""
    from pyspark.sql import functions as F

    joined = raw.join(F.broadcast(items.withColumnRenamed("item_id", "item")), "item", "left")
    text = F.col("ts_text")
    # Spark's timestamps hold no leap second: chrono reads 23:59:60 as one
    # second after 23:59:59, so parse :59 and add 1000 ms. Separators and Z
    # in upper case, the fraction cut to ms (chrono keeps ns; the ms floor is
    # the same).
    leap = F.substring(text, 18, 2) == "60"
    shaped = F.upper(F.when(leap, F.concat(F.substring(text, 1, 17), F.lit("59"), F.expr("substring(ts_text, 20)"))).otherwise(text))
    shaped = F.regexp_replace(F.regexp_replace(shaped, " ", "T"), r"(\.[0-9]{1,3})[0-9]*", "$1")
    parsed = F.unix_millis(F.expr("try_to_timestamp(ts_shaped)")) + F.when(leap, F.lit(1000)).otherwise(F.lit(0))
    from_text = F.when(text.rlike(r"^[+-]?[0-9]+$"), F.expr("try_cast(ts_text AS BIGINT)")).when(text.rlike(RFC3339), parsed)
    joined = joined.withColumn("ts_shaped", shaped)
    ts = F.coalesce(F.col("ts_ms"), from_text)
    quoted_ts = F.concat(F.lit('"'), F.coalesce(text, F.col("ts_ms").cast("string")), F.lit('"'))
    kind = F.coalesce(F.col("kind"), F.lit(""))
    problem = (
        F.when(F.col("user") == "", F.lit("user: must not be empty"))
        .when(F.col("item") == "", F.lit("item: must not be empty"))
        .when(F.col("item_no").isNull(), F.concat(F.lit('item "'), F.col("item"), F.lit('" is not in the item list')))
        .when(ts.isNull(), F.concat(F.lit("timestamp: "), quoted_ts,
                                    F.lit(" is neither integer milliseconds since the epoch nor an RFC 3339 date-time (e.g. 2024-03-01T12:00:00Z)")))
        .when((ts < 0) | (ts > MAX_TIMESTAMP_MS), F.concat(F.lit("timestamp: "), ts.cast("string"),
                                                           F.lit(f" ms is out of range; allowed: 0..={MAX_TIMESTAMP_MS} (1970 to year 275760)")))
        .when((kind != "") & ~kind.isin(*KINDS), F.concat(F.lit('kind: unknown kind "'), kind,
                                                          F.lit('"; allowed: ' + ", ".join(KINDS))))
    )
    return joined.select(
        "mid", "user", "item_no", ts.alias("ts"),
        F.when(kind == "", F.lit("view")).otherwise(kind).alias("kind"), problem.alias("problem"),
    )


def bad_row_report(rows, path: str, fmt: str, examples: int = 5) -> tuple[int, list[str]]:
    """How many rows are bad, and the first few with their row numbers."""
    from pyspark.sql import functions as F

    bad = rows.where(F.col("problem").isNotNull())
    count = bad.count()
    if count == 0:
        return 0, []
    first = bad.orderBy("mid").limit(examples).collect()
    # Row numbers of the examples: rows before each, in one pass.
    before = rows.agg(*[F.sum(F.when(F.col("mid") < r["mid"], 1).otherwise(0)).alias(f"b{i}") for i, r in enumerate(first)]).collect()[0]
    where = "line" if fmt == "csv" else "row"
    lines = []
    for i, r in enumerate(first):
        n = before[f"b{i}"] + 1
        at = f"line {n + 1}" if fmt == "csv" else f"row {n}"  # CSV: line 1 is the header
        lines.append(f"{path}: {at}: {r['problem']}")
    by_reason = bad.groupBy(F.regexp_extract("problem", r"^([a-z]+)", 1).alias("field")).count().orderBy("field").collect()
    lines.append(f"bad {where}s by field: " + ", ".join(f"{r['field']} {r['count']}" for r in by_reason))
    return count, lines


# ---- output

def write_atomically(spark, out: str, write) -> None:
    """`write(tmp)` into a fresh directory beside `out`, then replace `out`
    with it; on failure the temporary directory is removed."""
    jvm = spark._jvm
    conf = spark._jsc.hadoopConfiguration()
    target = jvm.org.apache.hadoop.fs.Path(out)
    fs = target.getFileSystem(conf)
    tmp_name = f"{out.rstrip('/')}.tmp-{uuid.uuid4().hex[:12]}"
    tmp = jvm.org.apache.hadoop.fs.Path(tmp_name)
    try:
        write(tmp_name)
        if fs.exists(target):
            fs.delete(target, True)
        if not fs.rename(tmp, target):
            raise JobError(f"--out: could not rename {tmp_name} to {out}")
    except BaseException:
        if fs.exists(tmp):
            fs.delete(tmp, True)
        raise


def write_text(spark, path: str, text: str) -> None:
    jvm = spark._jvm
    p = jvm.org.apache.hadoop.fs.Path(path)
    stream = p.getFileSystem(spark._jsc.hadoopConfiguration()).create(p, True)
    try:
        stream.write(bytearray(text.encode("utf-8")))
    finally:
        stream.close()


def build(spark, args, log=print) -> dict:
    """The whole job; returns the manifest. Raises JobError on bad input."""
    from pyspark.sql import functions as F

    items = read_items(spark, args.items).cache()
    n_items = items.count()
    log(f"{args.items}: {n_items} items")
    raw, fmt = read_events(spark, args.events)
    rows = normalized(spark, raw, items).cache()
    total = rows.count()
    bad, report = bad_row_report(rows, args.events, fmt)
    for line in report:
        log(line)
    if bad and not args.skip_bad_rows:
        raise JobError(f"{args.events}: {bad} bad rows of {total}; nothing written "
                       "(fix them, or pass --skip-bad-rows to leave them out)")
    good = rows.where(F.col("problem").isNull())
    if total - bad == 0:
        raise JobError(f"{args.events}: no events; the log is empty")
    if bad:
        log(f"--skip-bad-rows: {bad} bad rows of {total} left out")
    good.select(F.col("user").alias("user_no"), "item_no", "ts", "kind", F.col("mid").alias("seq")) \
        .createOrReplaceTempView("events")
    items.createOrReplaceTempView("items")
    params_view(spark, args.k, args.max_events_per_user, args.max_pair_items, args.related, args.next)
    release = None
    privacy = None
    if args.epsilon is not None:
        for line in privacy_lines(args):
            log(line)
        seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "little")
        release = laplace_release(args.epsilon, args.max_events_per_user, args.max_pair_items, seed)
        privacy = {"epsilon": args.epsilon,
                   "delta": total_delta(args.k, args.epsilon, args.max_events_per_user, args.max_pair_items),
                   "scales": {v: scale(v, args.epsilon, args.max_events_per_user, args.max_pair_items) for v in RELEASED}}
    published = run(spark, Path(args.sql_dir), release)
    named = {
        "popularity": published["popularity"].join(items, "item_no").select("item_id", "popularity"),
        **{name: published[name].alias("p").join(items.alias("a"), F.col("p.item_no") == F.col("a.item_no"))
           .join(items.alias("b"), F.col("p.neighbour_no") == F.col("b.item_no"))
           .select(F.col("a.item_id").alias("item_id"), F.col("b.item_id").alias("neighbour_id"),
                   F.col("p.weight").alias("weight"), F.col("p.neighbour_rank").alias("neighbour_rank"))
           for name in ("related", "next")},
    }
    manifest = {
        "format": "ondevice-aggregates", "version": 1,
        "params": {"k": args.k, "max_events_per_user": args.max_events_per_user,
                   "max_pair_items": args.max_pair_items, "related": args.related, "next": args.next},
        "rows": {"events": total - bad, "bad_rows_skipped": bad}, "privacy": privacy,
    }

    def write(tmp: str) -> None:
        for name, df in named.items():
            df.write.parquet(f"{tmp}/{name}")
        manifest["published"] = {name: spark.read.parquet(f"{tmp}/{name}").count() for name in named}
        write_text(spark, f"{tmp}/manifest.json", json.dumps(manifest, indent=2) + "\n")

    write_atomically(spark, args.out, write)
    log(f"wrote {args.out}: " + ", ".join(f"{k} {v} rows" for k, v in manifest["published"].items()))
    return manifest


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description="ondevice aggregates on Spark, from the raw log")
    ap.add_argument("--events", required=True, help="the log: CSV (user,item,timestamp[,kind]) or Parquet")
    ap.add_argument("--items", required=True, help="the item list: CSV or JSON Lines with an id")
    ap.add_argument("--out", required=True, help="directory for the published tables (replaced atomically)")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--max-events-per-user", type=int, default=1000)
    ap.add_argument("--max-pair-items", type=int, default=200)
    ap.add_argument("--related", type=int, default=20)
    ap.add_argument("--next", type=int, default=10)
    ap.add_argument("--epsilon", type=float)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--skip-bad-rows", action="store_true", help="leave bad rows out instead of failing")
    ap.add_argument("--sql-dir", default=str(SQL_DIR), help="where the builder's *.sql files are (on the driver)")
    return ap


def check(args) -> None:
    """The builder's option checks (builder/src/lib.rs, Options::check)."""
    if args.k < 1:
        raise JobError("--k: 0 is not allowed; at least 1 (and 5 or more to mean anything)")
    if args.max_events_per_user < 1:
        raise JobError("--max-events-per-user: 0 is not allowed; at least 1")
    if args.max_pair_items < 2:
        raise JobError(f"--max-pair-items: {args.max_pair_items} is not allowed; at least 2 (a pair needs two items)")
    for option, value in (("--related", args.related), ("--next", args.next)):
        if not 0 <= value <= 100:
            raise JobError(f"{option}: {value} is more than the core accepts; allowed: 0..=100")
    if args.epsilon is not None and not (math.isfinite(args.epsilon) and args.epsilon > 0):
        raise JobError(f"--epsilon: {args.epsilon} is not allowed; a finite number above 0")
    if args.seed is not None and args.epsilon is None:
        raise JobError("--seed: seeds the noise, so it needs --epsilon")


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        check(args)
    except JobError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("ondevice-aggregates").getOrCreate()
    try:
        build(spark, args, log=lambda line: print(line, file=sys.stderr))
    except JobError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
