#!/usr/bin/env python3
"""Checks that every object Checkov's CKV_K8S_14 ("Image Tag should be fixed - not latest or
blank") fails is flagged by pullcheck's missing-tag, latest-tag or invalid-image, and lists the
objects where it is not, for a person to judge.

    checkov -d CORPUS --framework kubernetes --check CKV_K8S_14 -o json --quiet --compact \\
        --skip-download > ckv14.json          # --skip-download: Checkov stays offline
    (cd CORPUS && pullcheck --format json --fail-on never .) > pullcheck.json
    scripts/compare-checkov-ckv14.py ckv14.json pullcheck.json CORPUS

Checkov is not a dependency of pullcheck; this is a one-off comparison, not a test.
"""

import json
import sys
from collections import defaultdict

RULES = {"missing-tag", "latest-tag", "invalid-image"}


def main(ckv_path, pullcheck_path, corpus):
    ckv = json.load(open(ckv_path))
    if isinstance(ckv, list):
        ckv = next(r for r in ckv if r.get("check_type") == "kubernetes")
    failed = ckv["results"].get("failed_checks", [])
    flagged = defaultdict(list)
    for d in json.load(open(pullcheck_path))["diagnostics"]:
        if d["rule"] in RULES:
            flagged[d["file"]].append(d["line"])
    missed = []
    for check in failed:
        path = check["file_path"].lstrip("/")
        first, last = check["file_line_range"]
        if not any(first <= line <= last for line in flagged[path]):
            missed.append((path, first, last, check["resource"]))
    print(f"CKV_K8S_14 failed {len(failed)} objects; pullcheck flags "
          f"{len(failed) - len(missed)} of them; {len(missed)} not:")
    for path, first, last, resource in sorted(missed):
        print(f"  {path}:{first}-{last} {resource}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
