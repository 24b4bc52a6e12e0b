#!/usr/bin/env bash
# npm package tests: build and pack, install the tarball into a scratch project, then run
# node --test (ESM, CommonJS, Chromium web target) there against the sandbox, and tsc --strict.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
repo=$PWD

bash scripts/build-npm.sh
ensure_chromium
cargo build -q -p linkedin-inbox-sandbox

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp npm/test/* tests/js/sandbox.mjs "$scratch/"
cd "$scratch"
printf '{ "name": "scratch", "private": true, "type": "module" }\n' > package.json
npm install --no-audit --no-fund --loglevel=error "$repo"/npm/linkedin-inbox-*.tgz >/dev/null
ln -s "$repo/node_modules/playwright-core" node_modules/playwright-core

log "tsc --strict --noEmit on a typed usage file"
"$repo/node_modules/.bin/tsc" -p tsconfig.json
echo "test result: ok. 1 passed; 0 failed; tsc --strict"

log "node --test (installed tarball)"
SANDBOX_BIN="$repo/target/debug/sandbox" node --test --test-reporter=tap live.test.mjs providers.test.mjs require.test.cjs web.test.mjs
