#!/usr/bin/env bash
# make bench: builds what it measures, then runs every benchmark and writes bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_npm_packages .
ensure_chromium
# The same package with results crossing as JSON text + JSON.parse, for the boundary comparison
# (built first: build-npm.sh then rebuilds the shipped variant).
ensure_wasm_target
ensure_wasm_bindgen
cargo build -q --profile wasm-release --target wasm32-unknown-unknown --no-default-features \
  --features wasm,boundary-json-text --lib -p linkedin-inbox
json_text=target/bench/json-text
rm -rf "$json_text"
wasm-bindgen --target nodejs --out-dir "$json_text" target/wasm32-unknown-unknown/wasm-release/linkedin_inbox.wasm
optimize_wasm "$json_text/linkedin_inbox_bg.wasm"
bash scripts/build-npm.sh >/dev/null
build_www
build_worker >/dev/null 2>&1
cargo build -q -p linkedin-inbox-sandbox
BENCH_JSON_TEXT_PKG="$PWD/$json_text/linkedin_inbox.js" SANDBOX_BIN="$PWD/target/debug/sandbox" node bench/run.mjs
