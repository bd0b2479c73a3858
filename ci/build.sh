#!/usr/bin/env bash
# Configures and builds one CMake preset (debug, release, asan, fuzz) with ccache set up so that a
# fresh clone in another folder still hits the cache (build notes G10).
# Usage: ci/build.sh PRESET [--target TARGET]... [extra cmake -D options...]
set -euo pipefail
preset=${1:?usage: ci/build.sh PRESET [--target TARGET]... [cmake -D options...]}
shift
targets=()
while [[ $# -gt 0 && $1 == --target ]]; do
  targets+=(--target "${2:?--target needs a name}")
  shift 2
done
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CCACHE_BASEDIR=/ CCACHE_NOHASHDIR=1
cd "$root"
cmake --preset "$preset" "$@" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)" "${targets[@]}"
