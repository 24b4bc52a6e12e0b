#!/usr/bin/env bash
# Size and speed of build alternatives of the npm package's wasm, side by side with the shipped
# build (npm/dist, from scripts/build-npm.sh) and the JS baselines in one run (docs/npm.md,
# "Build alternatives"). Each alternative is NAME:OPT_LEVEL_OF_THE_CORE:WASM_OPT_LEVEL, e.g.
#   bash bench/alternatives.sh z-O3:z:-O3 core3-Oz:3:-Oz
# built into target/alternatives (the core's and serde_json's opt-level overridden; the rest as
# the wasm-release profile), copied into a copy of npm/dist, measured on connectsafely-100 and
# linkup-1MB (BENCH_CASES) by bench/normalize.mjs. Prints `gzip NAME raw gz` lines, then the
# normalize lines (`impl case bytes min_ns median_ns`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
out=target/alternatives
mkdir -p "$out"
pkgs=()
for spec in "$@"; do
  IFS=: read -r name core wasm_opt <<<"$spec"
  CARGO_TARGET_DIR="${ALT_TARGET_DIR:-$out/target}" cargo build -q --profile wasm-release --target wasm32-unknown-unknown --lib \
    -p linkedin-inbox-npm --config "profile.wasm-release.package.linkedin-inbox.opt-level=$([[ $core =~ ^[0-9]$ ]] && echo "$core" || echo "\"$core\"")"
  web="$out/web-$name"
  rm -rf "$web" "$out/dist-$name"
  wasm-bindgen --target web --out-name linkedin_inbox --out-dir "$web" "${ALT_TARGET_DIR:-$out/target}/wasm32-unknown-unknown/wasm-release/linkedin_inbox_npm.wasm"
  node_modules/.bin/wasm-opt "$wasm_opt" --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue --strip-debug --strip-producers \
    -o "$web/linkedin_inbox_bg.wasm" "$web/linkedin_inbox_bg.wasm"
  cp -r npm/dist "$out/dist-$name"
  cp "$web/linkedin_inbox_bg.wasm" "$out/dist-$name/linkedin_inbox_bg.wasm"
  echo "gzip $name $(wc -c < "$web/linkedin_inbox_bg.wasm") $(gzip -9 -c "$web/linkedin_inbox_bg.wasm" | wc -c)"
  pkgs+=("$name=$PWD/$out/dist-$name/node.cjs")
done
wasm=npm/dist/linkedin_inbox_bg.wasm
echo "gzip shipped $(wc -c < "$wasm") $(gzip -9 -c "$wasm" | wc -c)"
payloads=$(mktemp -d)
node -e 'import("./bench/payloads.mjs").then((m) => m.writePayloads(process.argv[1]))' "$payloads"
BENCH_ALT_PKGS=$(IFS=,; echo "${pkgs[*]}") BENCH_CASES=${BENCH_CASES:-connectsafely-100,linkup-1MB} \
  node bench/normalize.mjs "$payloads" | grep -v -- "-bytes " | awk '{ printf "%s %s %.1f MB/s (median of 15)\n", $1, $2, $3 / $5 * 1000 }'
rm -rf "$payloads"
