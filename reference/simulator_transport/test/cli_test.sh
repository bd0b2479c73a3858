#!/usr/bin/env bash
# `dclcomms connect 'simulator:…'` end to end on the wall-clock runtime: the first peer of the
# Connected event answers a ProfileRequest, and EOF on stdin disconnects cleanly (exit 0).
# Every wait ends as soon as the line it waits for appears; its 60 s bound only catches a hang, so
# a loaded machine (ASan builds, two tests at a time) cannot fail this test. Rates are not asserted
# here: how much faster time_scale runs the crowd is checked in virtual time
# (determinism_test.cpp, TimeScaleRunsTheCrowdFaster).
# Usage: cli_test.sh path/to/dclcomms
set -euo pipefail
dclcomms="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"; [[ -n "${pid:-}" ]] && kill "$pid" 2>/dev/null || true' EXIT
mkfifo "$work/in"

"$dclcomms" connect 'simulator:?peers=5&seed=1&profile=lan' <"$work/in" >"$work/out" 2>"$work/err" &
pid=$!
exec 3>"$work/in"  # keep stdin open until we are done

hang_s=60
wait_for() {  # wait_for PATTERN [FILE] [COUNT]: until FILE (stdout) has COUNT (1) lines matching PATTERN
  local file="${2:-$work/out}" count="${3:-1}" deadline=$((SECONDS + hang_s))
  while (( SECONDS < deadline )); do
    (( $(grep -c -- "$1" "$file" 2>/dev/null || true) >= count )) && return 0
    sleep 0.05
  done
  echo "FAIL: not $count line(s) matching $1 within $hang_s s; output:" >&2
  head -c 2000 "$file" >&2
  cat "$work/err" >&2
  return 1
}
wait_exit() {  # wait_exit PID: its exit status, or 124 after $hang_s s (the process is then killed)
  local deadline=$((SECONDS + hang_s))
  while kill -0 "$1" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.05; done
  kill -0 "$1" 2>/dev/null && { kill -9 "$1"; echo "FAIL: still running $hang_s s after EOF on stdin" >&2; return 124; }
  wait "$1"
}

wait_for '"event":"connected"'
address="$(head -n1 "$work/out" | grep -o '0x[0-9a-f]\{40\}' | head -n1)"
[[ -n "$address" ]] || { echo "FAIL: no peer in $(head -n1 "$work/out")" >&2; exit 1; }
echo "{\"profileRequest\":{\"address\":\"$address\"}}" >&3
wait_for "\"from\":\"$address\",\"packet\":{\"profileResponse\""
exec 3>&-  # EOF: the CLI disconnects
status=0
wait_exit "$pid" || status=$?
pid=""
[[ $status -eq 0 ]] || { echo "FAIL: exit $status" >&2; exit 1; }
tail -n1 "$work/out" | grep -q '"event":"disconnected"' || { echo "FAIL: last line not disconnected" >&2; exit 1; }
grep -q '"protocolVersion":100' "$work/out" || { echo "FAIL: no protocolVersion 100" >&2; exit 1; }
echo "ok: $address answered; $(wc -l <"$work/out") events"

# clock=realtime with time_scale: the crowd runs on the scaled wall clock through the CLI; its
# walkers' Positions keep coming, and EOF still ends the session cleanly.
mkfifo "$work/in2"
"$dclcomms" connect 'simulator:?peers=3&seed=2&profile=ideal&clock=realtime&time_scale=20' <"$work/in2" >"$work/fast" 2>"$work/err" &
pid=$!
exec 4>"$work/in2"
wait_for '"event":"connected"' "$work/fast"
wait_for '"position":' "$work/fast" 60
exec 4>&-
status=0
wait_exit "$pid" || status=$?
pid=""
[[ $status -eq 0 ]] || { echo "FAIL: time_scale=20: exit $status" >&2; exit 1; }
tail -n1 "$work/fast" | grep -q '"event":"disconnected"' || { echo "FAIL: time_scale=20: last line not disconnected" >&2; exit 1; }
echo "ok: time_scale=20 ran the crowd ($(grep -c '"position":' "$work/fast") positions) and ended cleanly"
