"""The builder's cost against DuckDB on the same SQL (issue 20, point 5).

For each size (default 1M and 10M events; logs from gen.py, generated once
into data/builder-bench/SIZE/, git-ignored) it runs

- the builder (`build --events events.parquet --items items.csv --out
  x.odc`, the binary given with --builder), timed with /usr/bin/time for wall
  time and peak memory (RSS), each stage's time taken from its progress
  lines: read (items and events), the six count stages (sql/1*.sql),
  publish (sql/2*.sql) and rendering and writing the catalogue (which DuckDB
  does not do);
- DuckDB (the pinned Python package, 2 threads, in a child process for its
  own peak RSS) on gen.py's copy of the builder's normalized tables: load
  them into memory, then every sql/*.sql in file-name order, each
  materialized as a table (the builder caches the 1x stages as well), the
  released_* tables as the counts unchanged (no noise, as the builder
  without --epsilon).

It prints per stage the builder's and DuckDB's seconds and their ratio, the
totals, time per million events, the growth exponent of time from the
smallest to the largest size, peak memory, and checks that both engines
published the same number of rows per table. Writes bench/builder/results.json.

    bash bench/builder/run.sh [--sizes 1m,10m] [--skip-duckdb]
"""

import argparse
import json
import math
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SQL = sorted((ROOT / "builder" / "sql").glob("*.sql"))
STAGES = ["read"] + [p.stem for p in SQL if p.name.startswith("1")] + ["publish (2x)", "render, write"]

DUCKDB_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
import duckdb
norm, sql_dir, k, cap, pairs, related, next_ = sys.argv[1:8]
con = duckdb.connect()
con.execute("SET threads = 2")
con.execute("SET enable_progress_bar = false")
con.execute("SET preserve_insertion_order = false")
times = {}
t = time.perf_counter()
con.execute(f"CREATE TABLE events AS SELECT * FROM read_parquet('{norm}/events.parquet')")
con.execute(f"CREATE TABLE items AS SELECT * FROM read_parquet('{norm}/items.parquet')")
con.execute(f"CREATE TABLE params AS SELECT {k}::BIGINT AS k, {cap}::BIGINT AS max_events_per_user, "
            f"{pairs}::BIGINT AS max_pair_items, {related}::BIGINT AS related_limit, {next_}::BIGINT AS next_limit")
times["load"] = time.perf_counter() - t
rows = {}
for f in sorted(Path(sql_dir).glob("*.sql")):
    if f.name.startswith("2") and "released" not in times:
        t = time.perf_counter()
        for view in ["item_users", "pair_users", "transition_users", "transition_sources"]:
            con.execute(f"CREATE VIEW released_{view} AS SELECT * FROM {view}")
        times["released"] = time.perf_counter() - t
    view = f.stem.split("_", 1)[1]
    t = time.perf_counter()
    con.execute(f"CREATE TABLE {view} AS {f.read_text()}")
    times[f.stem] = time.perf_counter() - t
    rows[f.stem] = con.execute(f"SELECT COUNT(*) FROM {view}").fetchone()[0]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": times, "rows": rows, "peak_bytes": peak, "version": duckdb.__version__}))
"""


def parse_size(s: str) -> int:
    m = re.fullmatch(r"(\d+)([km]?)", s.strip().lower())
    if not m:
        raise SystemExit(f"bad size {s}; use e.g. 1m,10m")
    return int(m.group(1)) * {"": 1, "k": 1000, "m": 1_000_000}[m.group(2)]


def label(n: int) -> str:
    return f"{n // 1_000_000}m" if n % 1_000_000 == 0 else f"{n // 1000}k"


def run_builder(builder: Path, data: Path, out: Path) -> dict:
    cmd = ["/usr/bin/time", "-v", str(builder), "build", "--events", str(data / "events.parquet"),
           "--items", str(data / "items.csv"), "--out", str(out)]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"builder failed:\n{done.stderr[-3000:]}")
    marks = []  # (seconds since start, what)
    for line in done.stderr.splitlines():
        m = re.match(r"\[\s*([\d.]+)s\] (.*)", line)
        if m:
            marks.append((float(m.group(1)), m.group(2)))
    def at(pattern: str) -> float:
        return next(t for t, what in marks if re.search(pattern, what))
    stages, rows, last = {}, {}, at(r"events from \d+ users")
    stages["read"] = last
    for f in SQL:
        if f.name.startswith("1"):
            t = at(re.escape(f"SQL {f.name}:"))
            stages[f.stem] = t - last
            rows[f.stem] = int(re.search(re.escape(f"SQL {f.name}: ") + r"(\d+) rows",
                                         next(w for _, w in marks if f"SQL {f.name}:" in w)).group(1))
            last = t
    published_at = at(r"^SQL 2x published")
    stages["publish (2x)"] = published_at - last
    end = at(r"^wrote ")
    stages["render, write"] = end - published_at
    wrote = next(w for _, w in marks if w.startswith("wrote "))
    published = re.search(r"related for \d+ items \((\d+) entries\); next for \d+ items \((\d+) entries\)", wrote)
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    return {"wall": wall, "reported": end, "stages": stages, "rows": rows, "peak_bytes": peak_kb * 1024,
            "published": {"related": int(published.group(1)), "next": int(published.group(2))}}


def run_duckdb(data: Path) -> dict:
    cmd = [sys.executable, "-c", DUCKDB_CHILD, str(data / "normalized"), str(ROOT / "builder" / "sql"),
           "5", "1000", "200", "20", "10"]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"DuckDB failed:\n{done.stderr[-3000:]}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    out["wall"] = wall
    return out


def gib(b: int) -> str:
    return f"{b / 2**30:.2f} GiB"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--builder", type=Path, required=True, help="the builder binary (--profile builder)")
    ap.add_argument("--sizes", default="1m,10m")
    ap.add_argument("--skip-duckdb", action="store_true")
    ap.add_argument("--out", type=Path, default=HERE / "results.json")
    args = ap.parse_args()
    sizes = [parse_size(s) for s in args.sizes.split(",")]
    results = []
    for n in sizes:
        data = ROOT / "data" / "builder-bench" / label(n)
        if not (data / "shape.json").exists():
            print(f"generating {label(n)} events into {data}", file=sys.stderr)
            subprocess.run([sys.executable, str(HERE / "gen.py"), "--events", str(n), "--out", str(data)], check=True)
        shape = json.loads((data / "shape.json").read_text())
        print(f"{label(n)}: builder ...", file=sys.stderr)
        b = run_builder(args.builder, data, data / "catalogue.odc")
        d = None
        if not args.skip_duckdb:
            print(f"{label(n)}: DuckDB ...", file=sys.stderr)
            d = run_duckdb(data)
            for stage, count in b["rows"].items():
                if d["rows"].get(stage) != count:
                    raise SystemExit(f"{label(n)} {stage}: builder {count} rows, DuckDB {d['rows'].get(stage)}")
            if d["rows"]["21_related"] != b["published"]["related"] or d["rows"]["22_next"] != b["published"]["next"]:
                raise SystemExit(f"{label(n)}: published rows differ: builder {b['published']}, DuckDB {d['rows']}")
        results.append({"events": n, "shape": shape, "builder": b, "duckdb": d})
    machine = {"nproc": os.cpu_count(), "cpu": cpu_name(), "python": platform.python_version(),
               "date": time.strftime("%Y-%m-%d")}
    out = {"machine": machine, "builder": str(args.builder), "results": results}
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(report(out))
    return 0


def cpu_name() -> str:
    try:
        return re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text()).group(1)
    except (OSError, AttributeError):
        return platform.processor()


def report(out: dict) -> str:
    lines = []
    for r in out["results"]:
        b, d = r["builder"], r["duckdb"]
        lines.append(f"\n{label(r['events'])} events, {r['shape']['users']:,} users, {r['shape']['items']:,} items "
                     f"(history median {r['shape']['history']['median']:.0f}, p99 {r['shape']['history']['p99']:.0f}, "
                     f"max {r['shape']['history']['max']})")
        lines.append("| stage | builder s | DuckDB s | builder / DuckDB |")
        lines.append("| --- | ---: | ---: | ---: |")
        duck = {}
        if d:
            s = d["seconds"]
            duck = {"read": s["load"], "publish (2x)": s.get("released", 0) + sum(v for k, v in s.items() if k.startswith("2"))}
            duck.update({k: v for k, v in s.items() if k.startswith("1")})
        for stage in STAGES:
            bs, ds = b["stages"][stage], duck.get(stage)
            ratio = f"{bs / ds:.2f}" if ds else "–"
            lines.append(f"| {stage} | {bs:.2f} | {ds:.2f} | {ratio} |" if ds is not None else f"| {stage} | {bs:.2f} | – | – |")
        dt = sum(duck.values()) if d else None
        lines.append(f"| **total** | {b['reported']:.2f} | {dt:.2f} | {b['reported'] / dt:.2f} |" if d else
                     f"| **total** | {b['reported']:.2f} | – | – |")
        per_m = b["wall"] / (r["events"] / 1e6)
        lines.append(f"builder wall {b['wall']:.1f} s ({per_m:.1f} s per million events), peak {gib(b['peak_bytes'])}"
                     + (f"; DuckDB {d['version']} wall {d['wall']:.1f} s, peak {gib(d['peak_bytes'])}" if d else ""))
    rs = out["results"]
    if len(rs) >= 2:
        a, z = rs[0], rs[-1]
        growth = math.log(z["builder"]["wall"] / a["builder"]["wall"]) / math.log(z["events"] / a["events"])
        lines.append(f"\nbuilder time grows as events^{growth:.2f} from {label(a['events'])} to {label(z['events'])}")
        if a["duckdb"] and z["duckdb"]:
            g = math.log(z["duckdb"]["wall"] / a["duckdb"]["wall"]) / math.log(z["events"] / a["events"])
            lines.append(f"DuckDB time grows as events^{g:.2f}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
