#!/usr/bin/env bash
# Runs every test suite; installs what it needs first. Ends with "N passed, N failed".
#
# Set-up and one shared build run first; then five lanes run side by side, each a sequence of
# stages: the lint (CPU-bound), the npm tarball followed by the Rust unit tests, the Worker in
# workerd, the popup in Chromium followed by the demo, and the popup in Firefox. The lanes that
# drive browsers and workerd mostly wait on them, so the lanes overlap well even on two cores.
# Each stage's output goes to its own log, printed whole once the stage ends, so lanes never
# interleave lines.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
started=$SECONDS

# stage ID NAME COMMAND...: runs one stage into $logs/ID.log and records its status and time.
# A stage's output is printed whole when it ends (under a lock, so two never mix).
stage() {
  local id=$1 name=$2; shift 2
  local start=$SECONDS status
  # In a subshell whose `times` then reads the CPU the stage's processes used (every waited
  # descendant: cargo's rustc, node's browsers and workerd), so a slow lane shows whether it
  # computes or waits.
  (
    "$@" > "$logs/$id.log" 2>&1
    code=$?
    times > "$logs/$id.times" # not in a pipeline: a pipeline's subshell has no children
    tail -1 "$logs/$id.times" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%d\n", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' > "$logs/$id.cpu"
    exit "$code"
  )
  status=$?
  printf '%s\t%s\t%s\t%s\n' "$name" "$status" $((SECONDS - start)) "$(cat "$logs/$id.cpu" 2>/dev/null || echo '?')" > "$logs/$id.result"
  {
    flock 9
    log "stage: $name ($((SECONDS - start)) s, exit $status)"
    cat "$logs/$id.log"
  } 9> "$logs/print.lock"
  return "$status"
}

# A lane runs its stages in order and goes on past a failed one: every failure is counted.
# The lint lane; the Rust unit tests follow the npm lane, which ends first.
lane_lint() { stage 10 "lint: fmt, clippy -D warnings, rustdoc" bash scripts/lint.sh; }
lane_npm_then_rust() {
  stage 20 "npm: tarball in node + chromium" bash scripts/test-npm.sh
  stage 21 "core: unit + property tests" cargo test -p linkedin-inbox --tests
  stage 22 "worker: pure logic (native)" cargo test -p linkedin-inbox-worker --lib
  stage 23 "npm boundary: wasm-bindgen-test" cargo test -p linkedin-inbox-npm --lib --target wasm32-unknown-unknown
  stage 24 "sandbox + doctor + admin CLI: contract and unit tests" cargo test -p linkedin-inbox-sandbox -p linkedin-inbox-doctor -p linkedin-inbox-admin --tests
  stage 25 "docs: README commands and paths exist (check)" bash scripts/check-readme.sh
}
lane_worker() { stage 30 "worker: in workerd vs sandbox" bash scripts/test-worker.sh; }
lane_popup_chromium() {
  stage 40 "popup: extension in chromium, packages, unit tests" bash scripts/test-popup.sh chromium
  stage 41 "demo: make demo starts and stops" bash scripts/test-demo.sh
}
lane_popup_firefox() { stage 42 "popup: extension in firefox" bash scripts/test-popup.sh firefox; }

# The downloads (npm packages, Debian browsers) wait on the network while the two CLI tools
# compile on the CPU: on a fresh machine they run side by side.
setup() {
  local downloads status=0
  ensure_wasm_target || return
  { ensure_npm_packages . && ensure_chromium && ensure_firefox; } &
  downloads=$!
  ensure_wasm_bindgen && ensure_worker_build || status=1
  wait "$downloads" || status=1
  return "$status"
}

# The one build every lane reads: the npm package (and its tarball), the Worker, the sandbox,
# the operator CLI (the Worker lane runs it),
# the core on wasm32 and the store packages. The lanes' scripts skip their own builds after it.
shared_build() (
  set -e
  bash scripts/build-npm.sh
  build_worker
  cargo build -q -p linkedin-inbox-sandbox
  cargo build -q -p linkedin-inbox-admin
  cargo build -q -p linkedin-inbox --lib --target wasm32-unknown-unknown
  bash scripts/package.sh
)

if stage 00 "setup: toolchain, npm, browsers" setup \
  && stage 01 "build: npm package, Worker, sandbox, store zips (shared)" shared_build; then
  export TESTS_PREBUILT=1
  lane_lint & lane_npm_then_rust & lane_worker & lane_popup_chromium & lane_popup_firefox &
  wait
fi

passed=0
failed=0
echo
log "stage times (wall: $((SECONDS - started)) s)"
for result in "$logs"/*.result; do
  id=$(basename "$result" .result)
  IFS=$'\t' read -r name status secs cpu < "$result"
  out="$logs/$id.log"
  # cargo's "test result:" lines and node's TAP "# pass"/"# fail" lines add to the totals; a
  # stage that fails without any summary (a build error) counts as one failure. A stage that
  # runs no test (set-up, a build, a check) adds nothing when it succeeds.
  p=$(grep -E '^test result:' "$out" | sed -E 's/.* ([0-9]+) passed.*/\1/' | awk '{s+=$1} END {print s+0}')
  f=$(grep -E '^test result:' "$out" | sed -E 's/.* ([0-9]+) failed.*/\1/' | awk '{s+=$1} END {print s+0}')
  np=$(grep -E '^# pass [0-9]+' "$out" | awk '{s+=$3} END {print s+0}')
  nf=$(grep -E '^# fail [0-9]+' "$out" | awk '{s+=$3} END {print s+0}')
  p=$((p + np)); f=$((f + nf))
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
  printf '  %-52s %4ss wall %5ss CPU  %s passed, %s failed\n' "$name" "$secs" "$cpu" "$p" "$f"
done
# A set-up or build failure stops the run before the lanes: say so rather than "0 passed".
[ -f "$logs/01.result" ] && [ -f "$logs/10.result" ] || { [ "$failed" -gt 0 ] || failed=1; }
echo
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
