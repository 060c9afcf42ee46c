#!/usr/bin/env bash
# Drops every database whose name matches a LIKE pattern (e.g. 'ost\_%', the tests' throw-away databases), as the
# server's superuser. Names are quoted by PostgreSQL itself (format('%I')) and the pattern travels as a psql variable,
# so a database named with quotes or semicolons is dropped as itself and nothing else runs.
set -euo pipefail
if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: drop-databases.sh LIKE-PATTERN   (e.g. 'ost\\_%')" >&2
  exit 2
fi

# psql quotes :'pattern' only in a script it reads, not in -c: the script goes on stdin.
(cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -v pattern="$1" >/dev/null) <<'SQL'
SELECT format('DROP DATABASE %I WITH (FORCE)', datname) FROM pg_database WHERE datname LIKE :'pattern' \gexec
SQL
