#!/usr/bin/env bash
# Runs the dclcomms conformance suite against YOUR transport's driver, for your own CI.
# Usage: DRIVER="node my_driver.js" [SEEDS=A-B [SHARD=I/N]] [REPORT=dir] \
#          bash conformance-for-your-transport.sh [DCLCOMMS_CHECKOUT]
# Installs only what the dclcomms command needs (install-deps.sh --cli-only: no clang, fuzzers,
# benchmarks, browser or npm peers) and builds only that command (preset `cli`, no tests).
# SEEDS runs a sweep (every simulated case once per seed); SHARD runs one slice of it, to be put
# back together with `dclcomms conformance merge` (ci/github-actions/conformance-sweep.yml,
# ci/kubernetes/conformance-sweep.yaml).
# Exit 0 when every MUST case (and every case of a declared capability) passes; failed SHOULD cases
# only make the run "conformant with warnings". Reports land in $REPORT (default
# ./conformance-report; JUnit for CI).
set -euo pipefail
driver=${DRIVER:?set DRIVER to the command that starts your driver (docs/driver-protocol.md)}
checkout=${1:-dclcomms}
report=${REPORT:-conformance-report}
if [ ! -d "$checkout" ]; then
  echo "usage: DRIVER=... $0 PATH_TO_A_DCLCOMMS_CHECKOUT" >&2
  exit 2
fi
(cd "$checkout" && bash ci/install-deps.sh --cli-only && bash ci/build.sh cli --target dclcomms)
sweep=()
[ -n "${SEEDS:-}" ] && sweep+=(--seeds "$SEEDS")
[ -n "${SHARD:-}" ] && sweep+=(--shard "$SHARD")
"$checkout/build/cli/tools/dclcomms" conformance run --driver "$driver" "${sweep[@]}" --report "$report"
