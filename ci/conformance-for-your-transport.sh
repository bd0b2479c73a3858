#!/usr/bin/env bash
# Runs the dclcomms conformance suite against YOUR transport's driver, for your own CI.
# Usage: DRIVER="node my_driver.js" bash conformance-for-your-transport.sh [DCLCOMMS_CHECKOUT]
# Exit 0 when every MUST case (and every case of a declared capability) passes; failed SHOULD cases
# only make the run "conformant with warnings". Reports land in ./conformance-report (JUnit for CI).
set -euo pipefail
driver=${DRIVER:?set DRIVER to the command that starts your driver (docs/driver-protocol.md)}
checkout=${1:-dclcomms}
if [ ! -d "$checkout" ]; then
  echo "usage: DRIVER=... $0 PATH_TO_A_DCLCOMMS_CHECKOUT" >&2
  exit 2
fi
(cd "$checkout" && bash ci/install-deps.sh && bash ci/build.sh release --target dclcomms)  # the CLI only: no tests
"$checkout/build/release/tools/dclcomms" conformance run --driver "$driver" --report conformance-report
