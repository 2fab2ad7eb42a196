#!/usr/bin/env bash
# The lint stage of the test command: rustfmt's default style for the whole
# tree, and clippy with every warning an error for the core and shell
# (native and wasm32) and the aggregates builder.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all --check
cargo clippy --quiet -p ondevice --all-targets -- -D warnings
# On wasm32 the lib and the browser tests (the native tests use proptest).
cargo clippy --quiet -p ondevice --target wasm32-unknown-unknown --lib --test browser -- -D warnings
cargo clippy --quiet -p ondevice-builder --all-targets -- -D warnings
echo "lint: rustfmt and clippy clean"
