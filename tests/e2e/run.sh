#!/usr/bin/env bash
# The demo end to end: playwright-core drives headless Chromium against
# scripts/serve.mjs, with /www/data/ served from the hand-made fixture in
# tests/e2e/fixture/ (so MovieLens and the builder are not needed). Assumes
# the package is built (bash scripts/build.sh). Screenshots go to
# tests/artifacts/. Prints "N passed, N failed" last; exits non-zero on any
# failure. About two minutes on two cores.
#
#   bash tests/e2e/run.sh                      # every test file
#   bash tests/e2e/run.sh tests/e2e/control.test.mjs
#   E2E_DATA_DIR=www/data bash tests/e2e/run.sh   # against the prepared demo data (tests assume the fixture)
set -uo pipefail
cd "$(dirname "$0")/../.."

if [ ! -f pkg/ondevice_wasm.js ] || [ ! -f pkg/ondevice_bg.js ]; then
  echo "e2e: pkg/ is not built: run bash scripts/build.sh first" >&2
  echo "0 passed, 1 failed"
  exit 2
fi
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ] || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ]; then
  echo "e2e: needs ${CHROMIUM:-/usr/bin/chromium} and node_modules (bash scripts/setup.sh)" >&2
  echo "0 passed, 1 failed"
  exit 2
fi

mkdir -p tests/artifacts
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(tests/e2e/*.test.mjs)

echo "e2e: ${#files[@]} test files; screenshots go to tests/artifacts/"
# The summary reporter prints each test and, last, the totals line.
exec node --test --test-reporter=./tests/e2e/summary-reporter.mjs --test-reporter-destination=stdout "${files[@]}"
