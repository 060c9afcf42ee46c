#!/usr/bin/env bash
# Runs every test suite against a local PostgreSQL (started, with its role, by postgres.sh) and ends with the slowest
# tests and the plain line "N passed, N failed" that CI reads. Extra arguments go to each suite's xunit runner
# (e.g. -class "OrleansSync.Tests.Sync.*" or -method "*Chaos*").
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

bash "$repo_root/deploy/local/postgres.sh" || { echo "0 passed, 1 failed"; exit 1; }
# Throw-away databases of earlier runs that could not be dropped (e.g. a killed run) go first.
bash "$repo_root/deploy/local/drop-databases.sh" 'ost\_%' || true

# ORLEANSSYNC_TEST_RESULTS keeps each suite's result XML (with every test's start and end) and log in that directory.
if [ -n "${ORLEANSSYNC_TEST_RESULTS:-}" ]; then
  results=$ORLEANSSYNC_TEST_RESULTS
  mkdir -p "$results"
else
  results=$(mktemp -d)
  trap 'rm -rf "$results"' EXIT
fi

# The status page's browser test drives Debian's Chromium: installed when missing, beside the build.
chromium_install=
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1; then
  as_root=; [ "$(id -u)" -eq 0 ] || as_root=sudo
  ( $as_root apt-get install -y --no-install-recommends chromium >"$results/chromium.log" 2>&1 ||
    { $as_root apt-get update && $as_root apt-get install -y --no-install-recommends chromium; } >>"$results/chromium.log" 2>&1 ) &
  chromium_install=$!
fi

if ! dotnet build "$repo_root/OrleansSync.sln" -c "$configuration" -nologo >"$results/build.log" 2>&1; then
  grep -E ': (error|warning) ' "$results/build.log" | sort -u | head -n 40
  tail -n 5 "$results/build.log"
  echo
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

if [ -n "$chromium_install" ] && ! wait "$chromium_install"; then
  echo "installing Debian's chromium failed (the status page test will fail); its log:"
  tail -n 5 "$results/chromium.log"
fi

# One suite with xunit's own runner, its results in $results/<suite>.xml; bounded so a hung cluster cannot eat CI's
# time. The runner prints failures as they happen and a summary per suite.
run_suite() {
  local suite=$1
  shift
  timeout --kill-after=30s 30m dotnet "$repo_root/tests/$suite/bin/$configuration/net10.0/$suite.dll" \
    -noColor -result-xml "$results/$suite.xml" "$@" >"$results/$suite.log" 2>&1
  echo $? >"$results/$suite.status"
}

# The emulator's suite (no cluster, no timing of ours) runs beside the main one, its output shown at the end. The main
# suite runs two test classes at a time, then, one at a time, the classes that need the machine to themselves (see
# Infrastructure/RunsAloneCollection.cs); its failures are shown as they happen.
run_suite OrleansSync.Emulator.Tests "$@" &
emulator=$!
run_suite OrleansSync.Tests "$@" &
main=$!
tail --pid="$main" -n +1 -F "$results/OrleansSync.Tests.log" 2>/dev/null &
shown=$!
wait "$main" "$emulator" "$shown"

passed=0 failed=0 skipped=0 broken=0
for suite in OrleansSync.Emulator.Tests OrleansSync.Tests; do
  if [ "$suite" = OrleansSync.Emulator.Tests ]; then
    echo "=== $suite"
    cat "$results/$suite.log"
  fi
  status=$(cat "$results/$suite.status" 2>/dev/null || echo 1)
  summary=$(grep -o '<assembly [^>]*>' "$results/$suite.xml" 2>/dev/null | head -n 1)
  attribute() { printf '%s' "$summary" | grep -oE " $1=\"[0-9]+\"" | grep -oE '[0-9]+' || echo 0; }
  passed=$((passed + $(attribute passed)))
  failed=$((failed + $(attribute failed) + $(attribute errors)))
  # Explicit tests (measurements run by hand) are "not run" unless asked for: counted with the skipped ones.
  skipped=$((skipped + $(attribute skipped) + $(attribute not-run)))
  # A suite that exited non-zero without a failed test broke outside any test (a crash, a time-out, no tests run).
  if [ "$status" -ne 0 ] && [ "$(attribute failed)" -eq 0 ] && [ "$(attribute errors)" -eq 0 ]; then
    echo "$suite exited $status without a failed test: counted as a failure"
    broken=$((broken + 1))
  fi
  if [ -z "$summary" ]; then
    broken=$((broken + 1))
  fi
done

echo
echo "Slowest tests (seconds):"
cat "$results"/*.xml 2>/dev/null | grep -oE '<test [^>]*>' |
  sed -E 's/.* name="([^"]*)".* time="([0-9.]+)".*/\2 \1/' | sort -rn | head -n 15 |
  awk '{ printf "  %8.1f  %s\n", $1, substr($0, index($0, " ") + 1) }' | sed -e 's/&quot;/"/g' -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g'

failed=$((failed + broken))
echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
