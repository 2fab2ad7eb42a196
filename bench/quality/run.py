#!/usr/bin/env python3
"""The quality benchmark, end to end, on MovieLens-100K or on the Complete
Journey's simulated grocery data ("retail").

fetch -> split -> builder input -> catalogue (builder CLI) -> replay into the
wasm package (Node) -> baselines tuned on validation -> HR@k / NDCG@k with
bootstrap intervals, beyond-accuracy figures -> table and results JSON.

    bench/quality/run.sh                              # MovieLens, test items
    bench/quality/run.sh --validation                 # MovieLens, validation items
    bench/quality/run.sh --dataset retail             # retail, test weeks
    bench/quality/run.sh --dataset retail --validation

Use --validation to tune ondevice's weights: it never looks at a test item.
"""

from __future__ import annotations

import os

# Before numpy loads: one BLAS thread keeps EASE and iALS reproducible, and
# implicit warns about threaded BLAS otherwise.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse
import hashlib
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import baselines
import beyond
import completejourney
import metrics
import movielens
import ondevice

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
DATA_DIR = REPO_ROOT / "data" / "ml-100k"
RETAIL_DIR = REPO_ROOT / "data" / "completejourney"
#: Files derived from the data (split CSVs, catalogue, recommendations) stay
#: under the git-ignored data/ as well.
WORK_DIR = REPO_ROOT / "data" / "quality"
ONDEVICE = "ondevice"
#: The retail site's weights, fitted by examples/tune_weights.rs on the
#: validation weeks only and published in its catalogue by the builder
#: (`--weights`); MovieLens uses the package's defaults, fitted on its
#: validation items.
RETAIL_WEIGHTS = HERE / "weights.retail.json"
#: List length scored per dataset: MovieLens keeps its leave-one-out top 10;
#: a grocery "you may also like" row is longer, and a household has many
#: targets.
K = {"movielens": 10, "retail": 20}


@dataclass
class Data:
    """One dataset in one mode: what every system trains on and is scored against."""

    name: str
    k: int
    items: list[str]
    categories: dict[str, tuple[str, ...]]
    history: dict[str, list[movielens.Interaction]]
    targets: dict[str, object]  # an item id, or a set of them
    users: list[str]  # the evaluated users, in a fixed order
    tuning_history: dict[str, list[movielens.Interaction]]
    tuning_targets: dict[str, object]
    tuning_items: list[str]
    write_inputs: Callable[[Path], dict[str, Path]]
    work: Path
    note: str
    #: Ranking weights the builder writes into the catalogue (None: the package's defaults).
    weights: Path | None = None


def fetch() -> None:
    subprocess.run(["bash", str(HERE / "fetch_ml100k.sh")], check=True, env={**os.environ, "PYTHON": sys.executable})


def load_movielens(mode: str) -> Data:
    fetch()
    movies = movielens.read_movies(DATA_DIR / "ml-100k.item")
    split = movielens.leave_last_out(movielens.read_interactions(DATA_DIR / "ml-100k.inter"))
    history = split.history(mode)
    return Data(
        name="movielens",
        k=K["movielens"],
        items=[m.id for m in movies],
        categories={m.id: m.genres for m in movies},
        history=history,
        targets={u: x.item for u, x in split.targets(mode).items()},
        users=sorted(history, key=baselines.natural_order),
        tuning_history=split.history("validation"),
        tuning_targets={u: x.item for u, x in split.validation.items()},
        tuning_items=[m.id for m in movies],
        write_inputs=lambda out: movielens.write_builder_input(history, movies, out),
        work=WORK_DIR / mode,
        note=f"scoring the {mode} item",
    )


def load_retail(mode: str, no_weights: bool = False) -> Data:
    completejourney.fetch(RETAIL_DIR)
    rows, products = completejourney.read_tables(RETAIL_DIR)
    split = completejourney.split(rows, products, mode)
    tuning = split if mode == "validation" else completejourney.split(rows, products, "validation")
    cut = completejourney.CUT_WEEK[mode]
    return Data(
        name="retail",
        k=K["retail"],
        items=[p.id for p in split.products],
        categories={p.id: p.categories for p in split.products},
        history=split.history,
        targets=split.targets,
        users=sorted(split.targets, key=baselines.natural_order),
        # The baselines are tuned on the validation cut, whose catalogue may
        # differ: its items are scored in its own catalogue.
        tuning_history=tuning.history,
        tuning_targets=tuning.targets,
        tuning_items=[p.id for p in tuning.products],
        write_inputs=lambda out: completejourney.write_builder_input(split.history, split.products, out),
        work=WORK_DIR / "retail" / mode,
        weights=RETAIL_WEIGHTS if RETAIL_WEIGHTS.exists() and not no_weights else None,
        note=(f"training weeks 1-{cut}, new products of weeks {cut + 1}-{cut + completejourney.TARGET_WEEKS} "
              f"as targets (simulated data)"),
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", choices=sorted(K), default="movielens", help="which data (default: movielens)")
    ap.add_argument("--validation", action="store_true", help="score the validation targets instead of the test targets")
    ap.add_argument("--skip-ondevice", action="store_true", help="run the baselines only")
    ap.add_argument("--reuse-baselines", action="store_true",
                    help="reuse the baselines' lists from the last run on the same data and grids (data/quality/.../baselines.json)")
    ap.add_argument("--package", type=Path, help="package entry to replay into (default: index.js at the repo root)")
    ap.add_argument("--builder", type=Path, help="builder binary to run instead of `cargo run -p ondevice-builder`")
    ap.add_argument("--default-weights", action="store_true",
                    help="retail: publish no site weights (the package's defaults), e.g. to tune them again")
    ap.add_argument("--exclude-history", action="store_true",
                    help="pass each user's training items as `exclude` (the protocol before 2026-12-06)")
    ap.add_argument("--retention-days", type=int, metavar="N",
                    help="replay with the person's retentionDays at N (1..365) instead of the package's default (90)")
    ap.add_argument("--resamples", type=int, default=metrics.RESAMPLES, help="bootstrap resamples (>= 1000)")
    ap.add_argument("--out", type=Path, help="results JSON (default: bench/quality/results[.retail][.validation].json)")
    args = ap.parse_args(argv)
    if args.resamples < 1000:
        ap.error(f"--resamples: {args.resamples}; the protocol needs at least 1000")
    return args


def write_targets(data: Data) -> Path:
    """`user,item` per target, for examples/tune_weights.rs (validation runs only tune)."""
    path = data.work / "targets.csv"
    with open(path, "w", encoding="utf-8") as f:
        f.write("user,item\n")
        for u in data.users:
            t = data.targets[u]
            for item in sorted([t] if isinstance(t, str) else t):
                f.write(f"{u},{item}\n")
    return path


def run_ondevice(data: Data, args: argparse.Namespace) -> tuple[list[list[str]] | None, dict]:
    inputs = data.write_inputs(data.work)
    write_targets(data)
    print(f"ondevice: builder input in {inputs['events'].parent}")
    if args.skip_ondevice:
        print("ondevice: SKIPPED (--skip-ondevice)")
        return None, {"status": "skipped", "reason": "--skip-ondevice"}
    try:
        resolved = {k: getattr(args, k) and getattr(args, k).resolve() for k in ("package", "builder")}
        replay = ondevice.run(inputs, data.work, limit=data.k, users=set(data.users),
                              retention_days=args.retention_days, weights=data.weights,
                              exclude_history=args.exclude_history, **resolved)
    except ondevice.Skipped as why:
        print(f"ondevice: SKIPPED: {why}")
        return None, {"status": "skipped", "reason": str(why)}
    missing = [u for u in data.users if u not in replay.top]
    if missing:
        raise RuntimeError(f"ondevice: no recommendations for {len(missing)} users, e.g. {missing[:5]}")
    info = {"status": "ran", "replay": replay.summary, "retention_days": args.retention_days or 90,
            "exclude_history": args.exclude_history,
            "weights": data.weights.relative_to(REPO_ROOT).as_posix() if data.weights else "the package's defaults"}
    return [replay.top[u] for u in data.users], info


def _as_items(hist) -> dict[str, list[str]]:
    return {u: [x.item for x in xs] for u, xs in hist.items()}


def run_baselines(data: Data, reuse: bool) -> dict[str, tuple[list[list[str]], dict]]:
    """Tune each baseline on the validation split, then recommend for the mode's users."""
    models = baselines.models(data.name)
    cache = data.work / "baselines.json"
    key = hashlib.sha256(json.dumps({
        "users": data.users, "items": data.items, "k": data.k,
        "history": {u: [x.item for x in data.history[u]] for u in data.users},
        "grids": {m.name: m.grid for m in models},
    }, sort_keys=True).encode()).hexdigest()
    if reuse and cache.exists():
        stored = json.loads(cache.read_text(encoding="utf-8"))
        if stored.get("key") == key:
            print(f"baselines: reusing {cache}")
            return {name: (top, info) for name, (top, info) in stored["models"].items()}
        print(f"baselines: {cache} is for other data or grids; running them")

    tuning = baselines.Interactions.from_history(_as_items(data.tuning_history), data.tuning_items)
    tuning_targets = [data.tuning_targets.get(u, ()) for u in tuning.users]
    # Users without a validation target (retail households with no new product) are not scored.
    scored = [i for i, t in enumerate(tuning_targets) if t]
    evaluation = baselines.Interactions.from_history(_as_items(data.history), data.items)
    rows = {u: i for i, u in enumerate(evaluation.users)}
    out = {}
    for model in models:
        started = time.perf_counter()
        params, valid_ndcg = _tune(model, tuning, [tuning_targets[i] for i in scored], scored, data.k)
        top = baselines.recommend(model, evaluation, params, data.k)
        top = [top[rows[u]] for u in data.users]
        seconds = time.perf_counter() - started
        print(f"{model.name}: {params or 'no parameters'} (validation NDCG@{data.k} {valid_ndcg:.4f}, {seconds:.1f} s)")
        out[model.name] = (top, {"params": params, "validation_ndcg": round(valid_ndcg, 6), "grid": model.grid})
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({"key": key, "models": out}), encoding="utf-8")
    return out


def _tune(model, data: baselines.Interactions, targets: list, rows: list[int], k: int) -> tuple[dict, float]:
    """baselines.tune over all users' scores, scored on the `rows` that have targets."""
    import itertools

    names = list(model.grid)
    best, best_ndcg = {}, -1.0
    for values in itertools.product(*(model.grid[n] for n in names)):
        params = dict(zip(names, values))
        top = baselines.top_k(model.scores(data.matrix, **params), data.matrix, data.items, k)
        top = [top[i] for i in rows]
        ndcg = metrics.per_user(metrics.hit_positions(top, targets, k), targets, k)["ndcg"].mean()
        if names:
            print(f"  tune {model.name} {params}: NDCG@{k} {ndcg:.4f}")
        if ndcg > best_ndcg:
            best, best_ndcg = params, float(ndcg)
    return best, best_ndcg


def table(results: dict) -> str:
    k = results["k"]
    head = f"{'model':<14} {'HR@' + str(k) + ' [95% CI]':<26} {'NDCG@' + str(k) + ' [95% CI]':<26} "
    head += f"{'ondevice - model: NDCG@' + str(k):<30} {'cover':>6} {'pop':>6} {'div':>6} {'miscal':>6} {'seen':>6}"
    lines = [head, "-" * len(head)]
    for name, r in results["models"].items():
        row = f"{name:<14} {_ci(r['hr']):<26} {_ci(r['ndcg']):<26} "
        diff = results["paired"].get(name)
        row += f"{_ci(diff['ndcg'], signed=True) if diff else '-':<30} "
        b = r["beyond"]
        row += f"{b['coverage']:>6.3f} {b['popularity']:>6.3f} {b['diversity']:>6.3f} {b['miscalibration']:>6.3f} {b['seen']:>6.3f}"
        lines.append(row)
    return "\n".join(lines)


def _ci(e: dict, signed: bool = False) -> str:
    f = "{:+.4f}" if signed else "{:.4f}"
    return f"{f.format(e['mean'])} [{f.format(e['lo'])}, {f.format(e['hi'])}]"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    mode = "validation" if args.validation else "test"
    started = time.perf_counter()
    if args.dataset == "retail":
        data = load_retail(mode, no_weights=args.default_weights)
    else:
        data = load_movielens(mode)
    target_items = [data.targets[u] for u in data.users]
    print(f"data: {args.dataset}, {len(data.users)} users scored, {len(data.items)} items, "
          f"{sum(map(len, data.history.values()))} training interactions; {data.note}")

    tops: dict[str, list[list[str]]] = {}
    results: dict = {"dataset": args.dataset, "mode": mode, "users": len(data.users), "items": len(data.items),
                     "k": data.k, "protocol": data.note,
                     "bootstrap": {"resamples": args.resamples, "seed": metrics.SEED, "confidence": metrics.CONFIDENCE},
                     "models": {}, "paired": {}}
    top, results[ONDEVICE] = run_ondevice(data, args)
    if top is not None:
        tops[ONDEVICE] = top
    for name, (top, info) in run_baselines(data, args.reuse_baselines).items():
        tops[name] = top
        results["models"][name] = info

    histories = [[x.item for x in data.history[u]] for u in data.users]
    counts: dict[str, int] = {}
    for xs in data.history.values():
        for item in {x.item for x in xs}:
            counts[item] = counts.get(item, 0) + 1
    popularity = {i: c / len(data.history) for i, c in counts.items()}
    draws = metrics.resample_indices(len(data.users), args.resamples)
    scored = {name: metrics.summarize(top, target_items, draws, data.k) for name, top in tops.items()}
    for name, s in scored.items():
        results["models"].setdefault(name, {}).update(
            hr=s["hr"].as_dict(), ndcg=s["ndcg"].as_dict(),
            beyond=beyond.summarize(tops[name], histories, data.categories, len(data.items), popularity),
        )
    if ONDEVICE in scored:
        ours = scored[ONDEVICE]["per_user"]
        for name, s in scored.items():
            if name != ONDEVICE:
                results["paired"][name] = {
                    m: metrics.paired_difference(ours[m], s["per_user"][m], draws).as_dict() for m in ("hr", "ndcg")
                }
    order = [ONDEVICE, *[m.name for m in baselines.models(data.name)]]
    results["models"] = {n: results["models"][n] for n in order if n in results["models"]}
    results["seconds"] = round(time.perf_counter() - started, 1)

    print()
    print(table(results))
    suffix = ("" if args.dataset == "movielens" else "." + args.dataset) + ("" if mode == "test" else ".validation")
    if args.retention_days:
        suffix += f".retention{args.retention_days}"
    if args.default_weights:
        suffix += ".default-weights"
    if args.exclude_history:
        suffix += ".exclude-history"
    out = args.out or HERE / f"results{suffix}.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {out} ({results['seconds']} s)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as err:  # a step failed and said why: no traceback needed
        print(f"run: FAILED: {err}", file=sys.stderr)
        sys.exit(1)
