"""Writes the held-out item of each user (`user,item`) for one evaluation mode,
using the benchmark's own split, for `examples/tune_weights.rs`."""

import sys
from pathlib import Path

import movielens

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "ml-100k"

if __name__ == "__main__":
    mode, out = sys.argv[1], Path(sys.argv[2])
    split = movielens.leave_last_out(movielens.read_interactions(DATA_DIR / "ml-100k.inter"))
    with open(out, "w", encoding="utf-8") as f:
        f.write("user,item\n")
        for user, x in split.targets(mode).items():
            f.write(f"{user},{x.item}\n")
