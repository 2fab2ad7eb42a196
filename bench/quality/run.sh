#!/usr/bin/env bash
# One command for the quality benchmark: sets up bench/quality/.venv from
# requirements.txt when needed, then runs run.py with the given arguments.
#   bash bench/quality/run.sh [--validation] [--skip-ondevice]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/.venv"
STAMP="$VENV/.requirements.sha256"
WANT="$(sha256sum "$HERE/requirements.txt" | cut -d' ' -f1)"

if [[ ! -x "$VENV/bin/python" ]]; then
    echo "run: creating $VENV"
    python3 -m venv "$VENV"
fi
if [[ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]]; then
    echo "run: installing $HERE/requirements.txt"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -r "$HERE/requirements.txt"
    echo "$WANT" > "$STAMP"
fi

exec "$VENV/bin/python" "$HERE/run.py" "$@"
