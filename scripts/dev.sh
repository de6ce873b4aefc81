#!/usr/bin/env bash
# make dev: the whole thing, locally, in one command.
#   1. the local stack (PostgreSQL, MariaDB, Redis, LocalStack, moto on 127.0.0.1;
#      scripts/local-up.sh, LOCAL_*_PORT move them)
#   2. the health API on 127.0.0.1:${PORT:-8080}, checking local PostgreSQL, MariaDB,
#      S3, SQS, DynamoDB and Redis (the same bootstrap that runs in Lambda, in its
#      local-server mode)
#   3. the canary, once, publishing to LocalStack's CloudWatch
# then prints the URLs and waits. Ctrl-C stops the API and the stack
# (DEV_KEEP_STACK=1 keeps the stack running).
#
# SAM=1 (make dev SAM=1): step 2 is the real `sam local start-api` instead, on the same
# port, in containers of a dockerd of its own (internal/samlocal/samdev, as make sam-local
# sets it up); no canary run. Ctrl-C stops SAM and the engine; the stack stays up.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PORT="${PORT:-8080}"
ARCH="$(go env GOARCH)"

log() { printf '[dev] %s\n' "$*" >&2; }

bash scripts/local-up.sh
if [[ "${SAM:-}" == 1 ]]; then
  LOG_TAG=dev
  # shellcheck source=scripts/local-lib.sh
  . scripts/local-lib.sh
  state_dir_make
  SAM_LOCAL_DIR="$STATE/sam" PORT="$PORT" exec go run ./internal/samlocal/samdev
fi
set -a
# shellcheck disable=SC1091
. .local/env
set +a

make --no-print-directory "build/health/$ARCH/bootstrap" "build/canary/$ARCH/bootstrap" >/dev/null

export HEALTH_SERVICE=lambdahealth-dev HEALTH_ENVIRONMENT=local HEALTH_VERSION=0.0.0-dev
export HEALTH_DETAILS=always HEALTH_CACHE_TTL=2s HEALTH_METRICS=api HEALTH_SHUTDOWN_DELAY=0s
HEALTH_CHECKS="$(printf '[%s,%s,%s,%s,%s,%s]' \
  "{\"name\":\"orders-db\",\"type\":\"postgres\",\"dsn\":\"$LOCAL_PG_DSN\",\"timeout\":\"1s\"}" \
  "{\"name\":\"inventory-db\",\"type\":\"mysql\",\"dsn\":\"$LOCAL_MYSQL_DSN\",\"timeout\":\"1s\"}" \
  "{\"name\":\"assets\",\"type\":\"s3\",\"bucket\":\"$LOCAL_BUCKET\",\"probeKey\":\"health-probe\"}" \
  "{\"name\":\"jobs\",\"type\":\"sqs\",\"queueUrl\":\"$LOCAL_QUEUE_URL\",\"dlqUrl\":\"$LOCAL_DLQ_URL\",\"maxDepth\":1000,\"critical\":false}" \
  "{\"name\":\"sessions\",\"type\":\"dynamodb\",\"table\":\"$LOCAL_TABLE\",\"probeKey\":\"health-probe\"}" \
  "{\"name\":\"cache\",\"type\":\"redis\",\"endpoint\":\"$LOCAL_REDIS_ENDPOINT\"}")"
export HEALTH_CHECKS
mkdir -p .local/dev
declare -p HEALTH_SERVICE HEALTH_ENVIRONMENT HEALTH_VERSION HEALTH_DETAILS HEALTH_CACHE_TTL HEALTH_METRICS HEALTH_CHECKS |
  sed 's/^declare -x /export /' >.local/dev/env

server_pid=""
cleanup() {
  trap - INT TERM EXIT
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ "${DEV_KEEP_STACK:-0}" != 1 ]]; then
    bash scripts/local-down.sh
  fi
  log "stopped"
}
trap cleanup INT TERM EXIT

HEALTH_LISTEN="127.0.0.1:$PORT" "build/health/$ARCH/bootstrap" >.local/dev/health.log 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health/live" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { tail -n 20 .local/dev/health.log >&2; exit 1; }
  sleep 0.1
done
log "health API on http://127.0.0.1:$PORT (logs: .local/dev/health.log)"

log "canary, once (metrics to LocalStack CloudWatch, namespace ServiceHealth):"
"build/canary/$ARCH/bootstrap" 2>.local/dev/canary.log || log "canary exit code $? (1 = a critical check failed)"

cat <<MSG

  Health API:  http://127.0.0.1:$PORT   (status page in a browser: http://127.0.0.1:$PORT/health)
  Try:
    curl -i  http://127.0.0.1:$PORT/health/live
    curl -i  http://127.0.0.1:$PORT/health/ready
    curl -s  http://127.0.0.1:$PORT/health | python3 -m json.tool
  Drill:  scripts/pg-ctl.sh stop   -> /health/ready answers 503 within ${HEALTH_CACHE_TTL}
          scripts/pg-ctl.sh start  -> back to 200
  Canary again:  (. .local/env; . .local/dev/env; build/canary/$ARCH/bootstrap)

  Ctrl-C stops the API and the local stack.
MSG
wait "$server_pid"
