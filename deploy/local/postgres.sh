#!/usr/bin/env bash
# Ensures a local PostgreSQL is installed and running, and that the OrleansSync role and database exist.
# Used by up.sh and by .ci/run. Idempotent. Reads ORLEANSSYNC_PG only for host, port, user, password and database
# of the default local setup; it never prints the password.
set -euo pipefail

pg_user=${ORLEANSSYNC_PG_USER:-orleanssync}
pg_password=${ORLEANSSYNC_PG_PASSWORD:-orleanssync}
pg_database=${ORLEANSSYNC_PG_DATABASE:-orleanssync}

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

# CREATEDB lets the test suite make a throw-away database per fixture.
if [ "$(as_postgres psql -p "$port" -Atqc "SELECT 1 FROM pg_roles WHERE rolname = '$pg_user'")" != "1" ]; then
  log "creating role $pg_user"
  # psql interpolates :"user" and :'password' (quoted safely) only in scripts read from stdin, not in -c.
  echo "CREATE ROLE :\"user\" LOGIN CREATEDB PASSWORD :'password'" |
    as_postgres psql -p "$port" -q -v ON_ERROR_STOP=1 -v user="$pg_user" -v password="$pg_password"
fi
if [ "$(as_postgres psql -p "$port" -Atqc "SELECT 1 FROM pg_database WHERE datname = '$pg_database'")" != "1" ]; then
  log "creating database $pg_database"
  as_postgres createdb -p "$port" -O "$pg_user" "$pg_database"
fi
log "ready on 127.0.0.1:$port (database $pg_database, role $pg_user)"
