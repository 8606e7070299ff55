#!/usr/bin/env python3
"""Extracts the reference lists from control-catalog.md (section A) into
config-pack-hipaa.txt (130 AWS Config rules) and prowler-hipaa.txt (95 Prowler checks).

Usage: python3 extract.py ../../../../shared/reference/control-catalog.md
Fails when the counts are not 130 and 95 (the catalogue lists a few Prowler checks twice).
"""
import re
import sys


def main(path):
    cfg, pr, section = [], [], None
    for line in open(path, encoding="utf-8"):
        m = re.match(r"#### (A\.\d+) (.*)", line)
        if m:
            section = f"{m.group(1)} {m.group(2).strip()}"
            cfg.append(("#", section))
            pr.append(("#", section))
            continue
        if not line.startswith("|") or line.startswith("|---") or section is None:
            continue
        cols = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cols) < 6 or cols[0] == "Control":
            continue
        cfg += [("id", x) for x in re.findall(r"`([^`]+)`", cols[1])]
        pr += [("id", x) for x in re.findall(r"`([^`]+)`", cols[2])]
    write("config-pack-hipaa.txt", cfg,
          'AWS Config conformance pack "Operational Best Practices for HIPAA Security"', 130)
    write("prowler-hipaa.txt", pr,
          "Prowler's HIPAA mapping (prowler/compliance/aws/hipaa_aws.json)", 95)


def write(name, items, title, expect):
    out = [f"# {title}\n",
           "# Extracted from ../shared/reference/control-catalog.md (section A) by extract.py.\n",
           f"# One id per line; '## ' lines name the catalogue section the following ids belong to. {expect} ids.\n"]
    seen, n, last, pending = set(), 0, None, False
    for kind, value in items:
        if kind == "#":
            last, pending = value, True
            continue
        if value in seen:
            continue
        if pending:
            out.append(f"\n## {last}\n")
            pending = False
        seen.add(value)
        out.append(value + "\n")
        n += 1
    if n != expect:
        sys.exit(f"{name}: {n} ids, expected {expect}")
    with open(name, "w", encoding="utf-8") as f:
        f.write("".join(out))


if __name__ == "__main__":
    main(sys.argv[1])
