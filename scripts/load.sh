#!/usr/bin/env bash
# Load test: wrk against the release server on loopback, keep-alive, /v1/lookup with random
# points inside Maastricht. Prints wrk's report (requests/s, latency percentiles, errors).
#   scripts/load.sh [seconds] [connections]
# Needs wrk (Debian: apt-get install wrk). Rate limiting is switched off for the run: the
# point is the service's own capacity, not the per-client limit.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
conns=${2:-64}
port=${PORT:-18080}

cargo build --release --quiet
./target/release/wijkwijzer serve --listen 127.0.0.1:$port --rate-limit 0 --max-concurrent 4096 \
  >/tmp/wijkwijzer-load.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

lua=$(mktemp --suffix=.lua)
# A box wholly inside the city (50.835-50.862 N, 5.665-5.715 E): every answer is a 200.
cat >"$lua" <<'LUA'
math.randomseed(42)
request = function()
  local lat = 50.835 + math.random() * 0.027
  local lon = 5.665 + math.random() * 0.050
  return wrk.format("GET", string.format("/v1/lookup?lat=%.6f&lon=%.6f", lat, lon))
end
LUA
echo "wrk: ${secs}s, $conns connections, 1 thread (wrk and the server share the machine's cores)"
wrk -t1 -c"$conns" -d"${secs}s" --latency -s "$lua" "http://127.0.0.1:$port"
rm -f "$lua"
