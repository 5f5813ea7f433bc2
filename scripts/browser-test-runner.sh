#!/usr/bin/env bash
# Cargo's runner for the browser tests (CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER, set by
# scripts/test.sh): wasm-bindgen-test-runner on one test binary, in a process group of its own, and
# whatever it leaves in that group stopped when it ends.
#
# Why: wasm-bindgen-test-runner (0.2.130) ends a run by closing its window (DELETE
# /session/{id}/window, not DELETE /session/{id}) and then killing chromedriver with SIGKILL. Where
# a window is still open (or Chromium has not finished quitting), Chromium outlives chromedriver,
# orphaned (parented to init), in the runner's process group. Chromium's crash handlers start
# sessions of their own, and exit once Chromium is gone.
# Usage: scripts/browser-test-runner.sh <test.wasm> [runner arguments]
set -uo pipefail

group_file=$(mktemp)
stop_group() {
  local group left
  group=$(cat "$group_file" 2>/dev/null)
  rm -f "$group_file"
  [ -n "$group" ] || return 0
  left=$(pgrep -g "$group" | wc -l)
  [ "$left" -gt 0 ] || return 0
  echo "browser-test-runner: stopping $left process(es) left in process group $group"
  kill -TERM -- "-$group" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 -- "-$group" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL -- "-$group" 2>/dev/null || true
}
trap 'stop_group; exit 130' INT TERM

# The new group's id is the pid of the process setsid runs (it does not fork: cargo's child is no
# group leader; if it were, -w waits for the forked child).
# In the background, so that a signal to this script is handled at once (`wait` returns).
setsid -w sh -c 'echo $$ > "$0"; exec wasm-bindgen-test-runner "$@"' "$group_file" "$@" &
wait "$!"
status=$?
stop_group
exit "$status"
