#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a bounded time on its seed corpus.
# Usage: ci/fuzz.sh [SECONDS_PER_TARGET]   (default 20)
set -euo pipefail
seconds=${1:-20}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/ci/build.sh" fuzz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for target in fuzz_transport_uri fuzz_decode_packet fuzz_decode_ws_packet fuzz_auth_chain; do
  bin=$(find "$root/build/fuzz" -type f -name "$target" -perm -u+x | head -n 1)
  if [ -z "$bin" ]; then
    echo "fuzz: $target was not built" >&2
    status=1
    continue
  fi
  seeds="$root/fixtures/fuzz/${target#fuzz_}"
  mkdir -p "$work/$target"
  # New inputs go to a scratch corpus; the committed seeds are only read.
  if "$bin" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
       "$work/$target" $( [ -d "$seeds" ] && echo "$seeds" ) >"$work/$target.log" 2>&1; then
    echo "fuzz: $target ok ($(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$work/$target.log" | grep -Eo '[0-9]+$') runs in ${seconds}s)"
  else
    echo "fuzz: $target FAILED; last lines:" >&2
    tail -n 40 "$work/$target.log" >&2
    status=1
  fi
done
exit $status
