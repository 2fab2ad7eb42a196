#!/usr/bin/env bash
# Fetch MovieLens-100K into <repo>/data/ml-100k/ (git-ignored).
#
# The copy comes from the PyPI wheel of RecBole 1.2.1, which ships the dataset
# in its atomic-file format (ml-100k.inter, ml-100k.item). PyPI is a registry
# this project can always reach, so the benchmark needs no other download.
# The MovieLens licence forbids redistribution: never commit data/.
#
# Idempotent: does nothing when both files are already present and non-empty.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEST="${ML100K_DIR:-$REPO_ROOT/data/ml-100k}"
PYTHON="${PYTHON:-python3}"
WHEEL_SPEC="recbole==1.2.1"
MEMBER_PREFIX="recbole/dataset_example/ml-100k/"

if [[ -s "$DEST/ml-100k.inter" && -s "$DEST/ml-100k.item" ]]; then
    echo "fetch: $DEST already holds ml-100k.inter and ml-100k.item"
    exit 0
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "fetch: downloading the $WHEEL_SPEC wheel from PyPI"
"$PYTHON" -m pip download --quiet --no-deps --only-binary=:all: \
    -d "$WORK" "$WHEEL_SPEC"

WHEEL="$(ls "$WORK"/recbole-1.2.1-*.whl)"
mkdir -p "$DEST"

# A wheel is a zip; extract with Python so `unzip` need not be installed.
"$PYTHON" - "$WHEEL" "$DEST" "$MEMBER_PREFIX" <<'PY'
import os, sys, zipfile
wheel, dest, prefix = sys.argv[1:4]
with zipfile.ZipFile(wheel) as zf:
    members = [m for m in zf.namelist() if m.startswith(prefix) and not m.endswith("/")]
    if not members:
        sys.exit(f"fetch: no files under {prefix} in {wheel}")
    for name in members:
        target = os.path.join(dest, os.path.basename(name))
        tmp = target + ".part"
        with zf.open(name) as src, open(tmp, "wb") as out:
            out.write(src.read())
        os.replace(tmp, target)  # never leave a half-written file behind
        print(f"fetch: wrote {target}")
PY

for f in ml-100k.inter ml-100k.item; do
    if [[ ! -s "$DEST/$f" ]]; then
        echo "fetch: expected $DEST/$f after extraction, found none" >&2
        exit 1
    fi
done

head -1 "$DEST/ml-100k.inter"
echo "fetch: $(($(wc -l < "$DEST/ml-100k.inter") - 1)) interactions in $DEST/ml-100k.inter"
