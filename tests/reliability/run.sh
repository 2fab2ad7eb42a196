#!/usr/bin/env bash
# Runs the hostile-input corpus (Node and headless Chromium), the browser
# reliability tests and the fuzz smoke test, then prints one line
# "N passed, N failed" over all of them; exits non-zero on any failure.
# Assumes the package is built (bash scripts/build.sh) and Chromium is at
# /usr/bin/chromium (or $CHROMIUM).
#
#   bash tests/reliability/run.sh
set -uo pipefail
cd "$(dirname "$0")/../.."

if [ ! -f pkg/ondevice_wasm.js ] || [ ! -f pkg/ondevice_bg.js ]; then
  echo "pkg/ is not built: run bash scripts/build.sh first" >&2
  exit 2
fi

passed=0
failed=0
broken=()
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT

add() { # $1 stage name, $2 passed, $3 failed, $4 exit status
  passed=$((passed + $2)); failed=$((failed + $3))
  if [ "$3" -ne 0 ] || [ "$4" -ne 0 ]; then broken+=("$1"); fi
  # A stage that failed without a failing test (a crash, a build error)
  # still counts as one failure.
  if [ "$3" -eq 0 ] && [ "$4" -ne 0 ]; then failed=$((failed + 1)); fi
  printf '== %s: %s passed, %s failed (%ss)\n' "$1" "$2" "$3" $((SECONDS - start))
}

node_stage() { # $1 name, rest: test files
  local name=$1; shift
  printf '\n== %s\n' "$name"
  start=$SECONDS
  node --test --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=./tests/reliability/summary-reporter.mjs --test-reporter-destination="$summary" "$@"
  local status=$?
  cat "$summary"
  local line; line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$summary" | tail -1)
  add "$name" "${line%% passed*}" "$(echo "$line" | sed -E 's/.* ([0-9]+) failed/\1/')" "$status"
}

node_stage "hostile input (Node, built package)" tests/hostile/hostile.test.mjs
node_stage "hostile stored values (Chromium)" tests/hostile/stored.test.mjs
node_stage "browser reliability (Chromium)" tests/reliability/*.test.mjs

printf '\n== fuzz smoke (cargo test -p ondevice-fuzz)\n'
start=$SECONDS
out=$(RUST_BACKTRACE=0 CARGO_TARGET_DIR=target/fuzz cargo test -p ondevice-fuzz 2>&1)
status=$?
echo "$out" | grep -vE '^\s+Compiling|^\s+Running|^\s+Doc-tests|^$'
p=$(echo "$out" | awk '/^test result:/ { for (i = 1; i < NF; i++) if ($(i + 1) ~ /^passed;/) n += $i } END { print n + 0 }')
f=$(echo "$out" | awk '/^test result:/ { for (i = 1; i < NF; i++) if ($(i + 1) ~ /^failed;/) n += $i } END { print n + 0 }')
add "fuzz smoke" "${p:-0}" "${f:-0}" "$status"

printf '\n'
[ ${#broken[@]} -eq 0 ] || printf 'failing stages: %s\n' "${broken[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
