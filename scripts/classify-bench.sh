#!/usr/bin/env bash
# Batch classification throughput, wijkwijzer against GeoPandas on the same file and polygons.
#   scripts/classify-bench.sh [rows]        (default 10,000,000)
# Needs python3 with geopandas (pip install geopandas pyarrow) for the comparison; without it
# only wijkwijzer is measured.
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
echo "wijkwijzer classify (all cores):"
# Exit 1 says some rows (the junk) were not placed: expected here.
ours=$({ ./target/release/wijkwijzer classify "$work/points.csv" -o "$work/out-wijkwijzer.csv" \
  --quiet --report "$work/report.json" || [ $? -eq 1 ]; } 2>&1 | head -1)
echo "$ours"
if python3 -c "import geopandas" 2>/dev/null; then
  echo "geopandas sjoin (same file, same buurt polygons):"
  theirs=$(python3 scripts/geopandas_sjoin.py "$work/points.csv" geodata/buurt.geojson \
    "$work/out-geopandas.csv")
  echo "$theirs"
  # "N rows in X s" against GeoPandas's "total Y s": the ratio of the two from this one run.
  a=$(sed -n 's/.* rows in \([0-9.]*\) s.*/\1/p' <<<"$ours")
  b=$(sed -n 's/.*total \([0-9.]*\) s.*/\1/p' <<<"$theirs")
  awk -v a="$a" -v b="$b" 'BEGIN {printf "wijkwijzer is %.1f times as fast as GeoPandas in this run\n", b / a}'
else
  echo "geopandas not installed: pip install geopandas pyarrow" >&2
fi
