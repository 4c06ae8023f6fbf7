#!/usr/bin/env bash
# Runs every cargo-fuzz target for SECONDS each (default 60), seeded from examples/ and the test
# fixtures. Needs cargo-fuzz (`cargo install cargo-fuzz`); on a stable toolchain it is run with
# RUSTC_BOOTSTRAP=1, since cargo-fuzz passes nightly-only flags. Crashes land in
# fuzz/artifacts/TARGET/; copy a fixed one into fuzz/regressions/TARGET/ so that
# tests/fuzz_inputs.rs keeps checking it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
command -v cargo-fuzz >/dev/null || { echo "cargo-fuzz is not installed: cargo install cargo-fuzz" >&2; exit 2; }
rustc --version | grep -q nightly || export RUSTC_BOOTSTRAP=1
for target in pipeline image_reference config skim; do
  corpus="fuzz/corpus/$target"
  mkdir -p "$corpus"
  case "$target" in
    skim) find examples tests/fixtures -type f -name '*.yaml' -exec cp {} "$corpus/" \; ;;
    pipeline)
      find examples tests/fixtures -type f \( -name '*.yaml' -o -name '*.json' \) -exec cp {} "$corpus/" \;
      # Long lines: findings past column 65,536 (a minified List), which libFuzzer's default
      # length cap never reaches; -max_len below lets it keep them.
      python3 - "$corpus" <<'PY'
import json, sys
pods = [{"kind": "Pod", "metadata": {"name": f"p{i}", "labels": {"pad": "x" * 300}},
         "spec": {"containers": [{"name": "c", "image": "nginx"}, {"name": "d", "image": "Bad Image"}]}}
        for i in range(220)]
with open(f"{sys.argv[1]}/long-line.json", "w") as f:
    json.dump({"apiVersion": "v1", "kind": "List", "items": pods}, f, separators=(",", ":"))
with open(f"{sys.argv[1]}/long-value.yaml", "w") as f:
    f.write("kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: nginx\n      args: [\"" + "y" * 70000 + "\"]\n")
PY
      ;;
    image_reference) printf '%s\n' nginx 'localhost:5000/app:1' 'harbor.corp:8443/a/b@sha256:0000000000000000000000000000000000000000000000000000000000000000' '[::1]:5000/x' | split -l 1 - "$corpus/seed-" ;;
    config)
      cp tests/fixtures/rules/*.pullcheck.yaml "$corpus/"
      cargo build -q
      (cd "$corpus" && ../../../target/debug/pullcheck init --force >/dev/null && mv .pullcheck.yaml starter.yaml) ;;
  esac
  echo "== $target: ${seconds}s"
  cargo fuzz run --sanitizer none "$target" "$corpus" -- -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=200000
done
