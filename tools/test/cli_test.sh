#!/usr/bin/env bash
# End-to-end checks of the dclcomms command line: exit codes and output shapes.
# Usage: cli_test.sh <dclcomms binary> <source dir>
set -u
bin=$1
src=$2
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect NAME EXPECTED_EXIT PATTERN_STDOUT PATTERN_STDERR -- command args...
expect() {
  local name=$1 want_code=$2 want_out=$3 want_err=$4
  shift 5
  "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
  local code=$?
  local ok=1
  [ "$code" -eq "$want_code" ] || ok=0
  [ -z "$want_out" ] || grep -Eq -- "$want_out" "$tmp/out" || ok=0
  [ -z "$want_err" ] || grep -Eq -- "$want_err" "$tmp/err" || ok=0
  if [ $ok -eq 1 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name: exit $code (want $want_code)"
    echo "  stdout: $(head -c 400 "$tmp/out")"
    echo "  stderr: $(head -c 400 "$tmp/err")"
  fi
}

# expect_stdin: like expect, feeding STDIN_TEXT
expect_stdin() {
  local name=$1 input=$2 want_code=$3 want_out=$4 want_err=$5
  shift 6
  printf '%s' "$input" | "$@" >"$tmp/out" 2>"$tmp/err"
  local code=$?
  local ok=1
  [ "$code" -eq "$want_code" ] || ok=0
  [ -z "$want_out" ] || grep -Eq -- "$want_out" "$tmp/out" || ok=0
  [ -z "$want_err" ] || grep -Eq -- "$want_err" "$tmp/err" || ok=0
  if [ $ok -eq 1 ]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL $name: exit $code (want $want_code)"
    echo "  stdout: $(head -c 400 "$tmp/out")"; echo "  stderr: $(head -c 400 "$tmp/err")"; fi
}

expect version 0 '^dclcomms [0-9]+\.[0-9]+\.[0-9]+' '' -- "$bin" --version
expect help 0 'uri' '' -- "$bin" --help
expect no_subcommand 2 '' 'dclcomms: usage:' -- "$bin"
expect unknown_subcommand 2 '' 'dclcomms: usage:' -- "$bin" frobnicate
for sub in "uri check" "packet decode" "packet encode" connect demo "ws-room serve" "ws-room bench" "signed-login serve" "conformance run" "sim bench" driver; do
  # shellcheck disable=SC2086
  expect "help_$sub" 0 'Usage|usage' '' -- "$bin" $sub --help
done

# uri check
expect uri_valid 0 '^valid ws-room wss://ws-room-service.decentraland.org/rooms/123-room-id$' '' -- \
  "$bin" uri check ws-room:ws-room-service.decentraland.org/rooms/123-room-id
expect uri_invalid 2 '' '^dclcomms: invalid URI: bad_scheme: ' -- "$bin" uri check ws-room:http://x.org/
expect uri_mixed 2 '^valid offline' 'unsupported_type' -- "$bin" uri check offline:offline p2p:x
[ "$(wc -l <"$tmp/err")" -eq 1 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL uri_mixed: want one stderr line"; }
printf 'offline:offline\nws-room:http://x/\n' >"$tmp/batch"
expect uri_batch 2 '"ok":false' '' -- "$bin" uri check --batch "$tmp/batch"
lines=$(grep -c '"uri"' "$tmp/out")
[ "$lines" -eq 2 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL uri_batch: want 2 JSON lines, got $lines"; }
expect_stdin uri_batch_stdin $'offline:offline\n' 0 '"ok":true' '' -- "$bin" uri check --batch -
expect uri_batch_missing 4 '' 'cannot open batch file' -- "$bin" uri check --batch "$tmp/nope"
expect uri_none 2 '' 'usage' -- "$bin" uri check

# packet decode / encode
expect decode_chat 0 '^\{"chat":\{"message":"hi","timestamp":1700000000.5\},"protocolVersion":100\}$' '' -- \
  "$bin" packet decode 2a0d0a0268691100002040fc54d9415864
expect decode_truncated 2 '' '^dclcomms: packet decode: truncated: ' -- "$bin" packet decode 2a0d0a02
expect decode_bad_hex 2 '' 'invalid_hex' -- "$bin" packet decode 2a0
expect decode_wrong_wire_type 2 '' 'wrong_wire_type' -- "$bin" packet decode 2801
expect decode_rfc5 0 '"peerIdentification"' '' -- "$bin" packet decode --schema rfc5 3a040a023078
expect decode_oversize 2 '' 'oversized' -- "$bin" packet decode --bytes-max 2 2a0d0a0268691100002040fc54d9415864
expect decode_bad_schema 2 '' 'usage' -- "$bin" packet decode --schema rfc9 00
expect encode_chat 0 '^2a0d0a0268691100002040fc54d9415864$' '' -- \
  "$bin" packet encode '{"chat":{"message":"hi","timestamp":1700000000.5},"protocolVersion":100}'
expect_stdin encode_stdin '{"peerKicked":{"reason":"x"}}' 0 '^42030a0178$' '' -- "$bin" packet encode --schema rfc5 -
expect encode_bad_json 2 '' 'invalid_json' -- "$bin" packet encode '{"chat":'
expect encode_unknown_key 2 '' 'invalid_json' -- "$bin" packet encode '{"nope":1}'

# connect (offline)
expect_stdin connect_offline $'{"chat":{"message":"hi"}}\n{"packet":{"position":{}},"reliable":false}\nnot json\n' 0 \
  '^\{"event":"connected","peers":\[\]\}$' 'input line skipped' -- "$bin" connect offline:offline
grep -q '"event":"disconnected"' "$tmp/out" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL connect_offline: no disconnected event"; }
expect connect_bad_uri 2 '' 'bad_scheme' -- "$bin" connect ws-room:ftp://x/
expect connect_bad_key 2 '' 'must be 32 bytes' -- "$bin" connect --key abcd offline:offline
expect connect_key_and_random 2 '' 'usage' -- "$bin" connect --key abcd --random-key offline:offline

# sim bench (a small table; figures are for people, the test only checks its shape)
expect sim_bench 0 'codec in the loop' '' -- "$bin" sim bench --peers 5 --sim-seconds 1
# ws-room bench: our server and two swarm processes as children; the row has every column (the
# server's CPU per delivered message among them), whatever the figures.
expect ws_room_bench 0 '^dclcomms +[0-9]+ +[0-9]+ +[0-9]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+$' '' -- \
  "$bin" ws-room bench --clients 3 --seconds 0.5 --swarm-processes 2
expect sim_bench_crowd 0 '^10-avatar simulator transport crowd' '' -- "$bin" sim bench --peers 5 --sim-seconds 1 --crowd-peers 10
expect sim_bench_sweep 0 '^  seeds=3 mismatches=0 ' '' -- "$bin" sim bench --peers 5 --sim-seconds 1 --crowd-peers 10 \
  --determinism-seeds 3 --determinism-scenarios default,two-hosts
expect sim_bench_sweep_bad 2 '' 'sim bench: --determinism-scenarios' -- "$bin" sim bench --determinism-seeds 1 --determinism-scenarios nope

# conformance run --shrink (docs/fault-schedule.md): the weather-only mutant's failure shrinks to
# one lost segment, in process and through `dclcomms driver`; its reproduce command replays it
weather_case='wsroom.faults.reliable_exactly_once.lossy-5pct'
expect shrink_in_process 1 'shrunk: [0-9]+ fault decisions -> 1 ' '' -- \
  "$bin" conformance run --transport mutant-one-message-per-tick --cases "$weather_case" --shrink --report "$tmp/shrunk"
grep -q 'room-server->tut segment [0-9]*: dropped (loss)' "$tmp/out" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL shrink_in_process: no lost segment named"; }
expect shrink_through_driver 1 'shrunk: [0-9]+ fault decisions -> 1 ' '' -- \
  "$bin" conformance run --driver "$bin driver --transport mutant-one-message-per-tick" --cases "$weather_case" --shrink --report "$tmp/shrunk-driver"
shrunk_file="$tmp/shrunk/faults/mutant-one-message-per-tick.$weather_case.json"
expect shrink_reproduce 1 'FAIL +MUST +wsroom.faults.reliable_exactly_once.lossy-5pct' '' -- \
  "$bin" conformance run --transport mutant-one-message-per-tick --cases "$weather_case" --faults "$shrunk_file" --report "$tmp/shrunk-replay"
expect shrink_reference_passes 0 'PASS' '' -- \
  "$bin" conformance run --transport ws-room --cases "$weather_case" --faults "$shrunk_file" --report "$tmp/shrunk-reference"

# sim run with fault schedules (docs/fault-schedule.md): recorded, valid against the schema,
# replayed to the same digest; a malformed schedule gets one line naming the entry
weather="$src/fixtures/scenarios/datagram-weather.json"
expect sim_record_faults 0 'faults_recorded=[1-9][0-9]* decisions' '' -- "$bin" sim run "$weather" --record-faults "$tmp/faults.json"
recorded_digest=$(grep '^digest=' "$tmp/out")
python3 - "$src/docs/fault-schedule.schema.json" "$tmp/faults.json" <<'PY' && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL sim_faults_schema"; }
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
document = json.load(open(sys.argv[2]))
jsonschema.validate(document, schema)
assert document["faults"], "no decision recorded"
# The schema refuses what the parser refuses, too.
for bad in ({"from": "a", "to": "b", "datagram": 1}, {"from": "a", "to": "b", "segment": 1, "copy": 1, "drop": "loss"},
            {"from": "a", "to": "b", "datagram": 1, "drop": "loss", "extra_delay_ns": 5}):
    try:
        jsonschema.validate({"format": "dclcomms-fault-schedule", "version": 1, "faults": [bad]}, schema)
    except jsonschema.ValidationError:
        continue
    raise SystemExit("schema accepted " + json.dumps(bad))
PY
expect sim_replay_faults 0 "^${recorded_digest}\$" '' -- "$bin" sim run "$weather" --faults "$tmp/faults.json"
grep -q '^faults=' "$tmp/out" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL sim_replay_faults: no faults= line"; }
printf '{"format":"dclcomms-fault-schedule","version":1,"faults":[{"from":"a","to":"b","datagram":1}]}' >"$tmp/bad-faults.json"
expect sim_bad_faults 2 '' 'bad-faults.json: faults\[0\]: no fault given' -- "$bin" sim run "$weather" --faults "$tmp/bad-faults.json"
expect sim_faults_exclude_determinism 2 '' 'usage' -- "$bin" sim run "$weather" --faults "$tmp/faults.json" --check-determinism

# record / sim import / recorded rooms (docs/recording.md): a real loopback session imports; its
# replay passes for the reference transport in process and through the driver; the one-message-per-
# tick mutant fails it (on a perfect network: real arrivals bunch); files match their schemas; bad
# input gets one line naming file, line or path
rec="$src/fixtures/recordings/loopback-ws-room.rec.jsonl"
expect sim_import 0 '^peers=3 packets=21 user_sent=0 ' '' -- "$bin" sim import "$rec" --out "$tmp/room.json"
grep -q '^one_way_latency_ms p50=[0-9.]* .*(3 round trips)$' "$tmp/out" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL sim_import: no fitted latency line"; }
python3 - "$src/docs/recording.schema.json" "$rec" "$src/docs/recorded-room.schema.json" "$tmp/room.json" <<'PY' && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL recording_schemas"; }
import json, sys, jsonschema
line_schema = json.load(open(sys.argv[1]))
for line in open(sys.argv[2]):
    jsonschema.validate(json.loads(line), line_schema)
room_schema = json.load(open(sys.argv[3]))
room = json.load(open(sys.argv[4]))
jsonschema.validate(room, room_schema)
assert len(room["messages"]) == 21 and len(room["peers"]) == 3, "the fixture's 21 packets from 3 peers"
for bad in ({"t_ns": 1, "conn": 1, "kind": "frame", "dir": "up", "bytes": 0, "hex": ""},
            {"t_ns": 1, "conn": 0, "kind": "close", "dir": "c2s", "reason": ""},
            {"t_ns": 1, "conn": 1, "kind": "frame", "dir": "c2s", "bytes": 1, "hex": "zz"}):
    try:
        jsonschema.validate(bad, line_schema)
    except jsonschema.ValidationError:
        continue
    raise SystemExit("schema accepted " + json.dumps(bad))
PY
expect recorded_room_reference 0 'PASS +MUST +recorded\.weather' '' -- \
  "$bin" conformance run --transport ws-room --recorded-room "$tmp/room.json" --cases 'recorded.*' --report "$tmp/recorded"
grep -Eq 'PASS +MUST +recorded\.exact' "$tmp/out" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL recorded_room_reference: recorded.exact"; }
expect recorded_room_driver 0 'PASS +MUST +recorded\.exact' '' -- \
  "$bin" conformance run --driver "$bin driver --transport ws-room" --recorded-room "$tmp/room.json" --cases 'recorded.*' --report "$tmp/recorded-driver"
expect sim_shrink_recorded 1 'FAIL +MUST +recorded\.exact' '' -- \
  "$bin" sim shrink "$tmp/room.json" --transport mutant-one-message-per-tick --report "$tmp/recorded-shrink"
grep -q -- "--recorded-room '$tmp/room.json' --cases 'recorded.exact'" "$tmp/out" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL sim_shrink_recorded: no reproduce command with the room"; }
printf '{"recording":"dclcomms","version":1,"upstream":"u","listen":"l"}\n{"t_ns":1,"conn":1,"kind":"frame","dir":"c2s","bytes":0,"hex":""}\n' >"$tmp/bad.rec"
expect sim_import_bad 2 '' 'bad.rec:2: connection 1 is used before its "open" line' -- "$bin" sim import "$tmp/bad.rec"
expect sim_import_missing 2 '' 'cannot read the file' -- "$bin" sim import "$tmp/none.rec"
printf '{"format":"dclcomms-recorded-room","version":1}' >"$tmp/bad-room.json"
expect recorded_room_bad 2 '' 'bad-room.json: \$\.source: missing' -- "$bin" conformance run --recorded-room "$tmp/bad-room.json"
expect record_bad_upstream 2 '' 'upstream must be a ws:// or wss:// URL' -- "$bin" record --upstream http://127.0.0.1:1 --out "$tmp/x.rec"

# demo
expect demo 0 '^demo: [0-9]+ passed, 0 failed$' '' -- "$bin" demo

# conformance (the README's main job)
expect conformance_list 0 'mutant-reconnect-after-kick' '' -- "$bin" conformance list
expect conformance_pass 0 '^conformance: conformant — 2 passed, 0 failed \(MUST\)' '' -- "$bin" conformance run --cases 'wsroom.kick.*' --report "$tmp/report"
[ -s "$tmp/report/report.html" ] && [ -s "$tmp/report/junit.xml" ] && [ -s "$tmp/report/report.json" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL conformance_reports: missing report files"; }
expect conformance_mutant 1 'reproduce: dclcomms conformance run --transport mutant-reconnect-after-kick' '' -- \
  "$bin" conformance run --transport mutant-reconnect-after-kick --cases 'wsroom.kick.*' --report "$tmp/report2"
grep -q '^conformance: NOT conformant — ' "$tmp/out" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL conformance_mutant_summary: no 'NOT conformant' summary line"; }
# A failing case's reproduce command replays it: same case, same verdict.
reproduce=$(grep -o "reproduce: dclcomms conformance run .*" "$tmp/out" | head -n 1 | sed 's/^reproduce: dclcomms //')
# shellcheck disable=SC2086
eval "set -- $reproduce"
expect conformance_reproduce 1 'FAIL +MUST +wsroom.kick.no_reconnect' '' -- "$bin" "$@" --report "$tmp/report5"
# Through a driver, the reproduce command names the driver (a driver has no --transport name).
"$bin" conformance run --driver "'$bin' driver" --cases 'wsroom.kick.*' --report "$tmp/report6" >/dev/null
reproduce=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["cases"][0]["reproduce"])' "$tmp/report6/report.json" | sed 's/^dclcomms //')
eval "set -- $reproduce"
expect conformance_reproduce_driver 0 'PASS +MUST +wsroom.kick.no_reconnect' '' -- "$bin" "$@" --report "$tmp/report7"
# A driver whose create answer asks for I/O is told so, not silently trusted (creating opens nothing).
cat >"$tmp/io_at_create.py" <<'PY'
import json, sys
for line in sys.stdin:
    request = json.loads(line)
    answer = {"id": request["id"], "ok": True, "actions": []}
    if request["cmd"] == "hello":
        answer.update(name="io-at-create", capabilities={"types": ["ws-room"], "virtual_time": True})
    elif request["cmd"] == "create":
        answer["actions"] = [{"do": "ws_open", "stream": 1, "url": "ws://room-server/rooms/x", "subprotocols": ["rfc5"]}]
    print(json.dumps(answer), flush=True)
PY
expect conformance_driver_io_at_create 1 "driver protocol violation: the create answer asks for I/O \('ws_open'\)" '' -- \
  "$bin" conformance run --driver "python3 $tmp/io_at_create.py" --cases 'uri.accepts_real_world_forms' --report "$tmp/report8"
# Calls in one tick (protocol 1.1): a transport that defers its writes loses five sends made in the
# tick of disconnect(). Served through the driver, 1.1 catches it; a 1.0 driver, which settles between
# requests, cannot show it, and the case says UNSUPPORTED rather than a pass it did not earn.
expect conformance_driver_one_tick 1 'lost without a word' '' -- "$bin" conformance run \
  --driver "'$bin' driver --transport mutant-drop-sends-on-disconnect" --cases 'wsroom.lifecycle.sends_before_disconnect_arrive' --report "$tmp/report9"
expect conformance_driver_protocol_1_0 0 'UNSUPPORTED +MUST +wsroom.lifecycle.sends_before_disconnect_arrive' '' -- "$bin" conformance run \
  --driver "'$bin' driver --protocol 1.0 --transport mutant-drop-sends-on-disconnect" --cases 'wsroom.lifecycle.sends_before_disconnect_arrive' --report "$tmp/report10"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))[0]["cases"][0]["detail"]; sys.exit(0 if "protocol 1.0" in d else 1)' "$tmp/report10/report.json" \
  && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL conformance_driver_protocol_1_0_detail: the UNSUPPORTED verdict does not name protocol 1.0"; }
# Seed sweeps: two shards merged report what the unsharded sweep reports, case for case.
sweep_args=(conformance run --transport mutant-reconnect-after-kick --seeds 1-6 --cases 'wsroom.kick.*')
"$bin" "${sweep_args[@]}" --report "$tmp/sweep-all" >/dev/null 2>"$tmp/sweep-all.err"
"$bin" "${sweep_args[@]}" --shard 1/2 --report "$tmp/sweep-1" >/dev/null 2>&1
"$bin" "${sweep_args[@]}" --shard 2/2 --report "$tmp/sweep-2" >/dev/null 2>&1
expect conformance_merge 1 'seeds 1-6: 6 run, 6 failed' '' -- "$bin" conformance merge "$tmp/sweep-1" "$tmp/sweep-2" --report "$tmp/sweep-merged"
python3 - "$tmp/sweep-all/report.json" "$tmp/sweep-merged/report.json" <<'PY' && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL conformance_merge_equals_unsharded"; }
import json, sys
keys = ("id", "verdict", "detail", "reproduce", "sweep")
a, b = ([{k: c.get(k) for k in keys} for c in json.load(open(p))[0]["cases"]] for p in sys.argv[1:3])
sys.exit(0 if a == b and a else 1)
PY
grep -q 'pairs\] mutant-reconnect-after-kick: .* failing, ETA' "$tmp/sweep-all.err" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL conformance_sweep_progress: no progress line on stderr"; }
expect conformance_shard_without_seeds 2 '' 'give --seeds' -- "$bin" conformance run --shard 1/2 --report "$tmp/sweep-bad"
expect conformance_merge_incomplete 2 '' 'shard 2/2 of mutant-reconnect-after-kick is missing' -- "$bin" conformance merge "$tmp/sweep-1" --report "$tmp/sweep-bad2"
# The codec benchmark runs both codecs on the same packets (figures belong to docs/bench.md, not here).
expect packet_bench 0 '^movement_compressed +1 +[0-9.]+ +[0-9.]+ +[0-9.]+x' '' -- "$bin" packet bench --iterations 2 \
  --golden "$src/fixtures/golden/rfc4" --upstream "$src/tools/golden/bench_codec.js"
expect driver_unknown_transport 2 '' "unknown transport 'nope'" -- "$bin" driver --transport nope
expect conformance_unknown 2 '' 'unknown transport' -- "$bin" conformance run --transport nope --report "$tmp/report3"
expect conformance_no_case 2 '' 'no case matches' -- "$bin" conformance run --cases 'zzz*' --report "$tmp/report4"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
