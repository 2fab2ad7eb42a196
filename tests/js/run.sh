#!/usr/bin/env bash
# The JS layer of the tests, on the built package (run bash scripts/build.sh
# first): node's test runner over tests/js, the type check of
# tests/js/types.ts, and the packaging test tests/pack/run.mjs.
# Runs all three and exits non-zero if any failed.
#
#   bash tests/js/run.sh [--no-pack]
set -uo pipefail
cd "$(dirname "$0")/../.."

if [ ! -f pkg/ondevice_wasm.js ] || [ ! -f pkg/ondevice_bg.js ]; then
  echo "pkg/ is not built: run bash scripts/build.sh first" >&2
  exit 2
fi

declare -A result
status=0

echo "== node --test tests/js/"
if node --test --test-reporter=spec tests/js/; then result[js]=ok; else result[js]=FAILED; status=1; fi

echo "== tsc -p tests/js/tsconfig.json --noEmit"
if node_modules/.bin/tsc -p tests/js/tsconfig.json --noEmit; then result[types]=ok; else result[types]=FAILED; status=1; fi

if [ "${1:-}" = "--no-pack" ]; then
  result[pack]=skipped
else
  echo "== node tests/pack/run.mjs"
  if node tests/pack/run.mjs; then result[pack]=ok; else result[pack]=FAILED; status=1; fi
fi

echo "== js: ${result[js]}, types: ${result[types]}, pack: ${result[pack]}"
exit $status
