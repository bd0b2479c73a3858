#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a bounded time on its seed corpus.
# Usage: ci/fuzz.sh [SECONDS_PER_TARGET]   (default 20)
set -euo pipefail
seconds=${1:-20}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
targets=(fuzz_transport_uri fuzz_decode_packet fuzz_decode_ws_packet fuzz_auth_chain fuzz_recording fuzz_stun fuzz_sdp fuzz_livekit_signal)
build_targets=()
for target in "${targets[@]}"; do build_targets+=(--target "$target"); done
bash "$root/ci/build.sh" fuzz "${build_targets[@]}"  # the fuzz targets and the libraries under them only
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs one target for $seconds; its verdict lands in $work/$target.status.
fuzz_one() {
  local target=$1 bin seeds
  bin=$(find "$root/build/fuzz" -type f -name "$target" -perm -u+x | head -n 1)
  if [ -z "$bin" ]; then
    echo "$target was not built" >"$work/$target.log"
    echo 1 >"$work/$target.status"
    return
  fi
  seeds="$root/fixtures/fuzz/${target#fuzz_}"
  mkdir -p "$work/$target"
  # New inputs go to a scratch corpus; the committed seeds are only read. -timeout (per input) is
  # generous: a loaded machine must not turn a slow input into a reported hang.
  if "$bin" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
       "$work/$target" $( [ -d "$seeds" ] && echo "$seeds" ) >"$work/$target.log" 2>&1; then
    echo 0 >"$work/$target.status"
  else
    echo 1 >"$work/$target.status"
  fi
}

# One target per core at a time: the same fuzzing time per target, in half the wall time on 2 cores.
parallel=$(nproc)
running=0
for target in "${targets[@]}"; do
  fuzz_one "$target" &
  running=$((running + 1))
  if [ "$running" -ge "$parallel" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

status=0
for target in "${targets[@]}"; do
  if [ "$(cat "$work/$target.status" 2>/dev/null)" = 0 ]; then
    echo "fuzz: $target ok ($(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$work/$target.log" | grep -Eo '[0-9]+$') runs in ${seconds}s)"
  else
    echo "fuzz: $target FAILED; last lines:" >&2
    tail -n 40 "$work/$target.log" >&2
    status=1
  fi
done
exit $status
