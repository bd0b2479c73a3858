#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs dependencies, fuzzes each parser briefly with
# clang (libFuzzer + ASan/UBSan), checks the simulator's golden traces in a Release (-O2) build,
# then builds with ASan+UBSan (g++, -O0: the optimiser is most of a sanitizer build's compile time,
# and the sanitizers check the same at any level; docs/testing.md) and runs every test there —
# unit, property, golden, simulator, loopback, conformance (in-process, driver, Node template) and
# interop with the real npm peers. The last lines are ctest's summary. (A separate Debug run would
# repeat the same tests without the sanitizers; on 2 cores it would double CI time for no new check.)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
start=$(date +%s)
step() { echo; echo "== $* ($(( $(date +%s) - start ))s)"; }

# The builds below need about 6 GiB on this disk (the ASan build ~4.7 GiB, ccache up to its limit).
# A full disk shows up as compiler failures whose messages scroll away: say it plainly, first and last.
free_gib() { df -Pk "$root" | awk 'NR == 2 { printf "%.1f", $4 / 1048576 }'; }
disk_note() { echo "disk: $(free_gib) GiB free on the file system of $root (the build needs about 6 GiB)"; }
disk_note
trap 'status=$?; echo; echo "ci/test.sh failed (exit $status) after $(( $(date +%s) - start ))s"; disk_note' ERR

step "dependencies"
bash ci/install-deps.sh

step "fuzz smoke run (clang, libFuzzer)"
bash ci/fuzz.sh "${DCLCOMMS_FUZZ_SECONDS:-20}"

step "determinism across build types: the simulator's golden traces, built -O2 (Release)"
# The ASan run below checks them at -O0; the same traces must come out of an optimised build.
bash ci/build.sh release --target sim_engine_test >/dev/null
build/release/simulator/engine/sim_engine_test --gtest_filter='Fixtures/GoldenTrace.*:*Determinism*' --gtest_brief=1

step "ASan+UBSan build"
bash ci/build.sh asan

step "tests (ASan+UBSan)"
ctest --preset asan --timeout 300
