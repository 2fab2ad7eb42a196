#!/usr/bin/env bash
# One command for the quality benchmark: sets up bench/quality/.venv from
# requirements.txt when needed, then runs run.py with the given arguments.
#   bash bench/quality/run.sh [--validation] [--skip-ondevice]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/.venv"
# shellcheck source=../venv.sh
source "$HERE/../venv.sh"
bench_venv "$HERE"

exec "$VENV/bin/python" "$HERE/run.py" "$@"
