# Shared by the local cluster scripts: paths and the built binaries. Source it; do not run it.
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Pid files and logs; ORLEANSSYNC_RUN_DIR moves them (the script tests use a throw-away one).
run_dir=${ORLEANSSYNC_RUN_DIR:-$repo_root/deploy/local/.run}
configuration=${ORLEANSSYNC_CONFIGURATION:-Release}
silo_dll="$repo_root/silo/OrleansSync.Silo/bin/$configuration/net10.0/OrleansSync.Silo.dll"
emulator_dll="$repo_root/tests/OrleansSync.Emulator/bin/$configuration/net10.0/OrleansSync.Emulator.dll"
client_dll="$repo_root/client/OrleansSync.Client/bin/$configuration/net10.0/orleanssync.dll"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

orleanssync() { dotnet "$client_dll" "$@"; }

# True while the pid in the file is a live process.
pid_alive() { [ -f "$1" ] && [[ "$(cat "$1")" =~ ^[1-9][0-9]*$ ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# True while the pid in the file is a live process running a silo or emulator of this clone (any configuration), as
# up.sh and demo.sh start them. After a crash or a reboot a pid file's number may belong to another process by now.
pid_ours() {
  local arg
  pid_alive "$1" && [ -r "/proc/$(cat "$1")/cmdline" ] || return 1
  while IFS= read -r -d '' arg; do
    case "$arg" in
      "$repo_root"/silo/OrleansSync.Silo/bin/*/OrleansSync.Silo.dll | "$repo_root"/tests/OrleansSync.Emulator/bin/*/OrleansSync.Emulator.dll) return 0 ;;
    esac
  done <"/proc/$(cat "$1")/cmdline"
  return 1
}

# Npgsql's connection string, the one source of the local role, password and database: ORLEANSSYNC_PG, else the
# silo's default (SyncSiloOptions.DefaultConnectionString). Sets pg_host, pg_port, pg_database, pg_user and
# pg_password from Npgsql's keys and their synonyms (case and spaces ignored; values may be quoted with ' or ", a
# doubled quote inside standing for itself). On a malformed string it says what is wrong, never a value, and fails.
pg_default_connection="Host=127.0.0.1;Port=5432;Database=orleanssync;Username=orleanssync;Password=orleanssync"
pg_settings() {
  local s=${ORLEANSSYNC_PG:-$pg_default_connection} i=0 n key value c quote
  n=${#s}
  pg_host=127.0.0.1 pg_port=5432 pg_database="" pg_user="" pg_password=""
  while [ "$i" -lt "$n" ]; do
    key=""
    while [ "$i" -lt "$n" ] && [ "${s:i:1}" != "=" ] && [ "${s:i:1}" != ";" ]; do key+=${s:i:1}; i=$((i + 1)); done
    if [ "$i" -ge "$n" ] || [ "${s:i:1}" = ";" ]; then
      i=$((i + 1))
      [ -z "${key//[[:space:]]/}" ] && continue
      # Not echoed: it may be the tail of a password that holds a ';'.
      echo "ORLEANSSYNC_PG is not a connection string: a part between ';' has no '=' (write Key=value pairs; quote a value that holds ';', as in Password='a;b')" >&2
      return 1
    fi
    i=$((i + 1))
    while [ "$i" -lt "$n" ] && [[ "${s:i:1}" == [[:space:]] ]]; do i=$((i + 1)); done
    value=""
    c=${s:i:1}
    if [ "$c" = "'" ] || [ "$c" = '"' ]; then
      quote=$c
      i=$((i + 1))
      while true; do
        if [ "$i" -ge "$n" ]; then
          echo "ORLEANSSYNC_PG is not a connection string: the quoted value of ${key//[[:space:]]/} is not closed" >&2
          return 1
        fi
        c=${s:i:1}
        if [ "$c" = "$quote" ]; then
          if [ "${s:i+1:1}" = "$quote" ]; then
            value+=$quote
            i=$((i + 2))
            continue
          fi
          i=$((i + 1))
          break
        fi
        value+=$c
        i=$((i + 1))
      done
      while [ "$i" -lt "$n" ] && [[ "${s:i:1}" == [[:space:]] ]]; do i=$((i + 1)); done
      if [ "$i" -lt "$n" ] && [ "${s:i:1}" != ";" ]; then
        echo "ORLEANSSYNC_PG is not a connection string: text follows the quoted value of ${key//[[:space:]]/}" >&2
        return 1
      fi
    else
      while [ "$i" -lt "$n" ] && [ "${s:i:1}" != ";" ]; do value+=${s:i:1}; i=$((i + 1)); done
      value=${value%"${value##*[![:space:]]}"}
    fi
    i=$((i + 1))
    key=${key//[[:space:]]/}
    case "${key,,}" in
      host | server) pg_host=$value ;;
      port) pg_port=$value ;;
      database | db) pg_database=$value ;;
      username | userid | uid | user) pg_user=$value ;;
      password | pwd | psw) pg_password=$value ;;
    esac
  done
  # As Npgsql: without a Database, the user's own.
  pg_database=${pg_database:-$pg_user}
}
