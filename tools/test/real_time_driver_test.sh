#!/usr/bin/env bash
# The real-time path of the driver protocol (virtual_time: false): `dclcomms driver --real-time`
# opens its own sockets, so the suite runs its wire cases and URI cases through it, and must pass
# them all (every other case is UNSUPPORTED for such a driver: it needs the virtual clock).
# Usage: real_time_driver_test.sh DCLCOMMS_BINARY REPORT_DIR
set -euo pipefail
bin=${1:?dclcomms binary}
report=${2:?report dir}
out=$("$bin" conformance run --driver "'$bin' driver --real-time" --report "$report")
echo "$out"
passed_wire=$(grep -cE '^  PASS +MUST +wire\.' <<<"$out" || true)
passed_uri=$(grep -cE '^  PASS +MUST +uri\.' <<<"$out" || true)
wire_total=$("$bin" conformance list | grep -cE '^  (MUST|SHOULD) +wire\.')
if [[ $passed_wire -ne $wire_total || $wire_total -lt 4 ]]; then
  echo "FAILED: $passed_wire of $wire_total wire cases passed through the real-time driver" >&2
  exit 1
fi
if [[ $passed_uri -ne 2 ]]; then
  echo "FAILED: $passed_uri of 2 URI cases passed through the real-time driver" >&2
  exit 1
fi
echo "ok: $passed_wire wire cases and $passed_uri URI cases passed through the real-time driver"
