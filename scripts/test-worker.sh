#!/usr/bin/env bash
# Worker tests inside workerd (wrangler dev, local mode) against the provider sandbox.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_npm_packages .
[ -f npm/dist/node/index.mjs ] || bash scripts/build-npm.sh
build_worker
cargo build -q -p linkedin-inbox-sandbox
bundle=$(cat worker/build/index_bg.wasm worker/build/index.js | gzip -9 | wc -c)
echo "worker bundle wasm: ${bundle} bytes gzip (Cloudflare free plan limit: 3 MB)"
SANDBOX_BIN="$PWD/target/debug/sandbox" node --test --test-reporter=tap --test-concurrency=1 worker/test/
