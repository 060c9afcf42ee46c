#!/usr/bin/env bash
# Ensures a local PostgreSQL is installed and running, and that the OrleansSync role and database exist.
# Used by up.sh and by .ci/run. Idempotent. The role, its password and the database come from ORLEANSSYNC_PG (the
# connection string silos, the CLI and the tests use; the silo's default when unset); it never prints the password.
# --check only validates ORLEANSSYNC_PG and says what it would set up.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Validation comes first: before anything that installs, starts or asks PostgreSQL (or needs root).
fail() { printf '[postgres] %s\n' "$*" >&2; exit 2; }
pg_settings || fail "fix ORLEANSSYNC_PG (an Npgsql connection string, e.g. $pg_default_connection with your own password)"
name_rule='^[a-z_][a-z0-9_]{0,62}$'
[[ "$pg_user" =~ $name_rule ]] ||
  fail "ORLEANSSYNC_PG's Username is not a plain role name: use 1 to 63 lowercase letters, digits and '_', not starting with a digit (e.g. Username=orleanssync)"
[[ "$pg_database" =~ $name_rule ]] ||
  fail "ORLEANSSYNC_PG's Database is not a plain database name: use 1 to 63 lowercase letters, digits and '_', not starting with a digit (e.g. Database=orleanssync)"
[ -n "$pg_password" ] || fail "ORLEANSSYNC_PG has no Password: the role logs in over TCP with one (e.g. Password=orleanssync)"
case "$pg_host" in
  127.0.0.1 | localhost | ::1 | "[::1]") ;;
  *) fail "ORLEANSSYNC_PG's Host is $pg_host: postgres.sh sets up PostgreSQL on this machine only (Host=127.0.0.1); create the role and database on that server yourself" ;;
esac
[[ "$pg_port" =~ ^[1-9][0-9]{0,4}$ ]] && [ "$pg_port" -le 65535 ] || fail "ORLEANSSYNC_PG's Port is not a port number from 1 to 65535"
if [ "${1:-}" = "--check" ]; then
  printf '[postgres] ORLEANSSYNC_PG is good: role %s, database %s on %s:%s\n' "$pg_user" "$pg_database" "$pg_host" "$pg_port"
  exit 0
fi
[ $# -eq 0 ] || fail "unknown argument '$1'. usage: deploy/local/postgres.sh [--check]"

log() { printf '[postgres] %s\n' "$*" >&2; }

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  log "PostgreSQL is not installed; installing Debian's package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi

# The newest installed major version and its first cluster.
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v { found = 1 } END { exit !found }'; then
  log "creating cluster $version/main"
  pg_createcluster "$version" main >/dev/null
fi
cluster=$(pg_lsclusters -h | awk -v v="$version" '$1 == v { print $2; exit }')
if ! pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c && $4 == "online" { found = 1 } END { exit !found }'; then
  log "starting cluster $version/$cluster"
  pg_ctlcluster "$version" "$cluster" start
fi
port=$(pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c { print $3 }')

# From /: the postgres user may not be allowed into the caller's working directory.
as_postgres() { (cd / && runuser -u postgres -- "$@"); }

for _ in $(seq 1 60); do
  as_postgres psql -p "$port" -Atqc 'SELECT 1' >/dev/null 2>&1 && break
  sleep 0.5
done

# Settings the cluster needs, applied once with a restart: room for several silos' and tests' connection pools at
# once (Debian's default is 100), and logical decoding for PostgreSQL sources' change capture.
psql_setting() { as_postgres psql -p "$port" -Atqc "SHOW $1"; }
if [ "$(psql_setting max_connections)" -lt 300 ] || [ "$(psql_setting wal_level)" != logical ]; then
  log "setting max_connections = 300 and wal_level = logical; restarting cluster $version/$cluster"
  as_postgres psql -p "$port" -Atq -v ON_ERROR_STOP=1 -c "ALTER SYSTEM SET max_connections = 300" -c "ALTER SYSTEM SET wal_level = logical"
  pg_ctlcluster "$version" "$cluster" restart
  for _ in $(seq 1 60); do
    as_postgres psql -p "$port" -Atqc 'SELECT 1' >/dev/null 2>&1 && break
    sleep 0.5
  done
fi

if [ "$port" != "$pg_port" ]; then
  fail "the local cluster $version/$cluster listens on port $port, but ORLEANSSYNC_PG says Port=$pg_port: set Port=$port in ORLEANSSYNC_PG"
fi

# Values reach SQL only as psql variables (:'name' quotes a literal, :"name" an identifier), which psql interpolates
# in scripts read from stdin, not in -c.
sql() { as_postgres psql -p "$port" -Atq -v ON_ERROR_STOP=1 -v user="$pg_user" -v database="$pg_database" "$@"; }

# CREATEDB lets the test suite make a throw-away database per fixture.
if [ "$(echo "SELECT 1 FROM pg_roles WHERE rolname = :'user'" | sql)" != "1" ]; then
  log "creating role $pg_user"
  # The password reaches psql through its environment (\getenv), not its arguments, which any local user sees in ps.
  printf '%s\n' '\getenv password ORLEANSSYNC_ROLE_PASSWORD' "CREATE ROLE :\"user\" LOGIN CREATEDB PASSWORD :'password'" |
    ORLEANSSYNC_ROLE_PASSWORD=$pg_password sql
fi
if [ "$(echo "SELECT 1 FROM pg_database WHERE datname = :'database'" | sql)" != "1" ]; then
  log "creating database $pg_database"
  as_postgres createdb -p "$port" -O "$pg_user" "$pg_database"
fi
log "ready on 127.0.0.1:$port (database $pg_database, role $pg_user)"
