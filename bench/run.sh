#!/usr/bin/env bash
# The benchmark suite: builds pullcheck in release mode and runs bench/bench.py, which measures
# whole-process runs against references timed in the same invocation and writes
# bench/RESULTS.md. Needs ../shared/corpus/. Usage: bench/run.sh [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin pullcheck --example parse_only --example skim_stats --example read_only
exec python3 bench/bench.py \
  --bin target/release/pullcheck \
  --parse-only target/release/examples/parse_only \
  --skim-stats target/release/examples/skim_stats \
  --read-only target/release/examples/read_only \
  --corpus ../shared/corpus \
  --out bench/RESULTS.md \
  "$@"
