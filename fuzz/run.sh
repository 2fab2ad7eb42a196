#!/usr/bin/env bash
# Runs the fuzzer in an optimized build that still catches what matters:
# panics unwind (so every crashing input is caught and the run goes on) and
# integer overflow panics, as in a debug build. The workspace's release
# profile (panic = "abort", opt-level "z", LTO) is for the wasm package;
# these variables override it for this build only, in its own target dir.
#
#   bash fuzz/run.sh --target catalogue --iterations 2000000
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=target/fuzz
export CARGO_PROFILE_RELEASE_PANIC=unwind
export CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS=true
export CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS=true
export CARGO_PROFILE_RELEASE_OPT_LEVEL=3
export CARGO_PROFILE_RELEASE_LTO=false
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
export CARGO_PROFILE_RELEASE_DEBUG=line-tables-only
exec cargo run --quiet -p ondevice-fuzz --release -- "$@"
