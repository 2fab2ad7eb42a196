#!/usr/bin/env python3
"""The quality benchmark on MovieLens-100K, end to end.

fetch -> leave-last-out split -> builder input -> catalogue (builder CLI) ->
replay into the wasm package (Node) -> baselines tuned on validation ->
HR@10 / NDCG@10 with bootstrap intervals -> table and results JSON.

    bench/quality/run.sh                 # evaluate on the test items
    bench/quality/run.sh --validation    # evaluate on the validation items

Use --validation to tune ondevice's weights: it never looks at a test item.
"""

from __future__ import annotations

import os

# Before numpy loads: one BLAS thread keeps EASE and iALS reproducible, and
# implicit warns about threaded BLAS otherwise.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import baselines
import metrics
import movielens
import ondevice

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
DATA_DIR = REPO_ROOT / "data" / "ml-100k"
#: Files derived from the data (split CSVs, catalogue, recommendations) stay
#: under the git-ignored data/ as well.
WORK_DIR = REPO_ROOT / "data" / "quality"
ONDEVICE = "ondevice"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--validation", action="store_true", help="score the validation item instead of the test item")
    ap.add_argument("--skip-ondevice", action="store_true", help="run the baselines only")
    ap.add_argument("--package", type=Path, help="package entry to replay into (default: index.js at the repo root)")
    ap.add_argument("--builder", type=Path, help="builder binary to run instead of `cargo run -p ondevice-builder`")
    ap.add_argument("--resamples", type=int, default=metrics.RESAMPLES, help="bootstrap resamples (>= 1000)")
    ap.add_argument("--out", type=Path, help="results JSON (default: bench/quality/results[.validation].json)")
    args = ap.parse_args(argv)
    if args.resamples < 1000:
        ap.error(f"--resamples: {args.resamples}; the protocol needs at least 1000")
    return args


def fetch() -> None:
    subprocess.run(["bash", str(HERE / "fetch_ml100k.sh")], check=True, env={**os.environ, "PYTHON": sys.executable})


def run_ondevice(history, movies, mode: str, users: list[str], args: argparse.Namespace) -> tuple[list[list[str]] | None, dict]:
    inputs = movielens.write_builder_input(history, movies, WORK_DIR / mode)
    print(f"ondevice: builder input in {inputs['events'].parent}")
    if args.skip_ondevice:
        print("ondevice: SKIPPED (--skip-ondevice)")
        return None, {"status": "skipped", "reason": "--skip-ondevice"}
    try:
        resolved = {k: getattr(args, k) and getattr(args, k).resolve() for k in ("package", "builder")}
        replay = ondevice.run(inputs, WORK_DIR / mode, **resolved)
    except ondevice.Skipped as why:
        print(f"ondevice: SKIPPED: {why}")
        return None, {"status": "skipped", "reason": str(why)}
    missing = [u for u in users if u not in replay.top]
    if missing:
        raise RuntimeError(f"ondevice: no recommendations for {len(missing)} users, e.g. {missing[:5]}")
    leaked = sum(len(set(replay.top[u]) & {x.item for x in history[u]}) for u in users)
    if leaked:
        print(f"ondevice: WARNING: {leaked} recommended items were in the users' training histories")
    return [replay.top[u] for u in users], {"status": "ran", "replay": replay.summary, "training_items_recommended": leaked}


def run_baselines(split: movielens.Split, mode: str, items: list[str]) -> dict[str, tuple[list[list[str]], dict]]:
    """Tune each baseline on the validation split, then recommend for `mode`."""
    def as_items(hist):
        return {u: [x.item for x in xs] for u, xs in hist.items()}

    tuning = baselines.Interactions.from_history(as_items(split.history("validation")), items)
    tuning_targets = [split.validation[u].item for u in tuning.users]
    evaluation = baselines.Interactions.from_history(as_items(split.history(mode)), items)
    out = {}
    for model in baselines.MODELS:
        started = time.perf_counter()
        params, valid_ndcg = baselines.tune(model, tuning, tuning_targets)
        top = baselines.recommend(model, evaluation, params)
        seconds = time.perf_counter() - started
        print(f"{model.name}: {params or 'no parameters'} (validation NDCG@{metrics.K} {valid_ndcg:.4f}, {seconds:.1f} s)")
        out[model.name] = (top, {"params": params, "validation_ndcg": round(valid_ndcg, 6), "grid": model.grid})
    return out


def table(results: dict) -> str:
    k = metrics.K
    head = f"{'model':<12} {'HR@' + str(k) + ' [95% CI]':<26} {'NDCG@' + str(k) + ' [95% CI]':<26} "
    head += f"{'ondevice - model: HR@' + str(k):<32} NDCG@{k}"
    lines = [head, "-" * len(head)]
    for name, r in results["models"].items():
        row = f"{name:<12} {_ci(r['hr']):<26} {_ci(r['ndcg']):<26} "
        diff = results["paired"].get(name)
        row += f"{_ci(diff['hr'], signed=True):<32} {_ci(diff['ndcg'], signed=True)}" if diff else "-"
        lines.append(row)
    return "\n".join(lines)


def _ci(e: dict, signed: bool = False) -> str:
    f = "{:+.4f}" if signed else "{:.4f}"
    return f"{f.format(e['mean'])} [{f.format(e['lo'])}, {f.format(e['hi'])}]"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    mode = "validation" if args.validation else "test"
    started = time.perf_counter()
    fetch()
    movies = movielens.read_movies(DATA_DIR / "ml-100k.item")
    split = movielens.leave_last_out(movielens.read_interactions(DATA_DIR / "ml-100k.inter"))
    history, targets = split.history(mode), split.targets(mode)
    users = sorted(history, key=baselines.natural_order)
    target_items = [targets[u].item for u in users]
    items = [m.id for m in movies]
    print(f"data: {len(users)} users, {len(items)} items, {sum(map(len, history.values()))} training interactions; "
          f"scoring the {mode} item")

    tops: dict[str, list[list[str]]] = {}
    results: dict = {"mode": mode, "users": len(users), "items": len(items), "k": metrics.K,
                     "bootstrap": {"resamples": args.resamples, "seed": metrics.SEED, "confidence": metrics.CONFIDENCE},
                     "models": {}, "paired": {}}
    top, results[ONDEVICE] = run_ondevice(history, movies, mode, users, args)
    if top is not None:
        tops[ONDEVICE] = top
    for name, (top, info) in run_baselines(split, mode, items).items():
        tops[name] = top
        results["models"][name] = info

    draws = metrics.resample_indices(len(users), args.resamples)
    scored = {name: metrics.summarize(top, target_items, draws) for name, top in tops.items()}
    for name, s in scored.items():
        results["models"].setdefault(name, {}).update(hr=s["hr"].as_dict(), ndcg=s["ndcg"].as_dict())
    if ONDEVICE in scored:
        ours = scored[ONDEVICE]["per_user"]
        for name, s in scored.items():
            if name != ONDEVICE:
                results["paired"][name] = {
                    m: metrics.paired_difference(ours[m], s["per_user"][m], draws).as_dict() for m in ("hr", "ndcg")
                }
    results["models"] = {n: results["models"][n] for n in [ONDEVICE, *[m.name for m in baselines.MODELS]]
                         if n in results["models"]}
    results["seconds"] = round(time.perf_counter() - started, 1)

    print()
    print(table(results))
    out = args.out or HERE / ("results.json" if mode == "test" else "results.validation.json")
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {out} ({results['seconds']} s)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as err:  # a step failed and said why: no traceback needed
        print(f"run: FAILED: {err}", file=sys.stderr)
        sys.exit(1)
