#!/usr/bin/env bash
# The speed guard CI runs: two ratios measured on whatever machine runs it, compared with the
# figures the repository keeps in benches/speed-baseline.txt. A ratio holds across machines
# where an absolute time does not, because both sides of it run on the same cores in the same
# minute:
#   batch  wijkwijzer `classify --columns codes` against the same join done with shapely 2 +
#          pyproj (scripts/peers.py shapely), whole process each, median of interleaved rounds;
#   http   a compact lookup (`fields=lwa,buurt`) against `/livez` on the same server, with wrk:
#          the share of this HTTP stack's ceiling a lookup reaches.
# It fails when a ratio falls more than the baseline's tolerance below its baseline, and says
# by how much; it prints the figures either way. Speed stays out of the tests.
#   scripts/speed-guard.sh            (needs the release build, wrk, and the peers from PyPI)
#   scripts/speed-guard.sh --update   (writes the measured ratios as the new baseline)
set -euo pipefail
cd "$(dirname "$0")/.."
baseline=benches/speed-baseline.txt
bin=./target/release/wijkwijzer
work=$(mktemp -d)
port=${PORT:-18181}
trap 'kill ${server:-} 2>/dev/null || true; rm -rf "$work"' EXIT
test -x "$bin" || { echo "speed-guard: build the release binary first (cargo build --release)"; exit 2; }
command -v wrk >/dev/null || { echo "speed-guard: needs wrk (apt-get install wrk)"; exit 2; }
python3 -c "import shapely, pyproj, pandas" 2>/dev/null \
  || python3 -m pip install -q --disable-pip-version-check shapely pyproj pandas >/dev/null

rows=300000
rounds=5
python3 scripts/gen-points.py $rows > "$work/points.csv"
cat "$work/points.csv" >/dev/null
wall() { # seconds of wall time of a whole process; classify's exit 1 (junk rows) is a run
  /usr/bin/time -f "%e" -o "$work/t" "$@" >/dev/null 2>&1 || [ $? -eq 1 ]
  tail -1 "$work/t"
}
ours=() peer=()
for ((r = 0; r < rounds; r++)); do
  ours+=("$(wall "$bin" classify "$work/points.csv" -o "$work/ours.csv" --columns codes)")
  peer+=("$(wall python3 scripts/peers.py shapely "$work/points.csv" geodata/buurt.geojson "$work/peer.csv")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
o=$(median "${ours[@]}")
p=$(median "${peer[@]}")
batch=$(awk -v o="$o" -v p="$p" 'BEGIN {printf "%.2f", p / o}')
echo "batch: $rows rows, median of $rounds: wijkwijzer ${o} s, shapely + pyproj ${p} s: ${batch}x"

"$bin" serve --listen 127.0.0.1:$port --rate-limit 0 --max-concurrent 4096 >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/livez" >/dev/null && break; sleep 0.1; done
cat >"$work/lookup.lua" <<'LUA'
math.randomseed(42)
request = function()
  local lat = 50.835 + math.random() * 0.027
  local lon = 5.665 + math.random() * 0.050
  return wrk.format("GET", string.format("/v1/lookup?lat=%.6f&lon=%.6f&fields=lwa,buurt", lat, lon))
end
LUA
rps() { wrk -t1 -c16 -d4s "$@" | awk '/^Requests\/sec/ {print $2}'; }
rps -d1s "http://127.0.0.1:$port/livez" >/dev/null # warm-up
lk=() lv=()
for ((r = 0; r < 3; r++)); do
  lk+=("$(rps -s "$work/lookup.lua" "http://127.0.0.1:$port")")
  lv+=("$(rps "http://127.0.0.1:$port/livez")")
done
k=$(median "${lk[@]}")
v=$(median "${lv[@]}")
http=$(awk -v k="$k" -v v="$v" 'BEGIN {printf "%.2f", k / v}')
echo "http: 16 connections, median of 3: lookup ${k}/s, /livez ${v}/s: ${http} of the ceiling"

if [ "${1:-}" = --update ]; then
  cat >"$baseline" <<EOF
# Written by scripts/speed-guard.sh --update on $(date -u +%Y-%m-%d), $(nproc) cores; CI fails when a
# ratio falls more than \`tolerance\` (a fraction) below its figure here.
tolerance 0.30
batch $batch
http $http
EOF
  echo "speed-guard: wrote $baseline"
  exit 0
fi
status=0
tolerance=$(awk '$1 == "tolerance" {print $2}' "$baseline")
for what in batch http; do
  have=${!what}
  want=$(awk -v w="$what" '$1 == w {print $2}' "$baseline")
  if awk -v h="$have" -v w="$want" -v t="$tolerance" 'BEGIN {exit !(h < w * (1 - t))}'; then
    echo "speed-guard: $what ratio $have is more than $(awk -v t="$tolerance" 'BEGIN {print t * 100}') % below the baseline $want: a hot path got slower"
    status=1
  else
    echo "speed-guard: $what ratio $have against baseline $want: within tolerance"
  fi
done
exit $status
