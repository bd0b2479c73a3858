#!/usr/bin/env bash
# Every implementation we know of, side by side in one report (the way interop runners for other
# protocols show theirs): our reference ws-room and signed-login in process, the Node template and
# the explorer's own ws-room transport through their drivers. Ours and the template pass every
# case; the explorer gets exactly the verdicts conformance/drivers/explorer/expected-verdicts.json
# traces to its upstream lines. Usage: implementations_matrix_test.sh <dclcomms> <source dir> <work dir>
set -u
bin=$1
src=$2
work=$3
rm -rf "$work" && mkdir -p "$work"
"$bin" conformance run --transport ws-room --transport signed-login \
  --driver "node $src/conformance/drivers/node/driver.js" \
  --driver "node $src/conformance/drivers/explorer/driver.js" \
  --cases '*' --report "$work" >"$work/run.out" 2>"$work/run.err"
echo "conformance run exit $? (the explorer is expected NOT conformant); $(grep '^conformance:' "$work/run.out")"
python3 "$src/tools/test/implementations_matrix.py" "$work/report.json" \
  "$src/conformance/drivers/explorer/expected-verdicts.json" "$src/docs/implementations.md"
