#!/usr/bin/env bash
# Contract test: schemathesis (PyPI) generates requests from /openapi.json against the release
# server and checks that no answer is a 5xx and every answer matches the schema.
#   scripts/schemathesis.sh [max-examples]
# WIJKWIJZER_BIN names a binary already built (CI: the one the tests built); without it the
# release build is made first.
# Needs `pip install schemathesis openapi-spec-validator`. The check `positive_data_acceptance` is left out: the
# lookup's parameters depend on each other (q, or lat+lon, or x+y) and carry text that must
# read as a place, which a schema cannot express; such requests rightly get a 400 problem.
set -euo pipefail
cd "$(dirname "$0")/.."
examples=${1:-50}
port=${PORT:-18081}
work=$(mktemp -d)
trap 'kill ${server:-} 2>/dev/null || true; rm -rf "$work"' EXIT

bin=${WIJKWIJZER_BIN:-}
if [ -z "$bin" ]; then
  cargo build --release --quiet
  bin=./target/release/wijkwijzer
fi
key=$("$bin" keygen --name schemathesis --admin 2>"$work/entry")
sed -n '/^\[\[key\]\]/,$p' "$work/entry" >"$work/keys.toml"
  "$bin" serve --listen 127.0.0.1:$port --rate-limit 0 --keys "$work/keys.toml" \
  >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

# The document itself, by a validator nobody here wrote (openapi-spec-validator, PyPI).
curl -sf "http://127.0.0.1:$port/openapi.json" >"$work/openapi.json"
python3 -c 'import json, sys
from openapi_spec_validator import validate
validate(json.load(open(sys.argv[1])))
print("openapi-spec-validator: the document is valid OpenAPI 3.1")' "$work/openapi.json"

schemathesis run "http://127.0.0.1:$port/openapi.json" \
  --checks all --exclude-checks positive_data_acceptance \
  -H "Authorization: Bearer $key" \
  -n "$examples" --generation-deterministic
if grep -q "request failed" "$work/server.log"; then
  echo "schemathesis: the server logged a 5xx:" >&2
  grep "request failed" "$work/server.log" >&2
  exit 1
fi
