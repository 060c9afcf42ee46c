#!/usr/bin/env bash
# Starts a local OrleansSync cluster: PostgreSQL (installed and started if needed), then N silos in the
# background, each with a pid file and a log under deploy/local/.run. Waits until all N are Active.
# Re-running with a larger N adds silos; silos already running are left alone.
# --tls: mutual TLS between silos and from clients, with throwaway certificates from deploy/local/tls.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

silos=1
tls=0
while [ $# -gt 0 ]; do
  case "$1" in
    --silos) silos=${2:-}; shift 2 ;;
    --silos=*) silos=${1#*=}; shift ;;
    --tls) tls=1; shift ;;
    -h|--help) echo "usage: deploy/local/up.sh [--silos N] [--tls]   (N from 1 to 20, default 1)"; exit 0 ;;
    *) echo "up.sh: unknown argument '$1'. usage: deploy/local/up.sh [--silos N] [--tls]" >&2; exit 2 ;;
  esac
done
if ! [[ "$silos" =~ ^[0-9]+$ ]] || [ "$silos" -lt 1 ] || [ "$silos" -gt 20 ]; then
  echo "up.sh: --silos takes a whole number from 1 to 20 (got '$silos')" >&2
  exit 2
fi

started=$(date +%s)
bash "$repo_root/deploy/local/postgres.sh"

echo "[up] building ($configuration)"
dotnet build "$repo_root/silo/OrleansSync.Silo" -c "$configuration" -v quiet -nologo -clp:ErrorsOnly
dotnet build "$repo_root/client/OrleansSync.Client" -c "$configuration" -v quiet -nologo -clp:ErrorsOnly

# Migrate once up front so that the silos start against a ready schema (they would also migrate, under a lock).
orleanssync db migrate

# Failure detection for one machine, a killed silo declared dead in seconds (the values of MembershipSettings.cs in
# silo/OrleansSync.Silo/Hosting, which the tests use); a silo started without them keeps Orleans' defaults.
export OrleansSync__Membership__ProbeTimeout=${OrleansSync__Membership__ProbeTimeout:-00:00:02}
export OrleansSync__Membership__NumMissedProbesLimit=${OrleansSync__Membership__NumMissedProbesLimit:-3}
export OrleansSync__Membership__NumVotesForDeathDeclaration=${OrleansSync__Membership__NumVotesForDeathDeclaration:-2}
export OrleansSync__Membership__TableRefreshTimeout=${OrleansSync__Membership__TableRefreshTimeout:-00:00:05}
export OrleansSync__Membership__IAmAliveTablePublishTimeout=${OrleansSync__Membership__IAmAliveTablePublishTimeout:-00:00:15}
export OrleansSync__Membership__DefunctSiloCleanupPeriod=${OrleansSync__Membership__DefunctSiloCleanupPeriod:-00:10:00}
export OrleansSync__Membership__DefunctSiloExpiration=${OrleansSync__Membership__DefunctSiloExpiration:-1.00:00:00}

mkdir -p "$run_dir"
silo_env=()
if [ "$tls" -eq 1 ]; then
  bash "$repo_root/deploy/local/tls.sh" "$run_dir/tls"
  # The client's variables serve this script's own orleanssync calls; silos take the silo certificate instead.
  set -a; . "$run_dir/tls/env"; set +a
  silo_env=(ORLEANSSYNC_TLS_CERT="$run_dir/tls/silo.pfx")
fi
for ((i = 0; i < silos; i++)); do
  pid_file="$run_dir/silo-$i.pid"
  if pid_alive "$pid_file"; then
    echo "[up] silo-$i already running (pid $(cat "$pid_file"))"
    continue
  fi
  # setsid: the silo outlives this script and its terminal; down.sh stops it by pid.
  setsid env "${silo_env[@]}" dotnet "$silo_dll" --name "silo-$i" --silo-port $((11111 + i)) --gateway-port $((30000 + i)) --http-port $((8080 + i)) \
    --migrate false >"$run_dir/silo-$i.log" 2>&1 < /dev/null &
  echo $! >"$pid_file"
  echo "[up] started silo-$i (pid $!, log deploy/local/.run/silo-$i.log)"
done

deadline=$(($(date +%s) + 120))
while true; do
  active=$(orleanssync cluster --json --connect-timeout 5 2>/dev/null | grep -c '"status": "Active"' || true)
  [ "$active" -ge "$silos" ] && break
  for ((i = 0; i < silos; i++)); do
    if ! pid_alive "$run_dir/silo-$i.pid"; then
      echo "[up] silo-$i exited; the end of its log:" >&2
      tail -n 20 "$run_dir/silo-$i.log" >&2
      exit 1
    fi
  done
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "[up] only $active of $silos silos became Active within 120 s; see deploy/local/.run/silo-*.log" >&2
    exit 1
  fi
  sleep 1
done

orleanssync cluster
echo "[up] $silos silo(s) Active in $(($(date +%s) - started)) s. Dashboards:"
for ((i = 0; i < silos; i++)); do
  echo "  http://127.0.0.1:$((8080 + i))/dashboard"
done
if [ "$tls" -eq 1 ]; then
  echo "[up] mutual TLS on; for clients: set -a; . deploy/local/.run/tls/env; set +a"
fi
echo "[up] stop with deploy/local/down.sh"
