#!/usr/bin/env bash
# Sections 1 and 2 of make bench alone (normalization speed and sizes: minutes, not the whole
# bench): builds what they measure like scripts/bench.sh, then runs bench/run.mjs with
# BENCH_SECTIONS=1-2, which puts both sections in place of theirs in bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_npm_packages .
ensure_wasm_target
ensure_wasm_bindgen
build_boundary_variants
bash scripts/build-npm.sh >/dev/null
build_worker >/dev/null 2>&1
env $(boundary_variants_env) BENCH_SECTIONS=1-2 node bench/run.mjs
