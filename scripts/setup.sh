#!/usr/bin/env bash
# Installs what building and testing need, only where it is missing:
# the wasm32 target, wasm-bindgen-cli 0.2.130 (same version as the crate),
# npm dev dependencies, Debian's chromium and chromium-driver.
# Idempotent; a few seconds when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130
say() { printf '[setup] %s\n' "$*" >&2; }

# A cold run writes about 3.3 GB under target/ (most of it the aggregates
# builder's dependencies; 0.5 GB the pyspark venv). Too little room shows up
# later as a linker's "Bus error" or "No space left on device"; say so first.
need_kb=$((5 * 1024 * 1024))
free_kb=$(df -Pk . 2>/dev/null | awk 'NR == 2 { print $4 }')
if [ -n "$free_kb" ] && [ "$free_kb" -lt "$need_kb" ]; then
  say "warning: $((free_kb / 1024)) MB free on the disk holding this checkout; a cold test run needs about 5,000 MB (3.3 GB under target/ plus tools)"
fi

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

for component in rustfmt clippy; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
    say "adding the $component component (the lint stage)"
    rustup component add "$component"
  fi
done

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 8 minutes on 2 cores)"
  # --locked fails: a locked dependency version is not served by the registry.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if [ "${ONDEVICE_NO_BROWSER:-}" != 1 ] && { ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; }; then
  say "installing Debian's chromium and chromium-driver"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# npm ci only when the lock file changed since the last install.
stamp=node_modules/.ondevice-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  say "installing npm dev dependencies"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi

# pyspark for the Spark equivalence stage (builder/spark, scripts/spark_equivalence.sh),
# in a venv under target/ (about 40 s and 520 MB); Spark needs a Java runtime.
SPARK_VERSION=4.3.0
spark_venv="${SPARK_VENV:-target/spark-venv}"
if [ "${ONDEVICE_NO_SPARK:-}" != 1 ]; then
  if ! command -v java >/dev/null; then
    say "installing Debian's default Java runtime (Spark runs on the JVM)"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq default-jre-headless >/dev/null
  fi
  if [ "$("$spark_venv/bin/python" -c 'import pyspark; print(pyspark.__version__)' 2>/dev/null)" != "$SPARK_VERSION" ]; then
    say "installing pyspark $SPARK_VERSION into $spark_venv (about 40 s)"
    python3 -m venv "$spark_venv"
    "$spark_venv/bin/pip" install --quiet --disable-pip-version-check "pyspark==$SPARK_VERSION"
  fi
fi
