#!/usr/bin/env bash
# The main job on its built-in default: installs dependencies, builds Release and runs `dclcomms demo`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash ci/install-deps.sh >&2
bash ci/build.sh release >&2
exec build/release/tools/dclcomms demo
