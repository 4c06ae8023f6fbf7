#!/usr/bin/env bash
# The entry of the pre-commit hooks (.pre-commit-hooks.yaml): builds pullcheck from this
# checkout with its committed Cargo.lock (`cargo build --locked`), then runs it with the hook's
# arguments. pre-commit's `language: rust` runs `cargo install` without `--locked`, which
# resolves the dependencies anew: a later release of one could break or change the hook.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
target="${CARGO_TARGET_DIR:-$repo/target}"
if [ ! -x "$target/release/pullcheck" ]; then
  echo "pullcheck: building pullcheck with cargo (the first run of this hook version only)" >&2
fi
# Nothing to do, and quick, once built.
cargo build --locked --release --quiet --manifest-path "$repo/Cargo.toml" --target-dir "$target" >&2
exec "$target/release/pullcheck" "$@"
