#!/usr/bin/env bash
# Runs every test: native core, aggregates builder, the shell in headless
# Chromium, the built package as sites use it, the demo end to end, and the
# package size (a ceiling until the 60 KB budget is met). Installs what is missing first (scripts/setup.sh).
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
failures=()
stage() {
  local name=$1; shift
  printf '\n==== %s\n' "$name"
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1)); printf '==== %s: ok (%ss)\n' "$name" $((SECONDS - start))
  else
    failed=$((failed + 1)); failures+=("$name"); printf '==== %s: FAILED (%ss)\n' "$name" $((SECONDS - start))
  fi
}

bash scripts/setup.sh || { echo "setup failed"; exit 1; }
bash scripts/build.sh || { echo "build failed"; exit 1; }

stage "package size (gzip ceiling, bench/perf/sizes.mjs)" node bench/perf/sizes.mjs --ceiling
stage "lint (rustfmt, clippy -D warnings: native, wasm32, builder)" bash scripts/lint.sh
stage "core (cargo test)" cargo test -p ondevice
stage "browser (wasm-bindgen-test, headless Chromium)" \
  env CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown -p ondevice --test browser
stage "package (node, tsc, npm pack)" bash tests/js/run.sh
stage "readme examples" node tests/readme/run.mjs
stage "aggregates builder (cargo test)" cargo test -p ondevice-builder
stage "Spark job = builder (local mode, generated log)" bash scripts/spark_equivalence.sh --only generated
stage "demo end to end (playwright)" bash tests/e2e/run.sh
stage "reliability, hostile input, fuzz smoke" bash tests/reliability/run.sh

printf '\n'
[ ${#failures[@]} -eq 0 ] || printf 'failed: %s\n' "${failures[*]}"
echo "stages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
