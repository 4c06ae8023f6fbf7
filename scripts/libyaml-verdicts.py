#!/usr/bin/env python3
"""Prints, for every YAML file under the given paths, whether libyaml (PyYAML's C parser, the
family of parsers Kubernetes' go-yaml descends from) accepts it: `ok PATH` or `error PATH LINE:COL
MESSAGE`, tab-separated. Used to compare pullcheck's parse-error verdicts with libyaml's, see
`scripts/compare-parsers.sh`; the list of files it rejects in the corpus is frozen in
`tests/data/libyaml-rejects.txt` for `tests/corpus.rs`. Only syntax is checked (events), not construction."""
import os
import sys

import yaml


def files(paths):
    for root in paths:
        if os.path.isfile(root):
            yield root
            continue
        for d, _, names in os.walk(root):
            for n in sorted(names):
                if n.endswith((".yaml", ".yml", ".json")):
                    yield os.path.join(d, n)


def main():
    for path in sorted(files(sys.argv[1:])):
        try:
            with open(path, "rb") as f:
                data = f.read()
            for _ in yaml.parse(data, Loader=yaml.CSafeLoader):
                pass
            print(f"ok\t{path}")
        except yaml.MarkedYAMLError as e:
            m = e.problem_mark
            print(f"error\t{path}\t{m.line + 1}:{m.column + 1}\t{e.problem}")
        except Exception as e:  # noqa: BLE001 - any failure is a verdict
            print(f"error\t{path}\t0:0\t{type(e).__name__}")


if __name__ == "__main__":
    main()
