#!/usr/bin/env bash
# Run make targets side by side, each into its own log under tests/output/logs, and print each log as its target
# ends. Plain background jobs rather than `make -jN`: nested jobservers with -O left GNU make 4.3 waiting forever on
# a token after every job had ended.
# Usage: scripts/side_by_side.sh TARGET...   (exit 1 when any target failed)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
make_cmd=${MAKE:-make}
log_dir=tests/output/logs
mkdir -p "$log_dir"
declare -A target_of=()
for target in "$@"; do
  "$make_cmd" --no-print-directory "$target" >"$log_dir/$target.log" 2>&1 &
  target_of[$!]=$target
  echo "[side by side $(date +%H:%M:%S)] $target started (log: $log_dir/$target.log)"
done
failed=()
while [ "${#target_of[@]}" -gt 0 ]; do
  ended_pid=
  wait -n -p ended_pid "${!target_of[@]}"
  rc=$?
  [ -n "$ended_pid" ] || break
  target=${target_of[$ended_pid]}
  unset "target_of[$ended_pid]"
  cat "$log_dir/$target.log"
  if [ "$rc" -eq 0 ]; then
    echo "[side by side $(date +%H:%M:%S)] $target passed"
  else
    echo "[side by side $(date +%H:%M:%S)] $target FAILED (rc $rc, log: $log_dir/$target.log)"
    failed+=("$target")
  fi
done
[ "${#failed[@]}" -eq 0 ] || { echo "[side by side] failed: ${failed[*]}"; exit 1; }
