#!/usr/bin/env python3
"""Hostile inputs that were quadratic or crashed: one file per shape, for bench/bench.py and for
comparing binaries by hand:

    python3 bench/hostile.py BIN [BIN ...]     # times each binary on each shape, interleaved

Each shape is small or plainly shaped; a linear pullcheck reads any of them in well under a
second. A run is stopped after --timeout seconds and shown as '>N'.
"""

import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
import time


def write_cases(tmp, smoke=False):
    """Writes the inputs; returns (name, args, path) per case."""
    n = 2_000 if smoke else 100_000
    cases = []

    # A minified `kubectl get -o json` List: every finding far past column 65,535.
    pods = [
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"p{i}", "labels": {"pad": "x" * (2_000 if smoke else 60_000)}},
         "spec": {"containers": [{"name": "c", "image": "nginx"}, {"name": "d", "image": "Bad Image"}]}}
        for i in range(50 if smoke else 500)
    ]
    path = os.path.join(tmp, "one-line.json")
    with open(path, "w") as f:
        json.dump({"apiVersion": "v1", "kind": "List", "items": pods}, f, separators=(",", ":"))
    for fmt in ("human", "compact", "json"):
        cases.append((f"one-line List, {os.path.getsize(path) // 1_000_000} MB, {fmt}", ["--format", fmt, "--color", "never"], path))

    # A pull Secret with 20,000 `auths` keys used by 40 pods.
    keys = 1_000 if smoke else 20_000
    auths = {f"registry{i}.corp": {"auth": base64.b64encode(b"u:p").decode()} for i in range(keys)}
    docs = ["apiVersion: v1\nkind: Secret\nmetadata: {name: many}\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '" + json.dumps({"auths": auths}) + "'\n"]
    for i in range(40):
        docs.append(f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}}}\nspec:\n  imagePullSecrets: [{{name: many}}]\n  containers: [{{name: c, image: 'other.corp/app:1'}}]\n")
    path = os.path.join(tmp, "secret-keys.yaml")
    with open(path, "w") as f:
        f.write("---\n".join(docs))
    cases.append((f"Secret with {keys} auths keys, 40 pods", ["--format", "json"], path))

    # Many keys in one container mapping, in a nodeSelector, and pullcheck annotations.
    for name, build in (
        ("container keys", lambda: "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: nginx\n" + "".join(f"      k{i}: v\n" for i in range(n))),
        ("nodeSelector keys", lambda: "kind: Pod\nmetadata: {name: p}\nspec:\n  nodeSelector:\n" + "".join(f"    k{i}: v\n" for i in range(n)) + "  containers: [{name: c, image: nginx}]\n"),
        ("pullcheck.dev annotations", lambda: "kind: Pod\nmetadata:\n  name: p\n  annotations:\n" + "".join(f"    pullcheck.dev/k{i}: v\n" for i in range(n)) + "spec:\n  containers: [{name: c, image: nginx}]\n"),
    ):
        path = os.path.join(tmp, name.replace(" ", "-").replace(".", "-") + ".yaml")
        with open(path, "w") as f:
            f.write(build())
        cases.append((f"{n} {name}", ["--format", "json"], path))

    # `--chart-dir` relocation of many findings.
    chart = os.path.join(tmp, "chart")
    os.makedirs(os.path.join(chart, "templates"), exist_ok=True)
    with open(os.path.join(chart, "Chart.yaml"), "w") as f:
        f.write("apiVersion: v2\nname: c\nversion: 1.0.0\n")
    with open(os.path.join(chart, "templates", "pod.yaml"), "w") as f:
        f.write("kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  {{- range .Values.containers }}\n    - name: {{ .name }}\n      image: {{ .image }}\n  {{- end }}\n")
    containers = 500 if smoke else 10_000
    path = os.path.join(tmp, "rendered.yaml")
    with open(path, "w") as f:
        f.write("---\n# Source: c/templates/pod.yaml\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n")
        for i in range(containers):
            f.write(f"    - name: c{i}\n      image: nginx\n")
    cases.append((f"--chart-dir, {containers} containers", ["--format", "json", "--chart-dir", chart], path))
    return cases


def time_one(binary, args, path, timeout):
    start = time.perf_counter()
    try:
        subprocess.run([binary, "--fail-on", "never", *args, path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bins", nargs="+")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--smoke", action="store_true")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="pullcheck-hostile-")
    print("| case | " + " | ".join(os.path.basename(os.path.dirname(b)) + "/" + os.path.basename(b) for b in args.bins) + " |")
    print("|---" * (len(args.bins) + 1) + "|")
    for name, case_args, path in write_cases(tmp, args.smoke):
        times = [time_one(b, case_args, path, args.timeout) for b in args.bins]
        cells = [f">{args.timeout:.0f} s" if t is None else f"{t:.2f} s" for t in times]
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
