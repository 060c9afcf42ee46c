# Shared by the local cluster scripts: paths and the built binaries. Source it; do not run it.
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
run_dir="$repo_root/deploy/local/.run"
configuration=${ORLEANSSYNC_CONFIGURATION:-Release}
silo_dll="$repo_root/silo/OrleansSync.Silo/bin/$configuration/net10.0/OrleansSync.Silo.dll"
client_dll="$repo_root/client/OrleansSync.Client/bin/$configuration/net10.0/orleanssync.dll"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

orleanssync() { dotnet "$client_dll" "$@"; }

# True while the pid in the file is a live process.
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
