# Sourced by the scripts that start a server in the background: one way to wait until it is ready.
#
# wait_for PID LOG PATTERN WHAT
#   Waits (at most 10 s) until LOG has a line matching PATTERN while process PID lives. Returns 0
#   once it does; otherwise prints LOG and "WHAT did not start" and returns 1.
wait_for() {
  local pid=$1 log=$2 pattern=$3 what=$4
  for _ in $(seq 1 100); do
    grep -q "$pattern" "$log" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$log"
  echo "$what did not start"
  return 1
}
