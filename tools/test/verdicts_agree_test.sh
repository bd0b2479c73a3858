#!/usr/bin/env bash
# A transport is judged the same in process and through `dclcomms driver` (issue 10): for our
# reference transports over the whole catalogue, and for mutants (whose verdicts include FAILs)
# over the cases of their type. Usage: verdicts_agree_test.sh <dclcomms binary> <work dir> reference|mutants
# (two halves, so that ctest can run them beside each other)
set -u
bin=$1
work=$2
part=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
status=0

# compare NAME TRANSPORT DRIVER_COMMAND CASES_GLOB (TRANSPORT empty: every reference transport,
# which must then pass through the driver too)
compare() {
  local name=$1 transport=$2 driver=$3 cases=$4
  local in_args=()
  [ -n "$transport" ] && in_args=(--transport "$transport")
  "$bin" conformance run "${in_args[@]}" --cases "$cases" --report "$work/$name-in-process" >"$work/$name-in-process.out" 2>&1
  "$bin" conformance run --driver "$driver" --cases "$cases" --report "$work/$name-driver" >"$work/$name-driver.out" 2>&1
  driver_exit=$?
  echo "== $name ($cases): through the driver: $(grep '^conformance:' "$work/$name-driver.out")"
  if [ -z "$transport" ] && [ "$driver_exit" -ne 0 ]; then
    echo "our reference transports through the driver are not conformant (exit $driver_exit):"
    grep -A3 'FAIL' "$work/$name-driver.out" | head -40
    status=1
  fi
  python3 "$here/verdicts_agree.py" "$work/$name-in-process/report.json" "$work/$name-driver/report.json" || status=1
}

if [ "$part" = reference ]; then
  # Reference transports: every case (the in-process run takes all five; the default driver serves all five).
  # Each driver process's traffic is logged both ways (its own pair of files: processes overlap), and
  # every message either side wrote is then checked against the protocol's JSON Schema.
  logs="$work/driver-messages"
  mkdir -p "$logs"
  logged_driver="sh -c 'f=\$(mktemp -p \"$logs\" driver.XXXXXX) && tee \"\$f.req\" | \"$bin\" driver | tee \"\$f.ans\"'"
  compare reference "" "$logged_driver" '*'
  python3 "$here/driver_messages_check.py" "$logs" "$here/../../docs/driver-protocol.schema.json" || status=1
  exit $status
fi
# Mutants: each breaks its own cases, and must break them the same way through the driver.
compare drop-sends "mutant-drop-sends-on-disconnect" "'$bin' driver --transport mutant-drop-sends-on-disconnect" 'wsroom.lifecycle.*'
compare connect-outlives "mutant-connect-outlives-disconnect" "'$bin' driver --transport mutant-connect-outlives-disconnect" 'wsroom.lifecycle.*'
compare loses-early-sends "mutant-loses-sends-before-connected" "'$bin' driver --transport mutant-loses-sends-before-connected" 'wsroom.lifecycle.*'
compare livekit-defers "mutant-livekit-defers-publish" "'$bin' driver --transport mutant-livekit-defers-publish" 'livekit.lifecycle.*'
exit $status
