#!/usr/bin/env bash
# Fails when the README or a page of docs/ names a make target, a script or a path that does
# not exist.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=0
pages=(README.md docs/*.md)
for target in $(grep -ohE '`make [a-z-]+`' "${pages[@]}" | sed -E 's/`make ([a-z-]+)`/\1/' | sort -u); do
  if ! grep -qE "^${target}:" Makefile; then echo "the docs name 'make ${target}' but the Makefile has no such target"; missing=1; fi
done
for script in $(grep -ohE 'scripts/[A-Za-z0-9_.-]+\.sh' "${pages[@]}" | sort -u); do
  if [ ! -f "$script" ]; then echo "the docs name ${script}, which does not exist"; missing=1; fi
done
for path in $(grep -ohE '`(docs|npm|sandbox|src|tests|worker|www|bench|scripts)/[A-Za-z0-9_./-]*`' "${pages[@]}" | tr -d '`' | sort -u); do
  # Files a user creates (git-ignored, like worker/.dev.vars) need not exist.
  if [ ! -e "$path" ] && ! git check-ignore -q "$path"; then echo "the docs name ${path}, which does not exist"; missing=1; fi
done
# Relative links between the pages (README.md → docs/, docs/ → ../README.md, screenshots/).
for page in "${pages[@]}"; do
  for link in $(grep -oE '\]\([A-Za-z0-9_./-]+\)' "$page" | sed -E 's/^\]\((.*)\)$/\1/' | sort -u); do
    if [ ! -e "$(dirname "$page")/$link" ]; then echo "${page} links to ${link}, which does not exist"; missing=1; fi
  done
done
# The npm README's error codes are the built package's (scripts/readme-error-codes.mjs).
if [ -f npm/dist/error-codes.js ] && ! node scripts/readme-error-codes.mjs --check; then missing=1; fi
# `make bench` is not run by the tests: its scripts must at least parse.
for script in bench/*.mjs scripts/*.mjs; do
  node --check "$script" 2>/dev/null || { echo "${script} does not parse (node --check)"; missing=1; }
done
[ "$missing" -eq 0 ] && echo "README and docs/: commands, paths and links exist"
exit "$missing"
