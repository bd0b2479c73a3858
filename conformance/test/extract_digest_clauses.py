#!/usr/bin/env python3
"""Writes fixtures/spec/digest-clauses.md: the clause headings of the protocol digest and the
numbered items of its §9, i.e. everything a case's `spec` may cite (levels_test reads it).

Usage: extract_digest_clauses.py [DIGEST] [OUT]
(defaults: ../shared/spec/comms-transports.md beside the repository, fixtures/spec/digest-clauses.md)
"""
import os
import re
import sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(root), "shared", "spec", "comms-transports.md")
dst = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "fixtures", "spec", "digest-clauses.md")
out = [
    "<!-- The clause headings of ../shared/spec/comms-transports.md (our protocol digest, kept beside the",
    "     repository), and the numbered items of its §9: what a case may cite. Regenerate with",
    "     conformance/test/extract_digest_clauses.py when the digest changes; levels_test checks the two agree",
    "     whenever the digest is there. -->",
]
section = ""
with open(src, encoding="utf-8") as digest:
    for line in digest:
        line = line.rstrip("\n")
        m = re.match(r"^#{2,3} (\d+(?:\.\d+)?)\.? ", line)
        if m:
            out.append(line)
            section = m.group(1).split(".")[0]
        elif section == "9" and re.match(r"^(\d+)\. ", line):
            out.append(line[:100])
with open(dst, "w", encoding="utf-8") as f:
    f.write("\n".join(out) + "\n")
print(f"wrote {dst}: {len(out) - 4} lines")
