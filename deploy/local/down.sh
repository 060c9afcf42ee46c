#!/usr/bin/env bash
# Stops what up.sh and demo.sh started, by pid: SIGTERM (a graceful leave of the cluster), then SIGKILL after a grace
# period. A pid file whose process is gone, or is no longer one of our silos or emulator (its number reused after a
# crash or a reboot), is removed without signalling anything.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

grace=${ORLEANSSYNC_STOP_GRACE:-30}
shopt -s nullglob
pid_files=("$run_dir"/*.pid)
if [ ${#pid_files[@]} -eq 0 ]; then
  echo "[down] nothing to stop"
  exit 0
fi

stopping=()
for pid_file in "${pid_files[@]}"; do
  name=$(basename "$pid_file" .pid)
  if ! pid_alive "$pid_file"; then
    echo "[down] $name was not running; removing its pid file"
    rm -f "$pid_file"
  elif ! pid_ours "$pid_file"; then
    echo "[down] $name: pid $(cat "$pid_file") is not a silo or emulator of $repo_root (a reused pid?); leaving it alone and removing the stale pid file"
    rm -f "$pid_file"
  else
    kill -TERM "$(cat "$pid_file")"
    stopping+=("$pid_file")
  fi
done

deadline=$(($(date +%s) + grace))
for pid_file in "${stopping[@]}"; do
  name=$(basename "$pid_file" .pid)
  while pid_ours "$pid_file" && [ "$(date +%s)" -lt "$deadline" ]; do
    sleep 0.5
  done
  if pid_ours "$pid_file"; then
    echo "[down] $name did not stop within ${grace} s; killing it"
    kill -KILL "$(cat "$pid_file")" 2>/dev/null || true
  else
    echo "[down] $name stopped"
  fi
  rm -f "$pid_file"
done
