#!/usr/bin/env bash
# The main job on its built-in default: installs dependencies, builds Release and runs the conformance
# suite against our reference transports, writing conformance-report/{report.html,report.json,junit.xml}.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash ci/install-deps.sh >&2
bash ci/build.sh release --target dclcomms >&2  # the CLI is all the main job needs
exec build/release/tools/dclcomms conformance run --report conformance-report
