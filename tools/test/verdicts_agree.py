#!/usr/bin/env python3
"""Compares the verdicts of two conformance reports (report.json) case by case.

Usage: verdicts_agree.py IN_PROCESS_REPORT DRIVER_REPORT

Each report may hold several runs (one per transport); a case is taken from the runs it applies to. Every case applicable in both must have the same verdict, and the two sides must apply
to the same cases: a transport judged through `dclcomms driver` is judged as it is in process.
"""
import json
import sys


def verdicts(path):
    """case id -> (verdict, detail). A case several runs apply to (the URI cases, once per type in
    process, once for a driver serving every type) must have one verdict in all of them."""
    out = {}
    for run in json.load(open(path)):
        for case in run["cases"]:
            if not case.get("applicable", True):
                continue
            verdict = (case["verdict"], case.get("detail", ""))
            if case["id"] in out and out[case["id"]][0] != verdict[0]:
                sys.exit(f"{path}: case {case['id']} is {out[case['id']][0]} for one transport and {verdict[0]} for "
                         f"{run['transport']}: the in-process side itself disagrees")
            out.setdefault(case["id"], verdict)
    return out


def main():
    in_process, driver = verdicts(sys.argv[1]), verdicts(sys.argv[2])
    problems = []
    for case_id in sorted(set(in_process) | set(driver)):
        if case_id not in driver:
            problems.append(f"{case_id}: judged in process ({in_process[case_id][0]}) but not through the driver")
        elif case_id not in in_process:
            problems.append(f"{case_id}: judged through the driver ({driver[case_id][0]}) but not in process")
        elif in_process[case_id][0] != driver[case_id][0]:
            problems.append(f"{case_id}: {in_process[case_id][0]} in process, {driver[case_id][0]} through the driver\n"
                            f"    in process: {in_process[case_id][1][:300]}\n    driver:     {driver[case_id][1][:300]}")
    both = len(set(in_process) & set(driver))
    if problems:
        print(f"verdicts differ in {len(problems)} of {both} cases:")
        print("\n".join("  " + p for p in problems))
        return 1
    counts = {}
    for verdict, _ in in_process.values():
        counts[verdict] = counts.get(verdict, 0) + 1
    print(f"same verdict in all {both} cases (" + ", ".join(f"{n} {v}" for v, n in sorted(counts.items())) + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
