#!/usr/bin/env bash
# Batch classification throughput, wijkwijzer against GeoPandas on the same file and polygons.
#   scripts/classify-bench.sh [rows]        (default 10,000,000)
# Installs geopandas and pyarrow from PyPI for the comparison when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000000}
work=${WORK:-$(mktemp -d)}
cargo build --release --quiet
echo "generating $rows rows (lat/lon across Maastricht's bounding box, 1 % junk)"
python3 scripts/gen-points.py "$rows" > "$work/points.csv"
ls -l "$work/points.csv" | awk '{print "input: " $5 " bytes"}'
# Page cache warm for both.
cat "$work/points.csv" > /dev/null
if ! python3 -c "import geopandas, pyarrow" 2>/dev/null; then
  echo "installing geopandas and pyarrow from PyPI for the comparison"
  python3 -m pip install -q geopandas pyarrow >/dev/null
fi
# The summary line ("N rows in X s ...") is the first line on stderr.
run() {
  local said
  said=$(./target/release/wijkwijzer classify "$work/points.csv" -o "$work/out-wijkwijzer.csv" \
    --report "$work/report.json" "$@" 2>&1 >/dev/null) || [ $? -eq 1 ]
  head -1 <<<"$said"
}
echo "wijkwijzer classify (all cores), every added column (19):"
ours=$(run)
echo "  $ours"
echo "wijkwijzer classify --columns codes (area codes and status):"
lean=$(run --columns codes)
echo "  $lean"
echo "geopandas sjoin (same file, same buurt polygons):"
theirs=$(python3 scripts/geopandas_sjoin.py "$work/points.csv" geodata/buurt.geojson \
  "$work/out-geopandas.csv")
echo "  $theirs"
# "N rows in X s" against GeoPandas's "total Y s": the ratios from this one run.
b=$(sed -n 's/.*total \([0-9.]*\) s.*/\1/p' <<<"$theirs")
for line in "$ours" "$lean"; do
  a=$(sed -n 's/.* rows in \([0-9.]*\) s.*/\1/p' <<<"$line")
  awk -v a="$a" -v b="$b" -v what="${line##*columns: }" \
    'BEGIN {printf "wijkwijzer %.2f s against GeoPandas %.2f s: %.1f times as fast\n", a, b, b / a}'
done
