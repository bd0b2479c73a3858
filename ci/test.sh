#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs dependencies, fuzzes each parser briefly with
# clang (libFuzzer + ASan/UBSan), runs every test under ASan+UBSan, then builds Debug and runs every
# test again. The last lines are ctest's summary of the Debug run.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
start=$(date +%s)
step() { echo; echo "== $* ($(( $(date +%s) - start ))s)"; }

step "dependencies"
bash ci/install-deps.sh

step "fuzz smoke run (clang, libFuzzer)"
bash ci/fuzz.sh "${DCLCOMMS_FUZZ_SECONDS:-20}"

step "ASan+UBSan build and tests"
bash ci/build.sh asan
ctest --preset asan --timeout 300

step "Debug build and tests"
bash ci/build.sh debug
ctest --preset debug --timeout 300
