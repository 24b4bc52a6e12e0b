#!/usr/bin/env bash
# Worker tests inside workerd (wrangler dev, local mode) against the provider sandbox.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
# Run alone, it builds what it tests; under make test the shared build stage already has.
if [ -z "${TESTS_PREBUILT:-}" ]; then
  ensure_npm_packages .
  ensure_npm_dist
  build_worker
  cargo build -q -p linkedin-inbox-sandbox
  cargo build -q -p linkedin-inbox-admin   # worker/test/admin_cli.test.mjs runs the operator CLI
fi
bundle=$(cat worker/build/index_bg.wasm worker/build/index.js | gzip -9 | wc -c)
echo "worker bundle wasm: ${bundle} bytes gzip (Cloudflare free plan limit: 3 MB)"
# The bundle builds for deploy (nothing is uploaded): the size Cloudflare would receive.
dry=$(mktemp -d)
if (cd worker && WORKER_SKIP_BUILD=1 WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false \
    ../node_modules/.bin/wrangler deploy --dry-run --outdir "$dry" > "$dry/log" 2>&1); then
  deployed=$(cat "$dry"/*.wasm "$dry"/*.js | gzip -9 | wc -c)
  echo "wrangler deploy --dry-run: ${deployed} bytes gzip"
  echo "test result: ok. 1 passed; 0 failed; wrangler deploy --dry-run"
else
  cat "$dry/log"
  echo "test result: FAILED. 0 passed; 1 failed; wrangler deploy --dry-run"
  dry_run_failed=1
fi
rm -rf "$dry"
SANDBOX_BIN="$PWD/target/debug/sandbox" node --experimental-websocket --test --test-reporter=tap --test-concurrency=1 worker/test/*.test.mjs
[ -z "${dry_run_failed:-}" ]
