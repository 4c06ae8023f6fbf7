#!/usr/bin/env bash
# The steps of the pullcheck GitHub Action (action.yml). Inputs arrive as INPUT_* variables;
# tests run this script locally with a simulated GITHUB_* environment (tests/integrations.rs).
#
#   action.sh                 lint, annotate, write SARIF, the job summary and the outputs
#   action.sh --source-stamp  print the fingerprint of the action's source (the cache key)
set -euo pipefail

action_path="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"

# What the binary is built from. The cache key and the stamp kept beside the cached binary are
# this hash: GitHub's hashFiles() cannot read the action's own files (actions/runner#3765), so
# a key built with it is the same for every version and an upgrade would keep an old binary.
source_stamp() {
  local sum=sha256sum
  command -v sha256sum >/dev/null || sum="shasum -a 256"
  (
    cd "$action_path"
    cat Cargo.toml Cargo.lock build.rs
    find src -type f -name '*.rs' | LC_ALL=C sort | while IFS= read -r file; do
      printf '%s\n' "$file"
      cat "$file"
    done
  ) | $sum | cut -d ' ' -f 1
}

if [ "${1:-}" = --source-stamp ]; then
  source_stamp
  exit 0
fi

cd "${GITHUB_WORKSPACE:-.}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Writes `name=value` to the step's outputs.
output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    printf '%s=%s\n' "$1" "$2" >> "$GITHUB_OUTPUT"
  fi
}

# Splits an input on spaces, tabs, newlines and commas into the array named by $1.
split_words() {
  local IFS=$' \t\n,'
  set -f
  # shellcheck disable=SC2206 # splitting is the point; globbing is off
  eval "$1=(\${2})"
  set +f
}

# 1. The binary: PULLCHECK_BIN if given (tests), else the one cargo installs from the action's
#    own checkout. A cached binary is used only when it reports the action's version and its
#    stamp matches the source; otherwise it is rebuilt.
bin="${PULLCHECK_BIN:-}"
if [ -z "$bin" ]; then
  cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
  version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$action_path/Cargo.toml" | head -n 1)
  stamp=$(source_stamp)
  if [ ! -x "$cargo_bin/pullcheck" ] \
    || [ "$("$cargo_bin/pullcheck" --version 2>/dev/null || true)" != "pullcheck $version" ] \
    || [ "$(cat "$cargo_bin/pullcheck.source" 2>/dev/null || true)" != "$stamp" ]; then
    echo "pullcheck: building pullcheck $version from $action_path"
    cargo install --locked --force --path "$action_path"
    printf '%s\n' "$stamp" > "$cargo_bin/pullcheck.source"
  fi
  bin="$cargo_bin/pullcheck"
fi

# 2. The options every run shares, each run adds its own after them (a flag given twice takes
#    its last value, so `--fail-on never` below wins over one in `args`).
common=()
[ -n "${INPUT_CONFIG:-}" ] && common+=(--config "$INPUT_CONFIG")
[ -n "${INPUT_NAMESPACE:-}" ] && common+=(--namespace "$INPUT_NAMESPACE")
[ -n "${INPUT_KUBERNETES_VERSION:-}" ] && common+=(--kubernetes-version "$INPUT_KUBERNETES_VERSION")
split_words enable "${INPUT_ENABLE:-}"
for rule in ${enable[@]+"${enable[@]}"}; do common+=(--enable "$rule"); done
split_words disable "${INPUT_DISABLE:-}"
for rule in ${disable[@]+"${disable[@]}"}; do common+=(--disable "$rule"); done
split_words allowed "${INPUT_ALLOWED_REGISTRIES:-}"
for registry in ${allowed[@]+"${allowed[@]}"}; do common+=(--allowed-registry "$registry"); done
split_words extra "${INPUT_ARGS:-}"
common+=(${extra[@]+"${extra[@]}"})

# 3. What to lint: a chart, rendered once with `helm template`, or paths.
if [ -n "${INPUT_HELM_CHART:-}" ]; then
  if ! helm template "$INPUT_HELM_CHART" > "$work/rendered.yaml"; then
    echo "::error title=pullcheck::helm template $INPUT_HELM_CHART failed; nothing was linted"
    exit 2
  fi
  input=(--chart-dir "$INPUT_HELM_CHART" --stdin-filename rendered.yaml -)
  stdin="$work/rendered.yaml"
else
  split_words input "${INPUT_PATHS:-.}"
  stdin=/dev/null
fi

run_pullcheck() {
  "$bin" ${common[@]+"${common[@]}"} "$@" "${input[@]}" < "$stdin"
}

# 4. SARIF for code scanning, when asked. It never decides the outcome, and a run that could
#    not lint leaves no file behind: upload-sarif must not get an empty or partial one.
if [ -n "${INPUT_SARIF_FILE:-}" ]; then
  rm -f "$INPUT_SARIF_FILE"
  status=0
  run_pullcheck --format sarif --fail-on never > "$work/out.sarif" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "::error title=pullcheck::pullcheck could not lint (exit status $status); no SARIF was written"
    exit "$status"
  fi
  mkdir -p "$(dirname "$INPUT_SARIF_FILE")"
  mv "$work/out.sarif" "$INPUT_SARIF_FILE"
  output sarif-file "$INPUT_SARIF_FILE"
fi

# 5. The main run: annotations (or another format), and the exit status.
fail_on=()
[ -n "${INPUT_FAIL_ON:-}" ] && fail_on=(--fail-on "$INPUT_FAIL_ON")
status=0
run_pullcheck --format "${INPUT_FORMAT:-github}" ${fail_on[@]+"${fail_on[@]}"} || status=$?
if [ "$status" -eq 2 ]; then
  exit 2
fi

# 6. Counts for the step's outputs, and the job summary (findings per rule, the most severe
#    findings, and whether GitHub's annotation limit hid some).
if run_pullcheck --format json --fail-on never > "$work/run.json"; then
  counts=$(sed -n '/"summary"/,$p' "$work/run.json" | tr -d ' \n')
  count() { printf '%s' "$counts" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
  errors=$(count error)
  warnings=$(count warning)
  infos=$(count info)
  output errors "$errors"
  output warnings "$warnings"
  output infos "$infos"
  output findings "$((errors + warnings + infos))"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  run_pullcheck --format markdown --fail-on never >> "$GITHUB_STEP_SUMMARY" || true
fi
exit "$status"
