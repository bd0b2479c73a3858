#!/usr/bin/env bash
# `dclcomms connect 'simulator:…'` end to end on the wall-clock runtime: the first peer of the
# Connected event answers a ProfileRequest, and EOF on stdin disconnects cleanly (exit 0).
# Usage: cli_test.sh path/to/dclcomms
set -euo pipefail
dclcomms="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"; [[ -n "${pid:-}" ]] && kill "$pid" 2>/dev/null || true' EXIT
mkfifo "$work/in"

"$dclcomms" connect 'simulator:?peers=5&seed=1&profile=lan' <"$work/in" >"$work/out" 2>"$work/err" &
pid=$!
exec 3>"$work/in"  # keep stdin open until we are done

wait_for() {  # wait_for PATTERN: up to 5 s for a line of stdout matching PATTERN
  for _ in $(seq 1 100); do
    grep -q -- "$1" "$work/out" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "FAIL: no line matching $1 within 5 s; stdout:" >&2
  head -c 2000 "$work/out" >&2
  cat "$work/err" >&2
  return 1
}

wait_for '"event":"connected"'
address="$(head -n1 "$work/out" | grep -o '0x[0-9a-f]\{40\}' | head -n1)"
[[ -n "$address" ]] || { echo "FAIL: no peer in $(head -n1 "$work/out")" >&2; exit 1; }
echo "{\"profileRequest\":{\"address\":\"$address\"}}" >&3
wait_for "\"from\":\"$address\",\"packet\":{\"profileResponse\""
exec 3>&-  # EOF: the CLI disconnects
wait "$pid"
status=$?
pid=""
[[ $status -eq 0 ]] || { echo "FAIL: exit $status" >&2; exit 1; }
tail -n1 "$work/out" | grep -q '"event":"disconnected"' || { echo "FAIL: last line not disconnected" >&2; exit 1; }
grep -q '"protocolVersion":100' "$work/out" || { echo "FAIL: no protocolVersion 100" >&2; exit 1; }
echo "ok: $address answered; $(wc -l <"$work/out") events"

# clock=realtime with time_scale: 0.5 wall seconds are 10 simulated seconds, so the walkers' 10 Hz
# Positions pile up far faster than the wall clock alone would give (3 peers: ~15 per wall second).
sleep 0.5 | "$dclcomms" connect 'simulator:?peers=3&seed=2&profile=ideal&clock=realtime&time_scale=20' >"$work/fast"
positions=$(grep -c '"position":' "$work/fast" || true)
[[ $positions -ge 60 ]] || { echo "FAIL: time_scale=20 gave only $positions positions in 0.5 s" >&2; exit 1; }
echo "ok: time_scale=20 gave $positions positions in 0.5 s"
