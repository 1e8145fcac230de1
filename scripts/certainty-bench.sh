#!/usr/bin/env bash
# What certainty costs, side by side in one run on one machine: the full answer (criterion) and
# batch classification (rows/s) of this tree against a baseline revision without certainty.
#   scripts/certainty-bench.sh [baseline-rev] [rows]     (defaults: 35f83b3, 1,000,000)
# The baseline is checked out into a temporary worktree and built in the same target directory,
# so the dependencies are built once.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-35f83b3}
rows=${2:-1000000}
work=$(mktemp -d)
trap 'git worktree remove --force "$work/base" 2>/dev/null || true; rm -rf "$work"' EXIT
git worktree add --quiet --detach "$work/base" "$base"
export CARGO_TARGET_DIR="$PWD/target"
python3 scripts/gen-points.py "$rows" > "$work/points.csv"
(cd "$work/base" && cargo build --release --quiet --locked && cp "$CARGO_TARGET_DIR/release/wijkwijzer" "$work/wijkwijzer-base")
cargo build --release --quiet --locked && cp target/release/wijkwijzer "$work/wijkwijzer-new"
cat "$work/points.csv" > /dev/null
classify() {
  local said
  said=$("$1" classify "$work/points.csv" -o "$work/out.csv" 2>&1 >/dev/null) || [ $? -eq 1 ]
  head -1 <<<"$said"
}
echo "batch, $rows rows, every added column:"
for round in 1 2 3; do
  echo "  baseline $base: $(classify "$work/wijkwijzer-base")"
  echo "  with certainty: $(classify "$work/wijkwijzer-new")"
done
echo "criterion, resolve_full_answer (baseline saved as 'before', then compared):"
(cd "$work/base" && cargo bench --quiet --locked --bench lookup -- --save-baseline before resolve_full_answer 2>&1 | grep -E "time:|resolve_full_answer" || true)
cargo bench --quiet --locked --bench lookup -- --baseline before resolve_full_answer 2>&1 | grep -E "time:|change:|resolve_full_answer" || true
