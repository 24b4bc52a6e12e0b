#!/usr/bin/env bash
# Builds the npm package in npm/dist: wasm-bindgen's web build, the wasm optimized
# (optimize_wasm), assembled with the entries of npm/js (scripts/assemble-npm.mjs: one .wasm for
# Node, browsers and bundlers); packs npm/linkedin-inbox-*.tgz and prints its sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_wasm_target
ensure_wasm_bindgen
ensure_npm_packages .

sources=$(npm_sources_digest)
cargo build -q --profile wasm-release --target wasm32-unknown-unknown --lib -p linkedin-inbox-npm
wasm=target/wasm32-unknown-unknown/wasm-release/linkedin_inbox_npm.wasm
web=target/npm-web
rm -rf "$web"
wasm-bindgen --target web --out-name linkedin_inbox --out-dir "$web" "$wasm"
optimize_wasm "$web/linkedin_inbox_bg.wasm"
node scripts/assemble-npm.mjs "$web" npm/dist
node scripts/readme-error-codes.mjs
mkdir -p "$(dirname "$NPM_DIST_STAMP")"
# What npm/dist was built from: build_www (make package, make demo) rebuilds when it differs.
echo "$sources" > "$NPM_DIST_STAMP"

wasm_file=npm/dist/linkedin_inbox_bg.wasm
raw=$(wc -c < "$wasm_file")
gz=$(gzip -9 -c "$wasm_file" | wc -c)
echo "npm package wasm: ${raw} bytes raw (the file), ${gz} bytes gzip -9 ($((gz / 1024)) KiB; budget 163,840 = 160 KiB, target 153,600 = 150 KiB)"
rm -f npm/linkedin-inbox-*.tgz
(cd npm && npm pack --silent --loglevel=error >/dev/null)
tgz=$(ls npm/linkedin-inbox-*.tgz)
unpacked=$(tar -xzOf "$tgz" | wc -c)
echo "npm package install: ${unpacked} bytes of files (the tarball unpacked: tar -xzOf | wc -c, the bytes npm install writes to node_modules; target under 500,000), tarball $(wc -c < "$tgz") bytes"
echo "$tgz"
