#!/usr/bin/env bash
# Drill: the health API's readiness follows the local PostgreSQL.
# Serves the health bootstrap with a critical postgres check, then stops
# PostgreSQL (503 expected), starts it again (200 expected). Part of make test;
# it runs after the Go tests because it stops a server they use.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
set -a
# shellcheck disable=SC1091
. .local/env
set +a
ARCH="$(go env GOARCH)"
make --no-print-directory "build/health/$ARCH/bootstrap" >/dev/null

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
LOG="$(mktemp)"
HEALTH_LISTEN="127.0.0.1:$PORT" HEALTH_CACHE_TTL=0s HEALTH_BUDGET=1s \
  HEALTH_CHECKS="[{\"name\":\"orders-db\",\"type\":\"postgres\",\"dsn\":\"$LOCAL_PG_DSN\"}]" \
  "build/health/$ARCH/bootstrap" >"$LOG" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  bash scripts/pg-ctl.sh start >/dev/null 2>&1 || true
  rm -f "$LOG"
}
trap cleanup EXIT

passed=0 failed=0
# expect CODE WHAT: polls /health/ready up to 10s for CODE.
expect() {
  local want=$1 what=$2 got=""
  for _ in $(seq 1 50); do
    got="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health/ready" || true)"
    [[ "$got" == "$want" ]] && break
    sleep 0.2
  done
  if [[ "$got" == "$want" ]]; then
    echo "drill: ok   $what: /health/ready = $got"
    passed=$((passed + 1))
  else
    echo "drill: FAIL $what: /health/ready = $got; want $want"
    failed=$((failed + 1))
  fi
}

expect 200 "PostgreSQL up"
bash scripts/pg-ctl.sh stop
expect 503 "PostgreSQL stopped"
bash scripts/pg-ctl.sh start
expect 200 "PostgreSQL started again"
if grep -q "health-pw-local" "$LOG"; then
  echo "drill: FAIL the server log carries the database password"
  failed=$((failed + 1))
fi
echo "drill: $passed steps ok, $failed steps wrong"
[[ $failed -eq 0 ]]
