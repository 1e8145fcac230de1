#!/usr/bin/env bash
# Batch classification against the general spatial tools an analyst would otherwise use, in one
# run on one machine, interleaved, whole process each (start-up, CSV in, CSV out):
#   scripts/peers-bench.sh [rows] [rounds]        (default 1,000,000 rows, 5 rounds)
# Peers (scripts/peers.py): shapely 2 + pyproj (STRtree), DuckDB spatial, SedonaDB. Prints the
# median wall time and peak RSS of each, the ratios, and how many rows each peer agrees with
# wijkwijzer's buurt on. Installs the peers from PyPI when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
rounds=${2:-5}
work=${WORK:-$(mktemp -d)}
cargo build --release --quiet --bin wijkwijzer
if ! python3 -c "import shapely, pyproj, pandas, duckdb, sedonadb, geoarrow.pyarrow" 2>/dev/null; then
  echo "installing the peers from PyPI"
  python3 -m pip install -q shapely pyproj pandas pyarrow duckdb duckdb-ext-spatial \
    sedonadb geoarrow-pyarrow >/dev/null
fi
python3 scripts/gen-points.py "$rows" > "$work/points.csv"
cat "$work/points.csv" > /dev/null
echo "$rows rows, $(stat -c %s "$work/points.csv") bytes; $rounds rounds, interleaved; $(nproc) cores"

# name -> command; every command reads points.csv and writes out-<name>.csv.
names=(codes default shapely duckdb sedonadb)
cmd() {
  case $1 in
    codes) echo "./target/release/wijkwijzer classify $work/points.csv -o $work/out-codes.csv --columns codes" ;;
    default) echo "./target/release/wijkwijzer classify $work/points.csv -o $work/out-default.csv" ;;
    *) echo "python3 scripts/peers.py $1 $work/points.csv geodata/buurt.geojson $work/out-$1.csv" ;;
  esac
}
for ((r = 1; r <= rounds; r++)); do
  for n in "${names[@]}"; do
    # Exit 1 is classify's "some rows could not be placed" (the junk rows): still a run.
    /usr/bin/time -f "%e %M" -o "$work/time" $(cmd "$n") >/dev/null 2>"$work/err" || [ $? -eq 1 ]
    echo "$n $(tail -1 "$work/time")" >> "$work/times"
  done
done
python3 - "$work" "${names[@]}" <<'EOF'
import csv, statistics, sys
work, names = sys.argv[1], sys.argv[2:]
runs = {}
for line in open(f"{work}/times"):
    n, wall, rss = line.split()
    runs.setdefault(n, []).append((float(wall), int(rss)))
med = {n: statistics.median(w for w, _ in runs[n]) for n in names}
for n in names:
    walls = sorted(w for w, _ in runs[n])
    rss = max(r for _, r in runs[n]) / 1024
    print(f"{n:9} median {med[n]:6.2f} s  (min {walls[0]:.2f}, max {walls[-1]:.2f})  peak RSS {rss:6.0f} MiB")
for ours in ("codes", "default"):
    for peer in ("shapely", "duckdb", "sedonadb"):
        print(f"wijkwijzer {ours} against {peer}: {med[peer] / med[ours]:.2f}x")
# Agreement on the buurt of every row.
def buurten(path, col):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return [r.get(col) or "" for r in csv.DictReader(f)]
ours = buurten(f"{work}/out-codes.csv", "buurt")
for peer in ("shapely", "duckdb", "sedonadb"):
    theirs = buurten(f"{work}/out-{peer}.csv", "buurt")
    differ = sum(a != b for a, b in zip(ours, theirs))
    only_ours = sum(bool(a) and not b for a, b in zip(ours, theirs))
    print(f"{peer}: {len(theirs)} rows, {differ} differ from wijkwijzer's buurt "
          f"({only_ours} placed by wijkwijzer only: its `near` rows within 25 m outside)")
EOF
