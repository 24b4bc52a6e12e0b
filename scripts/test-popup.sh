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
# Which files: `firefox` (the extension in Firefox), `chromium` (the extension in Chromium, the
# store packages and the unit tests), or all of them (no argument). `make test` runs the two
# halves side by side: each mostly waits on its browser.
case "${1:-all}" in
  firefox) files=(www/test/firefox*.test.mjs) ;;
  chromium) files=(); for f in www/test/*.test.mjs; do [[ $f == www/test/firefox* ]] || files+=("$f"); done ;;
  all) files=(www/test/*.test.mjs) ;;
  *) echo "usage: $0 [chromium|firefox]" >&2; exit 2 ;;
esac
# Dates in the unit tests and the screenshots are in one zone with DST.
TZ=Europe/London SANDBOX_BIN="$PWD/target/debug/sandbox" node --test --test-reporter=tap --test-concurrency=1 "${files[@]}"
