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
# Dates in the unit tests and the screenshots are in one zone with DST.
TZ=Europe/London SANDBOX_BIN="$PWD/target/debug/sandbox" node --test --test-reporter=tap --test-concurrency=1 www/test/*.test.mjs
