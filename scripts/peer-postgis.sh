#!/usr/bin/env bash
# Lookups per second: wijkwijzer's HTTP lookup against the bare PostGIS query a MapIt-style
# service would wrap, on the same buurt polygons, the same random points and the same number of
# connections, one after the other in one run on this machine.
#   scripts/peer-postgis.sh [seconds] [connections]      (default 20 s, 16 connections)
# PostGIS: PostgreSQL 15 + PostGIS 3, the shipped buurt polygons (geodata/buurt.geojson, RD New)
# in a table with a GiST index, pgbench running the prepared statement
#   SELECT code FROM buurt WHERE ST_Contains(geom, ST_Transform(ST_SetSRID(ST_MakePoint(lon, lat), 4326), 28992))
# (no HTTP, no JSON). wijkwijzer: wrk against GET /v1/lookup?lat=&lon= (the full answer, and
# fields=lwa,buurt), the release build, rate limit off. Points are uniform over lat 50.80..50.90,
# lon 5.62..5.78 on both sides. Installs Debian's postgresql-15-postgis-3, pgbench and wrk when
# missing (needs root); runs its own PostgreSQL instance in a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
conns=${2:-16}
pgport=${PGPORT:-5499}
port=${PORT:-18082}
work=$(mktemp -d)
chmod 755 "$work"
# The PostgreSQL server runs as postgres and writes its socket and log here.
cleanup() {
  kill "${server:-}" 2>/dev/null || true
  if [ -d "$work/pg" ]; then
    su postgres -c "/usr/lib/postgresql/15/bin/pg_ctl -D $work/pg -m immediate stop" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ ! -f /usr/share/postgresql/15/extension/postgis.control ] || ! command -v wrk >/dev/null \
  || ! command -v pgbench >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends postgresql-15 postgresql-15-postgis-3 \
    postgresql-contrib wrk >/dev/null
fi
# WIJKWIJZER_BIN names a wijkwijzer binary already built (another commit's, for a before/after).
bin=${WIJKWIJZER_BIN:-./target/release/wijkwijzer}
[ -n "${WIJKWIJZER_BIN:-}" ] || cargo build --release --quiet
[ -x ./target/release/examples/bare_http ] || cargo build --release --quiet --example bare_http

# A private PostgreSQL instance (the server refuses to run as root: it runs as postgres).
mkdir "$work/pg" && chown postgres "$work" "$work/pg"
su postgres -c "/usr/lib/postgresql/15/bin/initdb -D $work/pg -A trust" >/dev/null
su postgres -c "/usr/lib/postgresql/15/bin/pg_ctl -D $work/pg -l $work/pg.log -w \
  -o '-p $pgport -k $work -c shared_buffers=256MB -c max_connections=100' start" >/dev/null
psql=(psql -h "$work" -p "$pgport" -U postgres -q -v ON_ERROR_STOP=1)
"${psql[@]}" -c "CREATE EXTENSION postgis"
"${psql[@]}" -c "CREATE TABLE buurt (code text PRIMARY KEY, geom geometry(MultiPolygon, 28992))"
# The same polygons the service answers from: one INSERT per feature, geometry as GeoJSON.
python3 - geodata/buurt.geojson > "$work/buurt.sql" <<'PY'
import json, sys
fc = json.load(open(sys.argv[1]))
for f in fc["features"]:
    g = json.dumps(f["geometry"]).replace("'", "''")
    code = f["properties"]["code"]
    print(f"INSERT INTO buurt VALUES ('{code}', ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON('{g}'), 28992)));")
PY
"${psql[@]}" -f "$work/buurt.sql"
"${psql[@]}" -c "CREATE INDEX ON buurt USING gist (geom); ANALYZE buurt;"
count=$("${psql[@]}" -At -c "SELECT count(*) FROM buurt")

cat > "$work/lookup.sql" <<'SQL'
\set lat 50.80 + random(0, 1000000) / 10000000.0
\set lon 5.62 + random(0, 1600000) / 10000000.0
SELECT code FROM buurt WHERE ST_Contains(geom, ST_Transform(ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 28992));
SQL
echo "PostGIS: $count buurten, GiST index; pgbench, prepared, $conns clients, ${secs} s"
tps=$(pgbench -h "$work" -p "$pgport" -U postgres -n -M prepared -c "$conns" -j 2 -T "$secs" \
  -f "$work/lookup.sql" postgres 2>/dev/null | awk '/^tps/ {print int($3)}')
echo "  $tps queries/s"
su postgres -c "/usr/lib/postgresql/15/bin/pg_ctl -D $work/pg -m fast stop" >/dev/null

"$bin" serve --listen "127.0.0.1:$port" --rate-limit 0 \
  --max-concurrent 4096 >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
for fields in "" "&fields=lwa,buurt"; do
  cat > "$work/points.lua" <<LUA
math.randomseed(42)
request = function()
  local lat = 50.80 + math.random() * 0.10
  local lon = 5.62 + math.random() * 0.16
  return wrk.format("GET", string.format("/v1/lookup?lat=%.6f&lon=%.6f$fields", lat, lon))
end
LUA
  label=${fields:-" (full answer)"}
  out=$(wrk -t 2 -c "$conns" -d "${secs}s" --latency -s "$work/points.lua" "http://127.0.0.1:$port")
  rps=$(awk '/^Requests\/sec/ {print int($2)}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx or 3xx responses/ {print $5}' <<<"$out")
  echo "wijkwijzer GET /v1/lookup?lat=&lon=${label#&}: $rps requests/s, p99 $p99, $conns connections, ${secs} s${errors:+; $errors answers were 404 (outside the city), as intended}"
  awk -v a="$rps" -v b="$tps" 'BEGIN {printf "  ratio to PostGIS: %.2f\n", a / b}'
done
out=$(wrk -t 2 -c "$conns" -d "${secs}s" --latency "http://127.0.0.1:$port/healthz")
health=$(awk '/^Requests\/sec/ {print int($2)}' <<<"$out")
echo "wijkwijzer GET /healthz: $health requests/s, p99 $(awk '$1 == "99%" {print $2}' <<<"$out")"
kill "$server"
# The ceiling: the same HTTP stack with nothing behind it (examples/bare_http.rs).
./target/release/examples/bare_http "127.0.0.1:$port" >/dev/null 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
out=$(wrk -t 2 -c "$conns" -d "${secs}s" "http://127.0.0.1:$port/healthz")
bare=$(awk '/^Requests\/sec/ {print int($2)}' <<<"$out")
echo "bare axum, fixed body, no middleware: $bare requests/s"
awk -v a="$health" -v b="$bare" 'BEGIN {printf "  /healthz as a share of that ceiling: %.2f\n", a / b}'

