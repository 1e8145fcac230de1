#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time on a copy of its committed corpus.
#   scripts/fuzz.sh [seconds-per-target]
# cargo-fuzz needs nightly-only compiler flags; RUSTC_BOOTSTRAP=1 lets the one stable
# toolchain of this machine accept them. Install once: cargo install cargo-fuzz --locked.
# No sanitizer (`-s none`): the crate forbids unsafe code, so what the fuzzer looks for are
# panics and hangs, which libFuzzer catches by itself; without AddressSanitizer the build is
# lighter and the runs are about twice as fast.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
export RUSTC_BOOTSTRAP=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for target in query_parse geodata_load classify_input; do
  cp -r "fuzz/corpus/$target" "$work/$target"
  echo "fuzz: $target for ${secs}s"
  cargo fuzz run -s none "$target" "$work/$target" -- -max_total_time="$secs" -print_final_stats=1 2>&1 \
    | grep -E "^(Done|stat::number_of_executed_units|==[0-9]+== ERROR|SUMMARY)|panicked" || true
  if ls fuzz/artifacts/"$target"/crash-* >/dev/null 2>&1; then
    echo "fuzz: $target found a crash: fuzz/artifacts/$target/" >&2
    exit 1
  fi
done
