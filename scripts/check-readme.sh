#!/usr/bin/env bash
# Fails when the README names a make target or a script that does not exist.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=0
for target in $(grep -oE '`make [a-z-]+`' README.md | sed -E 's/`make ([a-z-]+)`/\1/' | sort -u); do
  if ! grep -qE "^${target}:" Makefile; then echo "README names 'make ${target}' but the Makefile has no such target"; missing=1; fi
done
for script in $(grep -oE 'scripts/[A-Za-z0-9_.-]+\.sh' README.md | sort -u); do
  if [ ! -f "$script" ]; then echo "README names ${script}, which does not exist"; missing=1; fi
done
for path in $(grep -oE '`(docs|npm|sandbox|src|tests|worker|www|bench|scripts)/[A-Za-z0-9_./-]*`' README.md | tr -d '`' | sort -u); do
  # Files a user creates (git-ignored, like worker/.dev.vars) need not exist.
  if [ ! -e "$path" ] && ! git check-ignore -q "$path"; then echo "README names ${path}, which does not exist"; missing=1; fi
done
# The npm README's error codes are the built package's (scripts/readme-error-codes.mjs).
if [ -f npm/dist/error-codes.js ] && ! node scripts/readme-error-codes.mjs --check; then missing=1; fi
# `make bench` is not run by the tests: its scripts must at least parse.
for script in bench/*.mjs scripts/*.mjs; do
  node --check "$script" 2>/dev/null || { echo "${script} does not parse (node --check)"; missing=1; }
done
[ "$missing" -eq 0 ] && echo "README commands and paths exist"
exit "$missing"
