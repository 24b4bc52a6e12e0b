#!/usr/bin/env bash
# npm package tests: build and pack, install the tarball into a scratch project, then run
# node --test there: ESM, CommonJS and the web build in Chromium against the sandbox; accounts
# and watch() through the Worker in workerd (the sandbox behind it, delivering its simulated
# messages as webhooks; polling in Node 20, the push channel with --experimental-websocket); the
# types (tsc --strict in every resolution mode, are-the-types-wrong); the README's error
# codes; the toolchain matrix (Vite 5-8, webpack, esbuild, Rollup, server bundles; Next.js 15
# with webpack and Turbopack, Parcel 2, Rspack from their own cached install); and the
# package in a fresh Cloudflare Worker project (wrangler bundle, wrangler dev).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
repo=$PWD

# Run alone, it builds what it tests; under make test the shared build stage already has.
if [ -z "${TESTS_PREBUILT:-}" ]; then
  bash scripts/build-npm.sh
  build_worker
  ensure_chromium
  cargo build -q -p linkedin-inbox-sandbox
fi

# Next.js, Parcel and Rspack (native builds, hundreds of MB) stay out of the repository's
# node_modules: installed from their own lock once into a cache directory named by the lock's
# digest, outside the repository (Next.js takes the outermost lockfile above a project for its
# workspace root), made whole in a temporary directory and then renamed into place.
lock_digest=$(sha256sum npm/test/toolchains-deps/package-lock.json | cut -c1-16)
toolchain_deps="${XDG_CACHE_HOME:-$HOME/.cache}/linkedin-inbox/toolchain-deps-$lock_digest"
if [ ! -d "$toolchain_deps" ]; then
  log "npm install (from the lock) of Next.js, Parcel and Rspack into $toolchain_deps"
  mkdir -p "$(dirname "$toolchain_deps")"
  installing=$(mktemp -d "$toolchain_deps.XXXXXX")
  cp npm/test/toolchains-deps/package.json npm/test/toolchains-deps/package-lock.json "$installing/"
  (cd "$installing" && npm install --no-save --no-audit --no-fund --loglevel=error) || { rm -rf "$installing"; exit 1; }
  mv -T "$installing" "$toolchain_deps" 2>/dev/null || rm -rf "$installing" # another run made it first
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -r npm/test/* tests/js/sandbox.mjs "$scratch/"
cd "$scratch"
printf '{ "name": "scratch", "private": true, "type": "module" }\n' > package.json
tarball=$(ls "$repo"/npm/linkedin-inbox-*.tgz)
npm install --no-audit --no-fund --loglevel=error "$tarball" >/dev/null
# Links into the repository's node_modules, made after the install (npm would prune them).
ln -s "$repo/node_modules/playwright-core" node_modules/playwright-core
ln -s "$repo/node_modules/@types" node_modules/@types

log "node --test (installed tarball): API, accounts and watch through the Worker, types, README, toolchain matrix"
REPO="$repo" TARBALL="$tarball" TOOLCHAIN_DEPS="$toolchain_deps" SANDBOX_BIN="$repo/target/debug/sandbox" node --test --test-reporter=tap \
  live.test.mjs documented.test.mjs providers.test.mjs accounts.test.mjs triage.test.mjs send-files.test.mjs watch.test.mjs require.test.cjs web.test.mjs types.test.mjs readme.test.mjs toolchains.test.mjs toolchains-frameworks.test.mjs workers.test.mjs
log "node --test with a WebSocket (installed tarball): watch() through the push channel"
REPO="$repo" SANDBOX_BIN="$repo/target/debug/sandbox" node --experimental-websocket --test --test-reporter=tap watch-socket.test.mjs
