#!/usr/bin/env bash
# Popup tests: the extension loaded in Debian Chromium and in Debian Firefox ESR (firefox*.test.mjs),
# against the Worker in workerd and the sandbox (popup, states: notices, axe, screenshot
# baselines; live: accounts, the badge's service worker, notifications, simulated messages
# through signed webhooks), the date, explanation and change-feed unit tests, and the store
# packages (make package: the Chrome and the Firefox zip) unzipped and loaded.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
# Run alone, it builds what it tests; under make test the shared build stage already has.
if [ -z "${TESTS_PREBUILT:-}" ]; then
  ensure_npm_packages .
  ensure_chromium
  ensure_firefox
  build_www
  [ -f worker/build/worker/shim.mjs ] || build_worker
  cargo build -q -p linkedin-inbox-sandbox
  bash scripts/package.sh
fi
# Dates in the unit tests and the screenshots are in one zone with DST. Each file starts its own
# sandbox, Worker and browser on free ports, so the Firefox files and the others run side by
# side (they mostly wait on the browsers); each half prints its TAP whole once it ends.
popup_tests() {
  TZ=Europe/London SANDBOX_BIN="$PWD/target/debug/sandbox" \
    node --test --test-reporter=tap --test-concurrency=1 "$@"
}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
firefox_files=(www/test/firefox*.test.mjs)
other_files=()
for file in www/test/*.test.mjs; do
  case "$file" in www/test/firefox*) ;; *) other_files+=("$file") ;; esac
done
popup_tests "${firefox_files[@]}" > "$out/firefox.tap" 2>&1 &
firefox_pid=$!
status=0
popup_tests "${other_files[@]}" > "$out/others.tap" 2>&1 || status=1
wait "$firefox_pid" || status=1
cat "$out/others.tap" "$out/firefox.tap"
exit "$status"
