#!/usr/bin/env python3
"""The sweep recipes people copy (ci/github-actions/conformance-sweep.yml,
ci/kubernetes/conformance-sweep.yaml) parse, wire their shards as the CLI expects, and their shard
arithmetic covers every (case, seed) pair of the sweep exactly once — checked against the real
binary's `conformance run --list-pairs`.

Usage: recipes_test.py DCLCOMMS_BINARY SOURCE_DIR
"""
import os
import subprocess
import sys

import yaml

problems = []


def check(condition, what):
    if not condition:
        problems.append(what)
    return condition


def pairs(binary, seeds, shard):
    out = subprocess.run([binary, "conformance", "run", "--transport", "ws-room", "--seeds", seeds, "--shard", shard, "--list-pairs"],
                         check=True, capture_output=True, text=True).stdout
    return [tuple(line.rsplit(" ", 1)) for line in out.splitlines() if line]


def covers_every_pair_once(binary, seeds, shards, name):
    whole = pairs(binary, seeds, "1/1")
    seen = []
    for shard in shards:
        seen += pairs(binary, seeds, shard)
    check(len(seen) == len(whole), f"{name}: the shards list {len(seen)} pairs, the sweep has {len(whole)}")
    check(len(set(seen)) == len(seen), f"{name}: a pair is in two shards")
    check(set(seen) == set(whole), f"{name}: the shards do not cover the sweep's pairs")
    print(f"{name}: {len(shards)} shards cover the {len(whole)} pairs of seeds {seeds} exactly once")


def github_actions(binary, path):
    doc = yaml.safe_load(open(path))
    env = doc.get("env", {})
    shards = int(env["SHARDS"])
    jobs = doc["jobs"]
    matrix = jobs["sweep"]["strategy"]["matrix"]["shard"]
    check(matrix == list(range(1, shards + 1)), f"{path}: matrix.shard {matrix} is not 1..SHARDS ({shards})")
    runs = " ".join(step.get("run", "") for step in jobs["sweep"]["steps"])
    check("SHARD=${{ matrix.shard }}/${{ env.SHARDS }}" in runs, f"{path}: the sweep job does not pass SHARD=matrix.shard/SHARDS")
    check('checkout "$DCLCOMMS_REF"' in runs and "DCLCOMMS_REF" in env, f"{path}: dclcomms is not pinned by DCLCOMMS_REF")
    uploads = [s["with"]["name"] for s in jobs["sweep"]["steps"] if s.get("uses", "").startswith("actions/upload-artifact")]
    check(uploads == ["shard-${{ matrix.shard }}"], f"{path}: each shard must upload its report as shard-<i>")
    merge = jobs["merge"]
    check(merge.get("needs") == "sweep", f"{path}: the merge job must need the sweep")
    downloads = [s["with"]["pattern"] for s in merge["steps"] if s.get("uses", "").startswith("actions/download-artifact")]
    check(downloads == ["shard-*"], f"{path}: the merge job must download every shard-* artifact")
    merge_runs = " ".join(step.get("run", "") for step in merge["steps"])
    check("conformance merge shards/shard-*" in merge_runs, f"{path}: the merge job does not run conformance merge over the shards")
    covers_every_pair_once(binary, env["SEEDS"], [f"{i}/{shards}" for i in matrix], path)


def kubernetes(binary, path):
    sweep, merge = list(yaml.safe_load_all(open(path)))
    spec = sweep["spec"]
    check(spec.get("completionMode") == "Indexed", f"{path}: the sweep is not an Indexed Job")
    container = spec["template"]["spec"]["containers"][0]
    env = {e["name"]: e["value"] for e in container["env"]}
    shards = int(env["SHARDS"])
    check(spec["completions"] == shards, f"{path}: completions {spec['completions']} != SHARDS {shards}")
    script = " ".join(container["args"])
    check("--shard \"$((JOB_COMPLETION_INDEX + 1))/$SHARDS\"" in script, f"{path}: the pods do not map JOB_COMPLETION_INDEX to --shard")
    # What each pod's shell makes of it: 0-based index -> 1-based shard.
    mapped = [subprocess.run(["/bin/sh", "-c", 'echo "$((JOB_COMPLETION_INDEX + 1))/$SHARDS"'], check=True, capture_output=True, text=True,
                             env={"JOB_COMPLETION_INDEX": str(i), "SHARDS": str(shards), "PATH": os.environ["PATH"]}).stdout.strip()
              for i in range(spec["completions"])]
    merge_args = " ".join(merge["spec"]["template"]["spec"]["containers"][0]["args"])
    check("conformance merge /reports/shard-*" in merge_args, f"{path}: the merge Job does not merge /reports/shard-*")
    covers_every_pair_once(binary, env["SEEDS"], mapped, path)


def main():
    binary, src = sys.argv[1], sys.argv[2]
    github_actions(binary, os.path.join(src, "ci/github-actions/conformance-sweep.yml"))
    kubernetes(binary, os.path.join(src, "ci/kubernetes/conformance-sweep.yaml"))
    yaml.safe_load(open(os.path.join(src, "ci/github-actions/conformance.yml")))  # well-formed
    if problems:
        print("\n".join(problems))
        return 1
    print("the recipes parse and shard the sweep as the CLI does")
    return 0


if __name__ == "__main__":
    sys.exit(main())
