#!/usr/bin/env bash
# The README's main job: a local 2-silo cluster syncing the bundled ACC emulator into PostgreSQL.
# Starts (or restarts) the silos with the demo's secret variable, runs the emulator, adds its projects, syncs them
# with live progress, and prints what landed. Stop everything with deploy/local/down.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

projects=${DEMO_PROJECTS:-3}
reviews=${DEMO_REVIEWS:-200}
port=${DEMO_EMULATOR_PORT:-18443}
base_url="http://127.0.0.1:$port"
# The silos read the client secret from this variable; the cluster stores only its name.
export ORLEANSSYNC_SECRET_DEMO=demo-secret

mkdir -p "$run_dir"
if compgen -G "$run_dir/*.pid" >/dev/null; then
  echo "[demo] restarting what up.sh started, so the silos see ORLEANSSYNC_SECRET_DEMO"
  bash "$repo_root/deploy/local/down.sh"
fi
# A second kind of source: a PostgreSQL database of its own on the same server, made afresh, whose two tables a
# snapshot project mirrors. The silos read its connection string from this variable, as they read the client secret.
pg_settings
export PGHOST=$pg_host PGPORT=$pg_port PGUSER=$pg_user PGDATABASE=$pg_database PGPASSWORD=$pg_password
source_db=orleanssync_demo_source
echo "[demo] making the PostgreSQL source database $source_db (shop.customers: 5,000 rows; shop.\"Order Items\": 20,000)"
psql -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $source_db" -c "CREATE DATABASE $source_db"
psql -q -v ON_ERROR_STOP=1 -d "$source_db" <<'SQL'
CREATE SCHEMA shop;
CREATE TABLE shop.customers (
  id bigint PRIMARY KEY, name text NOT NULL, email text, tags text[], signed_up timestamptz NOT NULL, active boolean NOT NULL);
INSERT INTO shop.customers
SELECT g, 'Customer ' || g, CASE WHEN g % 7 = 0 THEN NULL ELSE 'c' || g || '@example.com' END, ARRAY['tier-' || g % 3],
       timestamptz '2026-01-01 00:00:00Z' + g * interval '17 minutes', g % 5 <> 0
  FROM generate_series(1, 5000) AS g;
CREATE TABLE shop."Order Items" (
  order_id bigint, line integer, customer_id bigint NOT NULL, amount numeric(12, 2) NOT NULL, details jsonb, sku uuid,
  PRIMARY KEY (order_id, line));
INSERT INTO shop."Order Items"
SELECT g / 4, g % 4, 1 + g % 5000, round((g % 997) * 1.37, 2), jsonb_build_object('gift', g % 11 = 0, 'qty', 1 + g % 3),
       md5(g::text)::uuid
  FROM generate_series(1, 20000) AS g;
SQL
export ORLEANSSYNC_SECRET_DEMO_PG="Host=$pg_host;Port=$pg_port;Username=$pg_user;Password='${pg_password//\'/\'\'}';Database=$source_db"

# The emulator counts ACC's quotas per second instead of per minute (--rate-window 1 below): the silos' budget must
# count the same window, or it would pace the demo at 200 calls a minute.
export OrleansSync__RateBudget__Window=00:00:01
bash "$repo_root/deploy/local/up.sh" --silos 2

echo "[demo] building and starting the ACC emulator ($projects projects x $reviews reviews)"
dotnet build "$repo_root/tests/OrleansSync.Emulator" -c "$configuration" -v quiet -nologo -clp:ErrorsOnly
# Quotas as ACC's (200 reviews calls per client per window) but per second, so the demo takes seconds, not minutes.
setsid dotnet "$emulator_dll" \
  --port "$port" --seed 42 --projects "$projects" --reviews "$reviews" --rate-window 1 \
  >"$run_dir/emulator.log" 2>&1 </dev/null &
echo $! >"$run_dir/emulator.pid"
for _ in $(seq 1 120); do
  grep -q "ACC emulator ready" "$run_dir/emulator.log" 2>/dev/null && break
  pid_alive "$run_dir/emulator.pid" || { cat "$run_dir/emulator.log" >&2; exit 1; }
  sleep 0.5
done
grep "ACC emulator ready" "$run_dir/emulator.log"
project_ids=$(curl -fsS "$base_url/__info" | grep -o '"projectIds":\[[^]]*\]' | grep -oE '[0-9a-fA-F-]{36}')

for id in $project_ids; do
  orleanssync project add "$id" --base-url "$base_url" --client-id demo-client --client-secret-env ORLEANSSYNC_SECRET_DEMO --user-id demo-user >/dev/null
done
orleanssync project add demo-shop --source postgres --source-conn-env ORLEANSSYNC_SECRET_DEMO_PG \
  --tables 'shop.customers,shop."Order Items"' --mode snapshot --target-schema demo_shop >/dev/null
orleanssync project list

started=$(date +%s.%N)
started_sql=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
status=0
for id in $project_ids demo-shop; do
  echo "[demo] project $id"
  # --full: every run of the demo reads everything, so its figures compare from one run to the next.
  orleanssync sync "$id" --full --wait || status=1
done
elapsed=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')

echo
echo "[demo] what landed in PostgreSQL:"
psql -P pager=off -c "
  SELECT stream, count(*) AS tasks, sum(records_read) AS read, sum(records_inserted) AS inserted,
         sum(records_updated) AS updated, sum(records_unchanged) AS unchanged,
         sum(records_dead_lettered) AS dead_letters, sum(upstream_calls) AS calls
    FROM sync.progress WHERE run_id IN (SELECT run_id FROM sync.runs WHERE started_at >= '$started_sql')
   GROUP BY stream ORDER BY stream"
records=$(psql -Atc "SELECT coalesce(sum(records_read), 0) FROM sync.progress WHERE run_id IN (SELECT run_id FROM sync.runs WHERE started_at >= '$started_sql')")
calls=$(curl -fsS "$base_url/__stats" | grep -oE '"total":[0-9]+' | head -n 1 | cut -d: -f2)
awk -v r="$records" -v e="$elapsed" -v c="$calls" 'BEGIN { printf "[demo] %d records in %.1f s (%.0f records/s), %s calls to the ACC emulator\n", r, e, r / e, c }'
echo "[demo] the PostgreSQL source and its mirror (rows on each side):"
for table in customers '"Order Items"'; do
  source_rows=$(psql -Atc "SELECT count(*) FROM shop.$table" -d "$source_db")
  mirror_rows=$(psql -Atc "SELECT count(*) FROM demo_shop.$table")
  echo "  shop.$table: $source_rows rows on the source, $mirror_rows in demo_shop.$table"
done
echo "[demo] dashboard: http://127.0.0.1:8080/dashboard   stop: deploy/local/down.sh"
exit $status
