#!/usr/bin/env bash
# Soak run: a mixed load held at half the measured capacity for a while, watching the
# process's memory and open files.
#   scripts/soak.sh [minutes] [connections]          (default 15 minutes, 16 connections)
# The mix, drawn from the repository's own data so that every request should answer 2xx:
# lookups by lat/lon, by RD x/y, by free text (coordinates and addresses), by postcode +
# huisnummer; address suggestions; area lists and single areas; small classify uploads
# (20-row CSV). First 20 s unthrottled measure the capacity for that mix; then wrk holds half
# of it (each connection waits between requests), sampling RSS and open file descriptors of
# the server every 10 s. Reports the requests, the errors (non-2xx answers, socket errors,
# errors in the server log) and the memory trend (first sample after warm-up, last, least-
# squares slope). Needs wrk (Debian: apt-get install wrk); the server is the release build,
# rate limit off. Not part of CI: it is a measurement, run by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-15}
conns=${2:-16}
port=${PORT:-18083}
work=$(mktemp -d)
trap 'kill "${server:-}" "${sampler:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

command -v wrk >/dev/null || {
  apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk >/dev/null
}
cargo build --release --quiet
./target/release/wijkwijzer serve --listen "127.0.0.1:$port" --rate-limit 0 \
  --max-concurrent 4096 >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done

# The requests, as a Lua table: one entry per request, cycled through in a random order.
python3 - geodata/addresses.csv "http://127.0.0.1:$port" >"$work/mix.lua" <<'PY'
import csv, random, sys, urllib.error, urllib.parse, urllib.request
random.seed(7)
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))]
q = urllib.parse.quote
reqs = []
def get(path):
    reqs.append(("GET", path, ""))
for r in random.sample(rows, 200):
    get(f"/v1/lookup?x={r['x']}&y={r['y']}")
    get(f"/v1/lookup?q={q(r['straat'] + ' ' + r['huisnummer'] + r['huisletter'])}")
    if r["postcode"]:
        get(f"/v1/lookup?postcode={r['postcode']}&huisnummer={r['huisnummer']}")
    get(f"/v1/addresses/suggest?q={q(r['straat'][:4])}")
for _ in range(400):
    lat, lon = 50.835 + random.random() * 0.027, 5.665 + random.random() * 0.050
    get(f"/v1/lookup?lat={lat:.6f}&lon={lon:.6f}")
    get(f"/v1/lookup?q={q(f'{lat:.5f}, {lon:.5f}')}")
for layer in ("lwa", "wijk", "buurt", "stadsdeel"):
    get(f"/v1/areas?layer={layer}")
get("/v1/areas/lwa-centrum-zuid-west")
get("/v1/areas/BU09350000")
for _ in range(40):
    sample = random.sample(rows, 20)
    body = "id,straat,huisnummer,x,y\n" + "".join(
        f"{i},{r['straat']},{r['huisnummer']},{r['x']},{r['y']}\n" for i, r in enumerate(sample))
    reqs.append(("POST", "/v1/classify", body))
# Kept only when the server answers it 2xx now: a street named twice in the city (a 300) or an
# address the text search reads otherwise is not what a soak run is about.
def answers(m, p, b):
    req = urllib.request.Request(sys.argv[2] + p, data=b.encode() if m == "POST" else None,
                                 headers={"Content-Type": "text/csv"} if m == "POST" else {})
    try:
        with urllib.request.urlopen(req) as res:
            return 200 <= res.status < 300
    except urllib.error.HTTPError:
        return False
kept = [r for r in reqs if answers(*r)]
print(f"-- {len(reqs) - len(kept)} of {len(reqs)} candidate requests left out: not a 2xx now", file=sys.stderr)
reqs = kept
random.shuffle(reqs)
def lua(s):
    return "[==[" + s + "]==]"
print("mix = {")
for m, p, b in reqs:
    print(f"  {{{lua(m)}, {lua(p)}, {lua(b)}}},")
print("}")
PY
cat >>"$work/mix.lua" <<'LUA'
local n = 0
local pause = tonumber(os.getenv("SOAK_PAUSE_MS") or "0")
init = function(args)
  n = math.random(#mix)
end
request = function()
  n = n % #mix + 1
  local r = mix[n]
  if r[1] == "POST" then
    return wrk.format("POST", r[2], {["Content-Type"] = "text/csv"}, r[3])
  end
  return wrk.format("GET", r[2])
end
delay = function()
  return pause
end
LUA
echo "mix: $(grep -c '^  {' "$work/mix.lua") requests (lookups of every kind, suggest, areas, classify uploads)"

out=$(SOAK_PAUSE_MS=0 wrk -t 2 -c "$conns" -d 20s -s "$work/mix.lua" "http://127.0.0.1:$port")
capacity=$(awk '/^Requests\/sec/ {print int($2)}' <<<"$out")
# Each connection waits `pause` ms between requests: conns / pause * 1000 = half the capacity.
pause=$(awk -v c="$conns" -v r="$capacity" 'BEGIN {printf "%.0f", c * 1000 / (r / 2)}')
echo "capacity for this mix: $capacity requests/s unthrottled; holding about half: $conns connections, $pause ms between requests each"

sample() {
  while kill -0 "$server" 2>/dev/null; do
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$server/status")
    fds=$(ls "/proc/$server/fd" | wc -l)
    echo "$(date +%s) $rss $fds"
    sleep 10
  done
}
sample >"$work/samples" &
sampler=$!
out=$(SOAK_PAUSE_MS=$pause wrk -t 2 -c "$conns" -d "${minutes}m" --latency -s "$work/mix.lua" \
  "http://127.0.0.1:$port")
kill "$sampler" 2>/dev/null || true
echo "$out" | grep -E "requests in|Requests/sec|Latency|50%|99%|Non-2xx|Socket errors" || true
non2xx=$(awk '/Non-2xx or 3xx responses/ {print $5}' <<<"$out")
socket=$(awk -F'[ ,]+' '/Socket errors/ {print $4 + $6 + $8 + $10}' <<<"$out")
logged=$(grep -c -E ' (ERROR|WARN) ' "$work/server.log" || true)
echo "errors: ${non2xx:-0} non-2xx answers, ${socket:-0} socket errors, $logged errors or warnings in the server log"
# Memory: skip the first minute (caches filling), then first and last sample and the slope.
awk -v start="$(head -1 "$work/samples" | cut -d' ' -f1)" '
  $1 - start >= 60 { n++; t = ($1 - start) / 60; x += t; y += $2; xx += t * t; xy += t * $2;
    if (n == 1) { first = $2; ffd = $3 } last = $2; lfd = $3; max = $2 > max ? $2 : max }
  END {
    if (n < 2) { print "too short a run for a memory trend"; exit }
    slope = (n * xy - x * y) / (n * xx - x * x)
    printf "RSS after the first minute: %d KiB, at the end: %d KiB, highest: %d KiB; trend %+.1f KiB/min over %d samples\n", first, last, max, slope, n
    printf "open file descriptors: %d after the first minute, %d at the end\n", ffd, lfd
  }' "$work/samples"
