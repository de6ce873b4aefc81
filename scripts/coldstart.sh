#!/usr/bin/env bash
# Cold starts, the way Lambda runs a function: at the CPU share Lambda gives
# 128 MB (7.2% of a core) and 256 MB (14.4%), and on a whole core, through a
# cgroup v1 CPU quota (needs root and /sys/fs/cgroup/cpu; the cgroups are
# removed at the end). RUNS times each (default 10):
#
#  1. spawn to first 200 on GET /health/live (HEALTH_CHECKS='[]', the local
#     server) of the health bootstrap, default and KINDS=http,tcp, beside an
#     alexliesenfeld/health server in the same run (BenchmarkSpawnToLive in
#     internal/coldstart);
#  2. both functions through the Lambda Runtime Interface Emulator: start to
#     first answer, first invocation, the init phase (INIT REPORT), warm
#     invocation (BenchmarkColdStart in internal/rie; needs the local stack,
#     make local-up).
#
# BEFORE=<git revision> also builds the health bootstrap of that revision
# (from git archive, in a temporary directory) and measures it in both.
# VARIANTS="GOGC=400;GOGC=off" also measures the default build with each
# environment in (1). The current builds run with FUNCTION_ENV, by default
# what template.yaml's Globals and infra (healthstack.GOGC) set: GOGC=200.
#
#   scripts/coldstart.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "usage: scripts/coldstart.sh [RUNS]" >&2; exit 2; }
if [[ -n ${BEFORE:-} ]]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  git archive "$BEFORE" | tar -x -C "$tmp"
  (cd "$tmp" && CGO_ENABLED=0 go build -tags lambda.norpc -trimpath -ldflags "-s -w" -o "$tmp/bootstrap-before" ./functions/health)
  export COLDSTART_BEFORE=$tmp/bootstrap-before COLDSTART_BEFORE_NAME=$(git rev-parse --short "$BEFORE")
fi
export COLDSTART_RUNS=$runs COLDSTART_VARIANTS=${VARIANTS:-} COLDSTART_FUNCTION_ENV=${FUNCTION_ENV-GOGC=200}
tidy() { sed -e 's/^ \{4\}[a-z_]*\.go:[0-9]*: *//' -e 's/^ \{8\}//'; }
go test -count=1 -v -run '^$' -bench '^BenchmarkSpawnToLive$' -benchtime 1x ./internal/coldstart/ | tidy
HEALTH_REQUIRE_INTEGRATION=1 \
  go test -count=1 -v -run '^$' -bench '^BenchmarkColdStart$' -benchtime 1x ./internal/rie/ | tidy
