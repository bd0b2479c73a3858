#!/usr/bin/env bash
# Configures and builds one CMake preset (debug, release, asan, fuzz) with ccache set up so that a
# fresh clone in another folder still hits the cache (build notes G10).
# Usage: ci/build.sh PRESET [extra cmake -D options...]
set -euo pipefail
preset=${1:?usage: ci/build.sh PRESET}
shift
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CCACHE_BASEDIR=/ CCACHE_NOHASHDIR=1
cd "$root"
cmake --preset "$preset" "$@" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
