#!/usr/bin/env bash
# Runs the builder's SQL (builder/sql/*.sql) unchanged on Apache Spark in local
# mode and checks that Spark and the builder's embedded DataFusion produce
# identical popularity, related and next (no noise), on a generated log and,
# when data/ml-100k/ is present, on MovieLens-100K.
#
#   scripts/spark_equivalence.sh            # both cases
#   scripts/spark_equivalence.sh --only generated
#
# Needs Java 17+ and Python 3.9+. pyspark is installed into a venv under
# target/ the first time (override the place with SPARK_VENV).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${SPARK_VENV:-$root/target/spark-venv}"

if ! "$venv/bin/python" -c 'import pyspark' 2>/dev/null; then
    echo "installing pyspark 4.3 into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check 'pyspark==4.3.*'
fi

cd "$root"
cargo build --quiet -p ondevice-builder
exec "$venv/bin/python" "$root/scripts/spark_equivalence.py" --root "$root" "$@"
