#!/usr/bin/env bash
# Stops the local test stack started by scripts/local-up.sh: LocalStack, MariaDB and
# PostgreSQL, each through its pid file under .local/ (never by process name).
# Idempotent: stopping something that is not running is fine. Data dirs are kept;
# `rm -rf .local` afterwards for a completely fresh start.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$ROOT/.local"

log() { printf '[local-down] %s\n' "$*" >&2; }

# pid_alive FILE PATTERN: prints the pid if FILE names a live process whose command line
# matches PATTERN (guards against a stale pid file pointing at an unrelated process).
pid_alive() {
  local pid
  [[ -s "$1" ]] || return 1
  pid="$(head -n1 "$1" | tr -dc '0-9')"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2" &&
    echo "$pid"
}

# stop_pidfile NAME FILE PATTERN TIMEOUT: SIGTERM, wait, then SIGKILL as a last resort.
stop_pidfile() {
  local name=$1 file=$2 pattern=$3 timeout=$4 pid
  if ! pid="$(pid_alive "$file" "$pattern")"; then
    log "$name: not running"
    rm -f "$file"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + timeout))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "$name: still running after ${timeout}s, sending SIGKILL to $pid"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  rm -f "$file"
  log "$name: stopped (pid $pid)"
}

stop_pidfile localstack "$LOCAL/localstack/localstack.pid" localstack.runtime.main 30
# SIGTERM is MariaDB's normal clean shutdown.
stop_pidfile mariadb "$LOCAL/mysql/mysqld.pid" mariadbd 60
"$ROOT/scripts/pg-ctl.sh" stop
