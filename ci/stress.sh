#!/usr/bin/env bash
# The stress check: the whole ctest suite (ASan+UBSan build) run several times in a row under CPU
# pressure, with zero failures allowed. A test whose verdict depends on how fast the machine is
# today fails here long before it fails a real CI run; a suite that passes here does not flake.
#
# Usage: ci/stress.sh [RUNS] [CTEST_JOBS]      (defaults: 3 runs, -j 4 = twice the cores)
# Pressure: stress-ng keeps every core busy (--cpu 0 = one worker per core) for the whole check,
# and ctest runs twice as many tests at once as there are cores, so each test gets about a third
# of a core. Expect each run to take two to three times as long as an unloaded one.
# Needs the asan build (ci/build.sh asan, or a previous ci/test.sh); installs stress-ng if absent.
set -euo pipefail
runs=${1:-3}
jobs=${2:-$(( 2 * $(nproc) ))}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

if ! command -v stress-ng >/dev/null 2>&1; then
  echo "stress: installing stress-ng"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends stress-ng >/dev/null
fi
[ -f build/asan/CTestTestfile.cmake ] || { echo "stress: no asan build; run ci/build.sh asan first" >&2; exit 2; }

stress-ng --cpu 0 --cpu-method matrixprod --timeout 0 --quiet &
stressor=$!
trap 'kill "$stressor" 2>/dev/null || true; wait "$stressor" 2>/dev/null || true' EXIT

failed_runs=0
for run in $(seq 1 "$runs"); do
  start=$(date +%s)
  log="build/asan/stress-run-$run.log"
  if ctest --preset asan -j "$jobs" --timeout 900 >"$log" 2>&1; then
    verdict=passed
  else
    verdict=FAILED
    failed_runs=$((failed_runs + 1))
  fi
  echo "stress: run $run/$runs $verdict in $(( $(date +%s) - start )) s under stress-ng, ctest -j $jobs: $(grep -E 'tests passed' "$log" || echo 'no summary')"
  if [ "$verdict" = FAILED ]; then
    grep -E '^\s*[0-9]+ - .*\((Failed|Timeout|SEGFAULT|Exception)' "$log" | sed 's/^/stress:   /' || true
  fi
done
echo "stress: $((runs - failed_runs)) passed, $failed_runs failed"
[ "$failed_runs" -eq 0 ]
