#!/usr/bin/env bash
# make bench: builds what it measures, then runs every benchmark and writes bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_npm_packages .
ensure_chromium
bash scripts/build-npm.sh >/dev/null
build_www
build_worker >/dev/null 2>&1
cargo build -q -p linkedin-inbox-sandbox
SANDBOX_BIN="$PWD/target/debug/sandbox" node bench/run.mjs
