#!/usr/bin/env bash
# Runs every test suite against a local PostgreSQL (started, with its role, by postgres.sh) and ends with
# the plain line "N passed, N failed" that CI reads. Extra arguments go to the test platform.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

bash "$repo_root/deploy/local/postgres.sh" || { echo "0 passed, 1 failed"; exit 1; }
# Throw-away databases of earlier runs that could not be dropped (e.g. a killed run) go first.
bash "$repo_root/deploy/local/drop-databases.sh" 'ost\_%' || true

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# The whole run is bounded so a hung cluster cannot eat CI's 90 minutes.
# One test module at a time: cluster suites measure failure detection and must not share two cores with another suite.
timeout --kill-after=30s 45m dotnet test --solution "$repo_root/OrleansSync.sln" -c "$configuration" --max-parallel-test-modules 1 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Microsoft.Testing.Platform's summary: "total: N", "failed: N", "succeeded: N" (summed over test projects).
sum() { grep -E "^\s+$1: [0-9]+" "$log" | tail -n 1 | grep -oE '[0-9]+' || echo 0; }
total=$(sum total)
failed=$(sum failed)
passed=$(sum succeeded)
skipped=$(sum skipped)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The run broke outside any test (build error, crash, time-out): count it as a failure.
  failed=1
fi
echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$total" -gt 0 ]
