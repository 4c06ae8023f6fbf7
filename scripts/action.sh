#!/usr/bin/env bash
# The steps of the pullcheck GitHub Action (action.yml). Inputs arrive as INPUT_* variables;
# tests run this script locally with a simulated GITHUB_* environment.
set -euo pipefail

action_path="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"
cd "${GITHUB_WORKSPACE:-.}"

# 1. The binary: PULLCHECK_BIN if given (tests), else built from the action's own checkout
#    (or installed at INPUT_VERSION from crates.io) with cargo; the workflow caches ~/.cargo/bin.
bin="${PULLCHECK_BIN:-}"
if [ -z "$bin" ]; then
  if [ -n "${INPUT_VERSION:-}" ]; then
    want="pullcheck ${INPUT_VERSION}"
    if ! command -v pullcheck >/dev/null || [ "$(pullcheck --version)" != "$want" ]; then
      cargo install --locked --version "$INPUT_VERSION" pullcheck
    fi
  elif ! command -v pullcheck >/dev/null; then
    cargo install --locked --path "$action_path"
  fi
  bin=pullcheck
fi

args=()
[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
[ -n "${INPUT_FAIL_ON:-}" ] && args+=(--fail-on "$INPUT_FAIL_ON")

# 2. What to lint: a chart rendered by `helm template`, or paths.
run_pullcheck() {
  if [ -n "${INPUT_HELM_CHART:-}" ]; then
    helm template "$INPUT_HELM_CHART" \
      | "$bin" "${args[@]}" --chart-dir "$INPUT_HELM_CHART" --stdin-filename rendered.yaml "$@" -
  else
    # shellcheck disable=SC2086 # paths are space-separated on purpose
    "$bin" "${args[@]}" "$@" ${INPUT_PATHS:-.}
  fi
}

# 3. SARIF for code scanning, when asked; it never decides the outcome.
if [ -n "${INPUT_SARIF_FILE:-}" ]; then
  run_pullcheck --format sarif --fail-on never > "$INPUT_SARIF_FILE"
fi

# 4. The main run: annotations (or another format), and the exit status.
status=0
run_pullcheck --format "${INPUT_FORMAT:-github}" || status=$?
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  summary=$(run_pullcheck --format human --color never --fail-on never | tail -n 1 || true)
  printf '### pullcheck\n\n%s\n' "$summary" >> "$GITHUB_STEP_SUMMARY"
fi
exit "$status"
