"""The ondevice step: build the catalogue with the builder CLI, replay in Node.

The step is skipped, with a message that says why, while the wasm package or
the builder is not built yet. Once both exist, any failure is an error: a
benchmark that quietly drops its main subject would be worse than none.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
REPLAY = HERE / "replay.mjs"
#: The package entry that a site imports; replay.mjs imports the same file.
PACKAGE_ENTRY = REPO_ROOT / "index.js"
PACKAGE_DIR = REPO_ROOT / "pkg"
NODE_MAJOR_MIN = 20


class Skipped(Exception):
    """The ondevice step cannot run yet; the message says what is missing."""


@dataclass
class Replay:
    top: dict[str, list[str]]
    summary: dict = field(default_factory=dict)


def check_package(entry: Path | None = None) -> None:
    """Raise Skipped unless the package (default: the repo's own build) and Node are there."""
    if entry is not None:
        if not entry.exists():  # asked for by name, so its absence is an error, not a skip
            raise FileNotFoundError(f"--package: {entry} does not exist")
    elif missing := [p.relative_to(REPO_ROOT).as_posix() for p in (PACKAGE_ENTRY, PACKAGE_DIR) if not p.exists()]:
        raise Skipped(
            f"the wasm package is not built yet (missing {', '.join(missing)} at the repo root); "
            "build the package, then rerun"
        )
    node = shutil.which("node")
    if node is None:
        raise Skipped(f"node is not on PATH; Node {NODE_MAJOR_MIN}+ runs replay.mjs")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout
    major = int(version.strip().lstrip("v").split(".")[0])
    if major < NODE_MAJOR_MIN:
        raise Skipped(f"node {version.strip()} is too old; replay.mjs needs Node {NODE_MAJOR_MIN}+")


def build_catalogue(inputs: dict[str, Path], out: Path, builder: Path | None = None, log=print,
                    weights: Path | None = None, extra: tuple[str, ...] = ()) -> Path:
    """Run the builder CLI (`cargo run`, or a given binary) on the CSVs; returns `out`
    (JSON, or the compact form when it ends in .odc). `extra`: more builder options."""
    out.unlink(missing_ok=True)  # a stale catalogue must never pass for a new one
    if builder is not None and not builder.exists():
        raise FileNotFoundError(f"--builder: {builder} does not exist")
    program = [str(builder)] if builder else ["cargo", "run", "-q", "-p", "ondevice-builder", "--"]
    cmd = [
        *program,
        "build",
        "--events", str(inputs["events"]),
        "--items", str(inputs["items"]),
        "--categories", str(inputs["categories"]),
        "--out", str(out),
    ]
    if weights is not None:
        cmd += ["--weights", str(weights)]
    cmd += list(extra)
    if builder is None:
        log("ondevice: building the catalogue (the first run compiles the builder, which takes minutes)")
    log("  $ " + " ".join(cmd))
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True)
    if proc.returncode != 0 or not out.exists():
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        raise Skipped(
            f"the builder CLI did not produce {out} (exit {proc.returncode}); "
            f"it is probably not implemented yet.\n{tail}"
        )
    log(f"ondevice: catalogue {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return out


def replay(catalogue: Path, events: Path, out: Path, package: Path | None = None, log=print,
           limit: int = 10, users: set[str] | None = None, retention_days: int | None = None,
           exclude_history: bool = False) -> Replay:
    """Replay the users' histories in Node (all users, or those in `users`) and read back their top `limit`."""
    out.unlink(missing_ok=True)
    cmd = ["node", str(REPLAY), "--catalogue", str(catalogue), "--events", str(events), "--out", str(out),
           "--limit", str(limit)]
    if users is not None:
        only = out.with_suffix(".users")
        only.write_text("\n".join(sorted(users)) + "\n", encoding="utf-8")
        cmd += ["--users", str(only)]
    if retention_days is not None:
        cmd += ["--retention-days", str(retention_days)]
    if exclude_history:
        cmd += ["--exclude-history"]
    if package is not None:
        cmd += ["--package", str(package)]
    log("  $ " + " ".join(cmd))
    # stderr (progress) goes straight to the terminal; stdout carries the summary.
    proc = subprocess.run(cmd, cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    summary = _last_json_line(proc.stdout)
    if proc.returncode == 3:
        raise RuntimeError("replay.mjs could not load the package (exit 3): is its build complete? See the message above.")
    if proc.returncode != 0:
        raise RuntimeError(f"replay.mjs exited {proc.returncode}; summary: {json.dumps(summary)}")
    return Replay(top=read_recommendations(out), summary=summary)


def _last_json_line(text: str) -> dict:
    for line in reversed(text.strip().splitlines()):
        try:
            return json.loads(line)
        except json.JSONDecodeError:
            continue
    return {}


def read_recommendations(path: Path) -> dict[str, list[str]]:
    top: dict[str, list[str]] = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            user, items = row.get("user"), row.get("items")
            if not isinstance(user, str) or not isinstance(items, list):
                raise ValueError(f"{path}:{n}: expected {{\"user\": str, \"items\": [...]}}, got {line.strip()[:120]}")
            if user in top:
                raise ValueError(f"{path}:{n}: user {user} appears twice")
            top[user] = [str(i) for i in items]
    return top


def run(inputs: dict[str, Path], work: Path, package: Path | None = None, builder: Path | None = None, log=print,
        limit: int = 10, users: set[str] | None = None, retention_days: int | None = None,
        weights: Path | None = None, exclude_history: bool = False) -> Replay:
    """Build and replay; raises Skipped while the package or builder is missing."""
    check_package(package)
    catalogue = build_catalogue(inputs, work / "catalogue.json", builder, log, weights)
    return replay(catalogue, inputs["events"], work / "ondevice.jsonl", package, log, limit, users, retention_days,
                  exclude_history)
