#!/usr/bin/env bash
# The fast first checks: the code's shape (the Worker's layer rules, files under 400 lines),
# formatting, clippy with warnings denied (natively, and on wasm32 for the crates that ship as
# wasm: the Worker and the npm package) and rustdoc warnings.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_wasm_target
bash scripts/check-shape.sh
node --test --test-reporter=tap scripts/check-shape.test.mjs
cargo fmt --all -- --check
cargo clippy --workspace --exclude linkedin-inbox-worker --exclude linkedin-inbox-npm --all-targets --quiet -- -D warnings
# The Worker and the npm crate are wasm32 products: all their code, dead code included, is
# checked there.
cargo clippy -p linkedin-inbox-worker -p linkedin-inbox-npm --target wasm32-unknown-unknown --all-targets --quiet -- -D warnings
# Natively the Worker builds its pure modules (rules, store) with their unit tests only (the
# runtime modules are wasm32-only): what only the runtime reads is either tested here or
# compiled for wasm32 alone (`#[cfg(target_arch = "wasm32")]`), so dead code is an error too.
cargo clippy -p linkedin-inbox-worker --tests --quiet -- -D warnings
cargo clippy -p linkedin-inbox-npm --lib --quiet -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet
echo "shape, fmt, clippy (native and wasm32) and rustdoc: clean"
