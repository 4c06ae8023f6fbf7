#!/usr/bin/env bash
# Release check: the tag the README's snippets name exists and is a commit of Cargo.toml's
# version. Run it after `git tag` (CONTRIBUTING, "Releasing"); the test suite cannot, because a
# clone need not carry tags.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
tag="v$version"
grep -q "rev: $tag\$" README.md || { echo "README's pre-commit rev is not $tag" >&2; exit 1; }
grep -q "pullcheck/pullcheck@$tag\$" README.md || { echo "README's action ref is not $tag" >&2; exit 1; }
manifest=$(git show "refs/tags/$tag:Cargo.toml" 2>/dev/null) || { echo "tag $tag does not exist: tag the release commit" >&2; exit 1; }
grep -q "^version = \"$version\"\$" <<<"$manifest" || { echo "$tag is a commit of another version" >&2; exit 1; }
echo "release $tag: README and tag agree"
