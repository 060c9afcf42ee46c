#!/usr/bin/env bash
# Stops what up.sh started, by pid: SIGTERM (a graceful leave of the cluster), then SIGKILL after a grace period.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

grace=${ORLEANSSYNC_STOP_GRACE:-30}
shopt -s nullglob
pid_files=("$run_dir"/*.pid)
if [ ${#pid_files[@]} -eq 0 ]; then
  echo "[down] nothing to stop"
  exit 0
fi

for pid_file in "${pid_files[@]}"; do
  if pid_alive "$pid_file"; then
    kill -TERM "$(cat "$pid_file")"
  fi
done

deadline=$(($(date +%s) + grace))
for pid_file in "${pid_files[@]}"; do
  name=$(basename "$pid_file" .pid)
  while pid_alive "$pid_file" && [ "$(date +%s)" -lt "$deadline" ]; do
    sleep 0.5
  done
  if pid_alive "$pid_file"; then
    echo "[down] $name did not stop within ${grace} s; killing it"
    kill -KILL "$(cat "$pid_file")" 2>/dev/null || true
  else
    echo "[down] $name stopped"
  fi
  rm -f "$pid_file"
done
