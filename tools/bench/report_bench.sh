#!/usr/bin/env bash
# Report sizes and how long the page takes to open: the default conformance run (every reference
# transport, seed 1), a run of mutants over every case (failing cases are shown open, with their
# diagrams: the heaviest page) and seed sweeps of growing length over a few cases, then each
# report.html opened in headless chromium beside an empty page, in the same browser, in turn
# (page_load.py).
# A sweep's reports must not grow with its seeds (one transcript per case: the first failing seed's,
# else the first passing one's; the other seeds counted), and the page must open in under 2 s.
#
# Usage: tools/bench/report_bench.sh DCLCOMMS [--repeat K] [--seeds "1 10 100 1000"] [--cases GLOB]
#                                    [--transports "ws-room mutant-one-message-per-tick"]
#                                    [--mutants "mutant-truncates-over-32k ..."] [--out DIR]
# Prints one table; keeps the reports in DIR (default: a temporary directory, removed at the end).
set -euo pipefail
bin=$(realpath "${1:?usage: report_bench.sh DCLCOMMS [--repeat K] [--seeds LIST] [--cases GLOB] [--transports LIST] [--out DIR]}")
shift
repeat=5
seeds="1 10 100 1000"
cases='wsroom.faults.reliable_exactly_once.*'
transports="ws-room mutant-one-message-per-tick"
mutants="mutant-truncates-over-32k mutant-livekit-truncates-over-32k mutant-one-message-per-tick mutant-reencode-packets mutant-swap-reliability"
out=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --repeat) repeat=$2; shift 2 ;;
    --seeds) seeds=$2; shift 2 ;;
    --cases) cases=$2; shift 2 ;;
    --transports) transports=$2; shift 2 ;;
    --mutants) mutants=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "report_bench.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ -z $out ]]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"
out=$(realpath "$out")

names=()   # one per row, in order
labels=()
walls=()
run() {  # run NAME LABEL ARGS...
  local name=$1 label=$2
  shift 2
  local start end
  start=$(date +%s%N)
  # Exit code 1 = NOT conformant: expected of the mutant.
  "$bin" conformance run "$@" --report "$out/$name" >"$out/$name.log" 2>&1 || [[ $? -eq 1 ]] || {
    echo "report_bench.sh: '$label' failed, see $out/$name.log" >&2
    exit 1
  }
  end=$(date +%s%N)
  names+=("$name")
  labels+=("$label")
  walls+=("$(((end - start) / 1000000))")  # ms
}

run default "conformance run (every reference transport)"
mutant_args=()
for t in $mutants; do mutant_args+=(--transport "$t"); done
if [[ ${#mutant_args[@]} -gt 0 ]]; then
  run mutants "$((${#mutant_args[@]} / 2)) mutants, every case" "${mutant_args[@]}"
fi
transport_args=()
for t in $transports; do transport_args+=(--transport "$t"); done
for n in $seeds; do
  run "sweep-$n" "sweep --seeds 1-$n" "${transport_args[@]}" --cases "$cases" --seeds "1-$n"
done
printf '<!doctype html><html><head><meta charset="utf-8"><title>empty</title></head><body></body></html>\n' >"$out/empty.html"

pages=("$out/empty.html")
for name in "${names[@]}"; do pages+=("$out/$name/report.html"); done
python3 "$here/page_load.py" --repeat "$repeat" "${pages[@]}" >"$out/page_load.jsonl"

echo "mutants: conformance run ${mutant_args[*]}"
echo "sweeps: conformance run ${transport_args[*]} --cases '$cases' --seeds 1-N"
python3 - "$out" "$repeat" "${#names[@]}" "${names[@]}" "${labels[@]}" "${walls[@]}" <<'PY'
import json, os, sys
out, repeat, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
names = sys.argv[4:4 + count]
labels = sys.argv[4 + count:4 + 2 * count]
walls = sys.argv[4 + 2 * count:4 + 3 * count]
loads = {}
for line in open(os.path.join(out, "page_load.jsonl")):
    entry = json.loads(line)
    loads[os.path.realpath(entry["page"])] = entry
empty = loads[os.path.realpath(os.path.join(out, "empty.html"))]
print(f"report sizes and page open times; page ms = median of {repeat} in headless chromium, navigation start to load "
      "event end / to the first frame after it")
print(f"{'run':<52} {'case runs':>9} {'failing':>7} {'run s':>7} {'html bytes':>11} {'json bytes':>11} {'junit bytes':>11} "
      f"{'load ms':>8} {'frame ms':>9}")
for name, label, wall in zip(names, labels, walls):
    report = json.load(open(os.path.join(out, name, "report.json")))
    case_runs = 0
    for run in report:
        for case in run["cases"]:
            if case.get("applicable", True):
                case_runs += case["sweep"]["seeds_run"] if "sweep" in case else 1
    failing = sum(1 for run in report for case in run["cases"] if case["verdict"] in ("FAIL", "NON-STRICT", "NONDETERMINISTIC"))
    sizes = [os.path.getsize(os.path.join(out, name, f)) for f in ("report.html", "report.json", "junit.xml")]
    page = loads[os.path.realpath(os.path.join(out, name, "report.html"))]
    print(f"{label:<52} {case_runs:>9} {failing:>7} {int(wall) / 1000:>7.1f} {sizes[0]:>11} {sizes[1]:>11} {sizes[2]:>11} "
          f"{page['median_load_ms']:>8.0f} {page['median_frame_ms']:>9.0f}")
print(f"{'empty page (same browser, same rounds)':<52} {'':>9} {'':>7} {'':>7} {os.path.getsize(os.path.join(out, 'empty.html')):>11} "
      f"{'':>11} {'':>11} {empty['median_load_ms']:>8.0f} {empty['median_frame_ms']:>9.0f}")
PY
