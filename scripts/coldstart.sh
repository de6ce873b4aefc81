#!/usr/bin/env bash
# Cold starts of both functions' production bootstraps through the Lambda
# Runtime Interface Emulator (no Docker), RUNS times each (default 10):
# median / p90 / max of the wall time from starting the emulator to the first
# answer, of the first invocation, of the init phase (the emulator's
# INIT REPORT, what Lambda calls Init Duration), of the REPORT line's own
# Init Duration, and of a warm invocation. Needs the local stack (make local-up).
#
#   scripts/coldstart.sh [RUNS]
#
# The measurement is BenchmarkColdStart in internal/rie (coldstart_test.go).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "usage: scripts/coldstart.sh [RUNS]" >&2; exit 2; }
COLDSTART_RUNS=$runs HEALTH_REQUIRE_INTEGRATION=1 \
  go test -count=1 -v -run '^$' -bench '^BenchmarkColdStart$' -benchtime 1x ./internal/rie/ |
  sed -e 's/^ \{4\}coldstart_test.go:[0-9]*: *//' -e 's/^ \{8\}//'
