#!/usr/bin/env bash
# Builds the npm package in npm/dist (node + web targets), optimizes the wasm (optimize_wasm),
# packs npm/linkedin-inbox-*.tgz.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_wasm_target
ensure_wasm_bindgen
ensure_npm_packages .

cargo build -q --profile wasm-release --target wasm32-unknown-unknown --lib -p linkedin-inbox-npm
wasm=target/wasm32-unknown-unknown/wasm-release/linkedin_inbox_npm.wasm
rm -rf npm/dist
bindgen_node "$wasm" npm/dist/node
wasm-bindgen --target web --out-name linkedin_inbox --out-dir npm/dist/web "$wasm"
for target in node web; do
  optimize_wasm npm/dist/$target/linkedin_inbox_bg.wasm
done
cp npm/js/node-entry.cjs npm/dist/node/index.cjs
cp npm/js/node-entry.mjs npm/dist/node/index.mjs
cp npm/js/web-entry.js npm/dist/web/index.js
cp npm/dist/node/linkedin_inbox.d.ts npm/dist/web/index.d.ts

wasm_file=npm/dist/web/linkedin_inbox_bg.wasm
raw=$(wc -c < "$wasm_file")
gz=$(gzip -9 -c "$wasm_file" | wc -c)
echo "npm package wasm: ${raw} bytes raw, ${gz} bytes gzip ($((gz / 1024)) KB; budget 150 KB)"
rm -f npm/linkedin-inbox-*.tgz
(cd npm && npm pack --silent --loglevel=error >/dev/null)
ls npm/linkedin-inbox-*.tgz
