#!/usr/bin/env bash
# Runs every test suite; installs what it needs first. Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

passed=0
failed=0
timings=()

# Runs one stage; a stage's cargo/node summary lines are added to the totals, and a
# stage that fails without any summary (a build error) counts as one failure. Only tests
# count: a stage that runs none (set-up, a build, a check) adds nothing when it succeeds.
stage() {
  local name=$1; shift
  local start=$SECONDS out
  log "stage: $name"
  out=$(mktemp)
  "$@" 2>&1 | tee "$out"
  local status=${PIPESTATUS[0]}
  local p f
  p=$(grep -E '^test result:' "$out" | sed -E 's/.* ([0-9]+) passed.*/\1/' | awk '{s+=$1} END {print s+0}')
  f=$(grep -E '^test result:' "$out" | sed -E 's/.* ([0-9]+) failed.*/\1/' | awk '{s+=$1} END {print s+0}')
  local np nf
  np=$(grep -E '^# pass [0-9]+' "$out" | awk '{s+=$3} END {print s+0}')
  nf=$(grep -E '^# fail [0-9]+' "$out" | awk '{s+=$3} END {print s+0}')
  p=$(( ${p:-0} + np )); f=$(( ${f:-0} + nf ))
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
  timings+=("$(printf '%-28s %4ss  %s passed, %s failed' "$name" $((SECONDS - start)) "$p" "$f")")
  rm -f "$out"
}

setup() {
  ensure_wasm_target
  ensure_wasm_bindgen
  ensure_npm_packages .
  ensure_chromium
  ensure_worker_build
}

stage "setup: toolchain, npm, chromium" setup
stage "lint: fmt, clippy -D warnings, rustdoc" bash scripts/lint.sh
stage "core: unit + property tests" cargo test -p linkedin-inbox --tests
stage "worker: pure logic (native)" cargo test -p linkedin-inbox-worker --lib
stage "core: wasm32 build" cargo build -p linkedin-inbox --lib --target wasm32-unknown-unknown
stage "npm boundary: wasm-bindgen-test" cargo test -p linkedin-inbox-npm --lib --target wasm32-unknown-unknown
stage "sandbox + doctor: contract tests" cargo test -p linkedin-inbox-sandbox -p linkedin-inbox-doctor --tests
stage "npm: tarball in node + chromium" bash scripts/test-npm.sh
stage "worker: in workerd vs sandbox" bash scripts/test-worker.sh
stage "popup: extension in chromium" bash scripts/test-popup.sh
stage "demo: make demo starts and stops" bash scripts/test-demo.sh
stage "docs: README commands and paths exist (check)" bash scripts/check-readme.sh

echo
log "stage times"
printf '  %s\n' "${timings[@]}"
echo
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
