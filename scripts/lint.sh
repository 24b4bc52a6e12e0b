#!/usr/bin/env bash
# The fast first checks: formatting, clippy with warnings denied (native, and wasm32 for the
# crates that ship as wasm: the Worker and the npm package) and rustdoc warnings.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_wasm_target
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo clippy -p linkedin-inbox-worker -p linkedin-inbox-npm --target wasm32-unknown-unknown --all-targets --quiet -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet
echo "fmt, clippy (native and wasm32) and rustdoc: clean"
