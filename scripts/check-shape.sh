#!/usr/bin/env bash
# Fails when the code leaves its shape (docs/ARCHITECTURE.md):
# - the Worker's layer rules: `edge` never imports `store`; `store` imports neither `gate` nor
#   `edge`; `rules` imports only `rules` and the core (no other module of the crate, no
#   `worker` crate);
# - a tracked source file (.rs, .js, .mjs, .cjs, .ts, .mts, .cts) of 400 lines or more
#   (generated files are not tracked).
# Checks the repository it sits in, or the one named by its first argument
# (scripts/check-shape.test.mjs runs it on small repositories that break each rule).
set -euo pipefail
root=${1:-"$(dirname "$0")/.."}
cd "$root"
broken=0

# forbid DIR PATTERN WHY: code lines (not comments) under DIR that match PATTERN.
forbid() {
  local dir=$1 pattern=$2 why=$3 hits
  [ -d "$dir" ] || return 0
  hits=$(grep -rnE --include='*.rs' "$pattern" "$dir" | grep -vE '^[^:]+:[0-9]+:[[:space:]]*//' || true)
  if [ -n "$hits" ]; then
    echo "layer rule broken: ${why}:"
    echo "$hits" | sed 's/^/  /'
    broken=1
  fi
}
src=worker/src
forbid "$src/edge" 'crate::(\{[^}]*\b)?store\b' "edge never imports store (it calls the account's object)"
forbid "$src/store" 'crate::(\{[^}]*\b)?(gate|edge)\b' "store imports neither gate nor edge"
# Any module of the crate but `rules` itself, or the Workers runtime.
others=$(find "$src" -mindepth 1 -maxdepth 1 \( -name '*.rs' -o -type d \) -printf '%f\n' \
  | sed 's/\.rs$//' | grep -vxE 'rules|lib' | paste -sd'|' -)
forbid "$src/rules" "crate::(\\{[^}]*\\b)?(${others:-none})\\b|(^|[^_a-z:])worker::" \
  "rules imports only rules and the core (no other module of the crate, no worker crate)"

max_lines=400
while IFS= read -r file; do
  [ -f "$file" ] || continue
  lines=$(wc -l < "$file")
  if [ "$lines" -ge "$max_lines" ]; then
    echo "${file}: ${lines} lines (files stay under ${max_lines}: split it by what its parts do)"
    broken=1
  fi
done < <(git ls-files -- '*.rs' '*.js' '*.mjs' '*.cjs' '*.ts' '*.mts' '*.cts')

[ "$broken" -eq 0 ] && echo "shape: layer rules kept, every source file under ${max_lines} lines"
exit "$broken"
