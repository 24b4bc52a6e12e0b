#!/usr/bin/env bash
# The fast first checks: formatting, clippy with warnings denied (natively, and on wasm32 for
# the crates that ship as wasm: the Worker and the npm package) and rustdoc warnings.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_wasm_target
cargo fmt --all -- --check
cargo clippy --workspace --exclude linkedin-inbox-worker --exclude linkedin-inbox-npm --all-targets --quiet -- -D warnings
# The Worker and the npm crate are wasm32 products: all their code, dead code included, is
# checked there.
cargo clippy -p linkedin-inbox-worker -p linkedin-inbox-npm --target wasm32-unknown-unknown --all-targets --quiet -- -D warnings
# Natively the Worker builds its pure modules with their unit tests only (the runtime modules
# are wasm32-only), so what only the runtime reads looks unused here; the run above checks it.
cargo clippy -p linkedin-inbox-worker --tests --quiet -- -D warnings -A dead_code
cargo clippy -p linkedin-inbox-npm --lib --quiet -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet
echo "fmt, clippy (native and wasm32) and rustdoc: clean"
