#!/usr/bin/env bash
# Imports onto a full disk (issue 24): each must exit 2 with a message that says the disk is
# full, how much room there is, and that the previous data is as it was; nothing half-written
# may stay behind. Needs root (it mounts small tmpfs filesystems); CI runs it as root.
#   scripts/full-disk-import.sh [binary]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/wijkwijzer}
work=$(mktemp -d)
disk="$work/disk"
mkdir -p "$disk"
trap 'umount "$disk" 2>/dev/null || true; rm -rf "$work"' EXIT
failures=0
fail() { echo "full-disk-import: FAIL: $*" >&2; failures=$((failures + 1)); }

# Runs an import onto a fresh tmpfs of SIZE holding what SETUP puts there; checks the outcome.
#   attempt NAME SIZE SETUP KEPT -- import args...
attempt() {
  local name=$1 size=$2 setup=$3 kept=$4
  shift 5
  umount "$disk" 2>/dev/null || true
  mount -t tmpfs -o "size=$size" tmpfs "$disk"
  eval "$setup"
  local before
  before=$(cd "$disk" && find . -type f -exec sha256sum {} + | sort)
  set +e
  "$bin" "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  set -e
  [ "$rc" = 2 ] || fail "$name: exit $rc, expected 2"
  grep -q "the disk is full" "$work/err" || fail "$name: no 'the disk is full' in: $(cat "$work/err")"
  grep -q "free on the filesystem holding" "$work/err" || fail "$name: the free room is not said"
  grep -q "$kept" "$work/err" || fail "$name: does not say '$kept'"
  local after
  after=$(cd "$disk" && find . -type f -exec sha256sum {} + | sort)
  [ "$before" = "$after" ] || fail "$name: the disk's files changed: $(diff <(echo "$before") <(echo "$after"))"
  [ -z "$(find "$disk" -name '.*' -mindepth 1)" ] || fail "$name: staging left behind: $(find "$disk" -name '.*')"
  echo "full-disk-import: $name: exit $rc; $(tail -1 "$work/err")"
}

attempt "geodata, new" 600k ":" "Nothing was written" -- import --out "$disk/geodata"
attempt "geodata, replacing" 1200k "cp -r geodata '$disk/geodata'" "is as it was" -- \
  import --out "$disk/geodata"
attempt "addresses, new" 20k ":" "Nothing was written" -- \
  import addresses geodata/addresses.csv --out "$disk/addresses.csv"
attempt "addresses, replacing" 80k "cp geodata/addresses.csv geodata/addresses.toml '$disk/'" \
  "is as it was" -- import addresses geodata/addresses.csv --out "$disk/addresses.csv"

echo "full-disk-import: $failures failure(s)"
[ "$failures" = 0 ]
