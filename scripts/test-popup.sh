#!/usr/bin/env bash
# Popup tests: the extension loaded in Debian Chromium, against the Worker in workerd and the sandbox.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_npm_packages .
ensure_chromium
build_www
[ -f worker/build/worker/shim.mjs ] || build_worker
cargo build -q -p linkedin-inbox-sandbox
TZ=Europe/London SANDBOX_BIN="$PWD/target/debug/sandbox" node --test --test-reporter=tap --test-concurrency=1 www/test/
