#!/usr/bin/env bash
# make bench: builds what it measures, then runs every benchmark and writes bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_npm_packages .
ensure_chromium
# The same package with results crossing the other ways (objects built by serde-wasm-bindgen;
# JSON text + JSON.parse; not at all), for the boundary comparison (built first: build-npm.sh
# then rebuilds the shipped variant).
ensure_wasm_target
ensure_wasm_bindgen
for boundary in swb json-text none; do
  cargo build -q --profile wasm-release --target wasm32-unknown-unknown \
    --features "boundary-$boundary" --lib -p linkedin-inbox-npm
  rm -rf "target/bench/$boundary"
  bindgen_node target/wasm32-unknown-unknown/wasm-release/linkedin_inbox_npm.wasm "target/bench/$boundary"
  optimize_wasm "target/bench/$boundary/linkedin_inbox_bg.wasm"
done
bash scripts/build-npm.sh >/dev/null
build_www
build_worker >/dev/null 2>&1
cargo build -q -p linkedin-inbox-sandbox
BENCH_SWB_PKG="$PWD/target/bench/swb/linkedin_inbox.js" BENCH_JSON_TEXT_PKG="$PWD/target/bench/json-text/linkedin_inbox.js" \
  BENCH_NO_OUTPUT_PKG="$PWD/target/bench/none/linkedin_inbox.js" SANDBOX_BIN="$PWD/target/debug/sandbox" node bench/run.mjs
