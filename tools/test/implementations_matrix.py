#!/usr/bin/env python3
"""Checks the implementations matrix (one conformance report, several transports side by side).

Usage: implementations_matrix.py REPORT_JSON EXPLORER_EXPECTED_JSON IMPLEMENTATIONS_MD

- Our reference transports and the Node template: no applicable case may end FAIL, NON-STRICT or
  NONDETERMINISTIC.
- The explorer's own transport: every applicable case has exactly the verdict expected-verdicts.json
  gives it (PASS when it is not listed), so a case that starts or stops failing it is noticed;
  and every case listed there is explained in docs/implementations.md.
"""
import json
import sys


def main():
    runs = json.load(open(sys.argv[1]))
    expected = json.load(open(sys.argv[2]))["not_pass"]
    doc = open(sys.argv[3]).read()
    problems = []
    explorer_seen = False
    for run in runs:
        name = run["transport"]
        applicable = [c for c in run["cases"] if c.get("applicable", True)]
        if name.startswith("explorer-ws-adapter"):
            explorer_seen = True
            for case in applicable:
                want = expected.get(case["id"], {}).get("verdict", "PASS")
                if case["verdict"] != want:
                    problems.append(f"explorer: {case['id']} is {case['verdict']}, expected {want}: {case.get('detail', '')[:300]}")
            missing = set(expected) - {c["id"] for c in applicable}
            for case_id in sorted(missing):
                problems.append(f"explorer: {case_id} is listed in expected-verdicts.json but was not run")
        else:
            for case in applicable:
                if case["verdict"] in ("FAIL", "NON-STRICT", "NONDETERMINISTIC"):
                    problems.append(f"{name}: {case['id']} is {case['verdict']}: {case.get('detail', '')[:300]}")
        counts = {}
        for case in applicable:
            counts[case["verdict"]] = counts.get(case["verdict"], 0) + 1
        print(f"{name}: " + ", ".join(f"{n} {v}" for v, n in sorted(counts.items())))
    if not explorer_seen:
        problems.append("the report has no column for the explorer's transport")
    for case_id in sorted(expected):
        if f"`{case_id}`" not in doc:
            problems.append(f"docs/implementations.md does not explain {case_id}")
    if problems:
        print("\n".join(problems))
        return 1
    print("every implementation has the verdicts expected of it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
