"""How many neighbours a catalogue needs (issue 16): MovieLens-100K with the
quality benchmark's protocol (leave-last-out, test items, top 10, the
package's defaults), for `--related` 5/10/20 x `--next` 0/5/10, each with the
builder's full weights (JSON, 6 decimals) and quantized (the compact form,
version 2, 8-bit weights; the 20/10 catalogue also with 16-bit), against
today's defaults (20 related, 10 next, JSON) with the paired bootstrap.

    bench/quality/.venv/bin/python bench/quality/neighbours.py [--out FILE]

Needs the package built (`bash scripts/build.sh`). Bytes per item are the
catalogue file's size over its items: JSON raw, and the compact form that
carries those weights (version 1, exact f32, for "full"; version 2 for the
quantized rows) raw, gzip (level 9) and brotli (quality 11, Node's zlib, as
bench/perf/wire.mjs).
Writes bench/quality/results.neighbours.json and prints the table.

    bench/quality/.venv/bin/python bench/quality/neighbours.py --max-items 200,400,800,1682

instead measures candidate catalogues (the builder's `--max-items N`, today's
neighbour defaults, compact 8-bit): quality against the whole catalogue, bytes,
and the median time of `loadCompactCatalogue` in Node (15 loads after 2
warm-ups). Writes bench/quality/results.max-items.json.

    bench/quality/.venv/bin/python bench/quality/neighbours.py --max-pair-items 25,50,100,200,1000

does the same for the pair bound (`--max-pair-items M`, issue 20), with each
build's wall time. Writes bench/quality/results.max-pair-items.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import time
from pathlib import Path

import beyond
import metrics
import ondevice
import run as bench

HERE = Path(__file__).resolve().parent
CONFIGS = [(r, x) for r in (5, 10, 20) for x in (0, 5, 10)]
#: The reference: the builder's defaults before this table (20 related, 10 next).
DEFAULT = (20, 10)


def setup(name: str, resamples: int, split: str = "test"):
    """MovieLens's test (or validation) split, the builder's inputs in its
    work folder `name`, the targets in user order and the shared bootstrap
    draws."""
    ondevice.check_package(None)
    data = bench.load_movielens(split)
    work = data.work / name
    work.mkdir(parents=True, exist_ok=True)
    inputs = data.write_inputs(work)
    targets = [data.targets[u] for u in data.users]
    return data, work, inputs, targets, metrics.resample_indices(len(data.users), resamples)


def brotli_size(path: Path) -> int:
    js = ("const z=require('zlib');const b=require('fs').readFileSync(process.argv[1]);"
          "console.log(z.brotliCompressSync(b,{params:{[z.constants.BROTLI_PARAM_QUALITY]:11,"
          "[z.constants.BROTLI_PARAM_SIZE_HINT]:b.length}}).length)")
    return int(subprocess.run(["node", "-e", js, str(path)], capture_output=True, text=True, check=True).stdout)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=HERE / "results.neighbours.json")
    ap.add_argument("--resamples", type=int, default=metrics.RESAMPLES)
    ap.add_argument("--builder", type=Path, help="builder binary to run instead of `cargo run -p ondevice-builder`")
    ap.add_argument("--max-items", help="comma-separated N: measure candidate catalogues instead")
    ap.add_argument("--max-pair-items", help="comma-separated M: measure the pair bound instead")
    ap.add_argument("--split", choices=["test", "validation"], default="test",
                    help="with --max-items or --max-pair-items: the split (choose on validation)")
    args = ap.parse_args(argv)
    for option in ("max-items", "max-pair-items"):
        values = getattr(args, option.replace("-", "_"))
        if values:
            return grid(args, option, [int(n) for n in values.split(",")])
    started = time.perf_counter()
    data, work, inputs, targets, draws = setup("neighbours", args.resamples)
    subprocess.run(["cargo", "build", "--quiet", "--release", "--example", "compact"], cwd=bench.REPO_ROOT, check=True)
    tool = bench.REPO_ROOT / "target" / "release" / "examples" / "compact"
    histories = [[x.item for x in data.history[u]] for u in data.users]
    rows, per_user = [], {}
    for related, nxt in CONFIGS:
        name = f"r{related}-n{nxt}"
        json_path = ondevice.build_catalogue(inputs, work / f"{name}.json", args.builder, print, None,
                                             ("--related", str(related), "--next", str(nxt)))
        forms = [("full", json_path)]
        exact = work / f"{name}-v1.odc"
        subprocess.run([str(tool), str(json_path), str(exact), "v1"], check=True, capture_output=True)
        for bits in (8, 16) if (related, nxt) == DEFAULT else (8,):
            odc = work / f"{name}-{bits}.odc"
            subprocess.run([str(tool), str(json_path), str(odc), str(bits)], check=True, capture_output=True)
            forms.append((f"{bits}-bit", odc))
        for form, path in forms:
            replay = ondevice.replay(path, inputs["events"], work / f"{name}-{form}.jsonl", None, print,
                                     data.k, set(data.users))
            top = [replay.top[u] for u in data.users]
            scores = metrics.per_user(metrics.hit_positions(top, targets, data.k), targets, data.k)
            per_user[(related, nxt, form)] = scores
            compact = exact if form == "full" else path
            n = len(data.items)
            rows.append({
                "related": related, "next": nxt, "weights": form,
                "hr": metrics.bootstrap(scores["hr"], draws).as_dict(),
                "ndcg": metrics.bootstrap(scores["ndcg"], draws).as_dict(),
                # Genre distance within a list and Steck's miscalibration, as run.py reports them.
                **{k: v for k, v in beyond.summarize(top, histories, data.categories, len(data.items), {}).items()
                   if k in ("diversity", "miscalibration")},
                "bytes_per_item": {
                    "json": round(json_path.stat().st_size / n, 1),
                    "compact": round(compact.stat().st_size / n, 1),
                    "compact_gzip": round(len(gzip.compress(compact.read_bytes(), 9)) / n, 1),
                    "compact_brotli": round(brotli_size(compact) / n, 1),
                },
            })
    base = per_user[(*DEFAULT, "full")]
    for row in rows:
        mine = per_user[(row["related"], row["next"], row["weights"])]
        row["vs_default"] = {m: metrics.paired_difference(mine[m], base[m], draws).as_dict() for m in ("hr", "ndcg")}
    out = {"dataset": "MovieLens-100K", "protocol": "leave-last-out, test items, top 10, package defaults",
           "users": len(data.users), "items": len(data.items), "resamples": args.resamples,
           "default": {"related": DEFAULT[0], "next": DEFAULT[1], "weights": "full"}, "rows": rows,
           "seconds": round(time.perf_counter() - started, 1)}
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(table(out))
    print(f"wrote {args.out} ({out['seconds']} s)")
    return 0


LOAD_TIME_JS = """
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [pkgPath, file] = process.argv.slice(2);
const pkg = await import(pathToFileURL(pkgPath).href);
await pkg.default();
const bytes = new Uint8Array(readFileSync(file));
const p = new pkg.Personalizer({ storage: 'memory' });
const times = [];
for (let i = 0; i < 17; i++) {
  const t = performance.now();
  p.loadCompactCatalogue(bytes);
  if (i >= 2) times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(times[Math.floor(times.length / 2)]);
"""


def grid(args: argparse.Namespace, option: str, values: list[int]) -> int:
    """One builder option over `values` (the builder's other settings at
    their defaults, compact 8-bit): quality against the largest value,
    diversity and calibration, bytes, the median `loadCompactCatalogue` time
    in Node and the build's wall time (the binary `--builder` names, or
    `cargo run`'s dev profile)."""
    started = time.perf_counter()
    data, work, inputs, targets, draws = setup(option, args.resamples, args.split)
    script = work / "load-time.mjs"
    script.write_text(LOAD_TIME_JS, encoding="utf-8")
    histories = [[x.item for x in data.history[u]] for u in data.users]
    rows, per_user = [], {}
    for n in values:
        built = time.perf_counter()
        path = ondevice.build_catalogue(inputs, work / f"{n}.odc", args.builder, print, None, (f"--{option}", str(n)))
        build_s = time.perf_counter() - built
        replay = ondevice.replay(path, inputs["events"], work / f"{n}.jsonl", None, print, data.k, set(data.users))
        top = [replay.top[u] for u in data.users]
        scores = metrics.per_user(metrics.hit_positions(top, targets, data.k), targets, data.k)
        per_user[n] = scores
        load_ms = float(subprocess.run(["node", str(script), str(ondevice.PACKAGE_ENTRY), str(path)],
                                       capture_output=True, text=True, check=True).stdout)
        raw = path.read_bytes()
        rows.append({option.replace("-", "_"): n, "hr": metrics.bootstrap(scores["hr"], draws).as_dict(),
                     "ndcg": metrics.bootstrap(scores["ndcg"], draws).as_dict(),
                     **{k: v for k, v in beyond.summarize(top, histories, data.categories, len(data.items), {}).items()
                        if k in ("diversity", "miscalibration")},
                     "bytes": {"raw": len(raw), "gzip": len(gzip.compress(raw, 9)), "brotli": brotli_size(path)},
                     "load_ms_node": round(load_ms, 3), "build_s": round(build_s, 2)})
    base = per_user[max(values)]
    for row, n in zip(rows, values):
        row["vs_largest"] = {m: metrics.paired_difference(per_user[n][m], base[m], draws).as_dict() for m in ("hr", "ndcg")}
    out = {"dataset": "MovieLens-100K", "split": args.split, "items": len(data.items), "users": len(data.users),
           "protocol": "leave-last-out, top 10, top 10, package defaults; compact 8-bit, the builder's other defaults",
           "builder": str(args.builder) if args.builder else "cargo run (dev profile)",
           "rows": rows, "seconds": round(time.perf_counter() - started, 1)}
    path = HERE / f"results.{option}{'' if args.split == 'test' else '.' + args.split}.json"
    path.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    lines = [f"| --{option} | HR@10 | NDCG@10 | NDCG@10 − largest [95% CI] | diversity | miscal. | bytes | gzip | brotli "
             "| load (Node) | build |",
             "| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r, n in zip(rows, values):
        d = r["vs_largest"]["ndcg"]
        b = r["bytes"]
        lines.append(f"| {n} | {r['hr']['mean']:.4f} | {r['ndcg']['mean']:.4f} | {d['mean']:+.4f} "
                     f"[{d['lo']:+.4f}, {d['hi']:+.4f}] | {r['diversity']:.3f} | {r['miscalibration']:.3f} "
                     f"| {b['raw']:,} | {b['gzip']:,} | {b['brotli']:,} | {r['load_ms_node']:.2f} ms | {r['build_s']:.1f} s |")
    print("\n".join(lines))
    print(f"wrote {path} ({out['seconds']} s)")
    return 0


def table(out: dict) -> str:
    lines = ["| related | next | weights | HR@10 | NDCG@10 | NDCG@10 − default [95% CI] | diversity | miscal. | bytes/item JSON | compact | gzip | brotli |",
             "| ---: | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in out["rows"]:
        d = r["vs_default"]["ndcg"]
        b = r["bytes_per_item"]
        lines.append(f"| {r['related']} | {r['next']} | {r['weights']} | {r['hr']['mean']:.4f} | {r['ndcg']['mean']:.4f} "
                     f"| {d['mean']:+.4f} [{d['lo']:+.4f}, {d['hi']:+.4f}] | {r['diversity']:.3f} | {r['miscalibration']:.3f} "
                     f"| {b['json']:.0f} | {b['compact']:.0f} "
                     f"| {b['compact_gzip']:.0f} | {b['compact_brotli']:.0f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
