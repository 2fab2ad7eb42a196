#!/usr/bin/env bash
# The builder and the Spark job end to end on the same raw input
# (scripts/spark_equivalence.py says what is compared): a generated log in the
# test command, and MovieLens-100K too when data/ml-100k/ is present.
#
#   scripts/spark_equivalence.sh                    # every case
#   scripts/spark_equivalence.sh --only generated   # the test command's cases
#   scripts/spark_equivalence.sh --only movielens
#
# Needs Java 17+ and the venv that scripts/setup.sh installs (pyspark 4.3.0 in
# target/spark-venv; another place with SPARK_VENV).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${SPARK_VENV:-$root/target/spark-venv}"

if ! "$venv/bin/python" -c 'import pyspark' 2>/dev/null; then
    echo "pyspark is not installed in $venv: run bash scripts/setup.sh" >&2
    exit 1
fi

cd "$root"
cargo build --quiet -p ondevice-builder
exec "$venv/bin/python" "$root/scripts/spark_equivalence.py" --root "$root" "$@"
