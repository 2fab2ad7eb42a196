#!/usr/bin/env bash
# The builder's cost benchmark (issue 20): sets up bench/builder/.venv from
# requirements.txt when needed, builds the builder's optimized binary
# (`--profile builder`; about 25 minutes the first time on 2 cores), then runs
# run.py with the given arguments.
#   bash bench/builder/run.sh [--sizes 1m,10m]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="$HERE/.venv"
# shellcheck source=../venv.sh
source "$HERE/../venv.sh"
bench_venv "$HERE"
(cd "$ROOT" && cargo build --quiet --profile builder -p ondevice-builder)
exec "$VENV/bin/python" "$HERE/run.py" --builder "$ROOT/target/builder/ondevice-builder" "$@"
