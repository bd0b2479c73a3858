#!/usr/bin/env bash
# Opens a conformance report in a real headless browser (Debian's chromium) and checks that it
# renders: the summary matrix, a failing case with its sequence diagram, and its reproduce command.
# Keeps a screenshot next to the report (a CI artifact for people).
# Usage: report_render_test.sh <dclcomms binary> <output dir>
set -u
bin=$1
out=$2
rm -rf "$out"
mkdir -p "$out"
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "FAIL: no chromium on this machine (ci/install-deps.sh installs it)"
  echo "0 passed, 1 failed"
  exit 1
fi
"$bin" conformance run --transport ws-room --transport mutant-reconnect-after-kick --cases 'wsroom.kick.*' \
  --report "$out" >"$out/run.log" 2>&1
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir="$profile")
timeout 60 "$browser" "${flags[@]}" --dump-dom "file://$out/report.html" >"$out/dom.html" 2>/dev/null
timeout 60 "$browser" "${flags[@]}" --window-size=1280,1400 --screenshot="$out/report.png" "file://$out/report.html" >/dev/null 2>&1
passed=0
failed=0
check() {
  if grep -q -- "$2" "$out/dom.html"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $1: '$2' not in the rendered page"; fi
}
check matrix '<table id="matrix">'
check verdicts 'NOT conformant'
check failing_case 'reconnected after being kicked'
check diagram '<svg class="seq"'
check reproduce "dclcomms conformance run --transport mutant-reconnect-after-kick --cases 'wsroom.kick.no_reconnect' --seed 1"
if [ -s "$out/report.png" ] && [ "$(head -c 4 "$out/report.png" | od -An -tx1 | tr -d ' ')" = "89504e47" ]; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  echo "FAIL screenshot: no PNG at $out/report.png"
fi
echo "screenshot: $out/report.png"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
