# Shared helpers for scripts/*.sh: idempotent installs of the toolchain pieces.
# Sourced, not run.

# The wasm-bindgen CLI must match the crate exactly: its one pin is in Cargo.toml.
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"$/\1/p' "$(dirname "${BASH_SOURCE[0]}")/../Cargo.toml")
[ -n "$WASM_BINDGEN_VERSION" ] || { echo "Cargo.toml: no exact wasm-bindgen pin" >&2; exit 1; }

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

ensure_wasm_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown \
    || rustup target add wasm32-unknown-unknown
}

ensure_wasm_bindgen() {
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION"; then
    log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (one time, a few minutes)"
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
}

ensure_npm_packages() {
  local dir=$1
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    # `npm install --no-save` installs the locked versions like `npm ci`, but also works when
    # the registry mirror has no package for other platforms (rollup's optional builds): the
    # lock then lacks them and `npm ci` refuses it. The lock is never rewritten.
    log "npm install (from the lock) in $dir"
    (cd "$dir" && npm install --no-save --no-audit --no-fund --loglevel=error)
  fi
}

ensure_chromium() {
  # Emoji and CJK fonts only make screenshots show real glyphs; tests do not depend on them.
  if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/truetype/noto ]; then
    log "installing Debian chromium and fonts (one time)"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver \
      fonts-noto-color-emoji fonts-noto-cjk >/dev/null
  fi
}

ensure_firefox() {
  # Debian's Firefox ESR, driven by npm puppeteer-core over WebDriver BiDi (www/test/firefox.mjs):
  # no browser is ever downloaded.
  if [ ! -x /usr/bin/firefox-esr ]; then
    log "installing Debian firefox-esr (one time)"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq firefox-esr >/dev/null
  fi
}

WORKER_BUILD_VERSION=0.8.7

ensure_worker_build() {
  if ! worker-build --version 2>/dev/null | grep -q "$WORKER_BUILD_VERSION"; then
    log "installing worker-build $WORKER_BUILD_VERSION (one time, a few minutes)"
    cargo install worker-build --version "$WORKER_BUILD_VERSION" --locked
  fi
}

# Builds worker/build with worker-build, using the pinned wasm-bindgen CLI (no downloads).
build_worker() {
  ensure_wasm_target
  ensure_wasm_bindgen
  ensure_worker_build
  (cd worker && WASM_BINDGEN_BIN="$(command -v wasm-bindgen)" worker-build --release)
}

# Shrinks a wasm-bindgen output in place with npm binaryen@132 (never Debian's binaryen: it
# corrupts modules). `--low-memory-unused`: Rust puts its stack first (addresses 0 to 1 MiB,
# growing down), so the low 1 KiB is never a valid data address and constant offsets fold into
# loads; `--converge` repeats -Oz until it stops shrinking; the target_features section is for
# linkers only (docs/npm.md, "Build alternatives": 564 bytes of gzip together).
optimize_wasm() {
  node_modules/.bin/wasm-opt -Oz --low-memory-unused --converge --strip-target-features --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue --strip-debug --strip-producers \
    -o "$1" "$1"
}

# wasm-bindgen's CommonJS build for Node of WASM into OUT. wasm-bindgen copies the ES-module
# snippet npm/js/boundary.js as is and `require`s it; that copy is made CommonJS here (the
# snippet exports only `export function NAME(` declarations, one per line).
bindgen_node() {
  local wasm=$1 out=$2 snippet
  wasm-bindgen --target nodejs --out-name linkedin_inbox --out-dir "$out" "$wasm"
  printf '{ "type": "commonjs" }\n' > "$out/package.json"
  for snippet in "$out"/snippets/*/js/*.js; do
    [ -f "$snippet" ] || continue
    sed -i 's/^export function \([A-Za-z0-9_]*\)(/exports.\1 = \1;\nfunction \1(/' "$snippet"
    if grep -q '^export ' "$snippet"; then
      echo "bindgen_node: an export left in $snippet" >&2
      return 1
    fi
  done
}

# The npm package's wasm with results crossing the other ways (objects built by
# serde-wasm-bindgen; JSON text + JSON.parse; not at all), for the boundary comparison of make
# bench, in target/bench/{swb,json-text,none} (Node builds). It leaves the cargo output of the last
# variant: build npm/dist (scripts/build-npm.sh) after it.
build_boundary_variants() {
  local boundary
  for boundary in swb json-text none; do
    cargo build -q --profile wasm-release --target wasm32-unknown-unknown \
      --features "boundary-$boundary" --lib -p linkedin-inbox-npm
    rm -rf "target/bench/$boundary"
    bindgen_node target/wasm32-unknown-unknown/wasm-release/linkedin_inbox_npm.wasm "target/bench/$boundary"
    optimize_wasm "target/bench/$boundary/linkedin_inbox_bg.wasm"
  done
}

# The environment naming those builds for bench/normalize.mjs.
boundary_variants_env() {
  echo "BENCH_SWB_PKG=$PWD/target/bench/swb/linkedin_inbox.js BENCH_JSON_TEXT_PKG=$PWD/target/bench/json-text/linkedin_inbox.js BENCH_NO_OUTPUT_PKG=$PWD/target/bench/none/linkedin_inbox.js"
}

# A digest of every file npm/dist is built from (scripts/build-npm.sh writes it beside the build
# in NPM_DIST_STAMP), so a build of npm/dist older than its sources is noticed; with the version
# of wasm-opt (npm binaryen, as package-lock.json pins it), which rewrites the .wasm.
NPM_DIST_STAMP=target/npm-dist.sources
npm_sources_digest() {
  {
    find src npm/src npm/js npm/build.rs npm/Cargo.toml npm/package.json Cargo.toml Cargo.lock \
      scripts/build-npm.sh scripts/assemble-npm.mjs scripts/lib.sh -type f -print0 \
      | LC_ALL=C sort -z | xargs -0 sha256sum
    echo "binaryen $(node -p 'require("./package-lock.json").packages["node_modules/binaryen"]?.version ?? "none"')"
  } | sha256sum | cut -d' ' -f1
}

# Builds npm/dist unless it was built from the sources as they are now.
ensure_npm_dist() {
  if [ ! -f npm/dist/index.js ] || [ "$(cat "$NPM_DIST_STAMP" 2>/dev/null)" != "$(npm_sources_digest)" ]; then
    log "npm/dist is missing or older than its sources: building it"
    bash scripts/build-npm.sh
  fi
}

# Copies the npm package's browser entry (dist/index.js and what it imports, the one .wasm) into
# www/pkg and bundles the popup's script (www/popup.bundle.js); both built, never committed.
build_www() {
  ensure_npm_dist
  rm -rf www/pkg
  mkdir -p www/pkg
  cp -r npm/dist/{index.js,api.js,send-files.js,send-limits.js,locate.js,error-codes.js,linkedin_inbox.js,linkedin_inbox_bg.wasm,index.d.mts,index.d.cts,snippets} www/pkg/
  node scripts/bundle-popup.mjs
}
