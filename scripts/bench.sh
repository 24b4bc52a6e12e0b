#!/usr/bin/env bash
# make bench: builds what it measures, then runs every benchmark and writes bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_npm_packages .
ensure_chromium
ensure_wasm_target
ensure_wasm_bindgen
# The boundary variants first: build-npm.sh then rebuilds the shipped variant.
build_boundary_variants
bash scripts/build-npm.sh >/dev/null
build_www
build_worker >/dev/null 2>&1
cargo build -q -p linkedin-inbox-sandbox
env $(boundary_variants_env) SANDBOX_BIN="$PWD/target/debug/sandbox" node bench/run.mjs
