#!/usr/bin/env bash
# Compares pullcheck's parse-error verdicts on ../shared/corpus with libyaml's (PyYAML's
# CSafeLoader events), and rewrites tests/data/libyaml-rejects.txt. Needs python3 with PyYAML.
# A file pullcheck rejects but libyaml accepts is a gap to close (Kubernetes would accept it).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/corpus
[ -d "$corpus" ] || { echo "no $corpus" >&2; exit 1; }
cargo build --release --quiet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 scripts/libyaml-verdicts.py "$corpus" > "$tmp/libyaml.tsv"
awk -F'\t' '$1 == "error" { sub("^\\.\\./shared/corpus/", "", $2); print $2 }' "$tmp/libyaml.tsv" \
  | LC_ALL=C sort > tests/data/libyaml-rejects.txt
bin="$PWD/target/release/pullcheck"
(cd "$corpus" && "$bin" --format json --fail-on never . 2>/dev/null || true) \
  | python3 -c 'import json,sys; [print(d["file"]) for d in json.load(sys.stdin)["diagnostics"] if d["rule"] == "parse-error"]' \
  | LC_ALL=C sort -u > "$tmp/ours.txt"
echo "libyaml rejects $(wc -l < tests/data/libyaml-rejects.txt) files; pullcheck reports parse errors in $(wc -l < "$tmp/ours.txt")."
echo "pullcheck rejects, libyaml accepts (gaps to close):"
LC_ALL=C comm -13 tests/data/libyaml-rejects.txt "$tmp/ours.txt" | sed 's/^/  /'
echo "libyaml rejects, pullcheck accepts:"
LC_ALL=C comm -23 tests/data/libyaml-rejects.txt "$tmp/ours.txt" | sed 's/^/  /'
