#!/usr/bin/env bash
# Stops the local test stack started by scripts/local-up.sh: LocalStack, moto, Redis,
# MariaDB and PostgreSQL, each through its pid file (never by process name).
# Idempotent: stopping something that is not running is fine. Data dirs are kept, in the
# checkout's state dir (scripts/local-lib.sh) and in .local/.
#
#   scripts/local-down.sh           stop
#   scripts/local-down.sh --purge   stop, then delete the state dir under /var/tmp too
#                                   (.ci/run does this: a fresh clone's data is throwaway)
#
# Ports do not matter here: the processes are found through their pid files, so the same
# command stops a stack started on other ports (LOCAL_*_PORT).
set -euo pipefail

LOG_TAG=local-down
# shellcheck source=scripts/local-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/local-lib.sh"

purge=0
case "${1:-}" in
  "") ;;
  --purge) purge=1 ;;
  *) echo "usage: $0 [--purge]" >&2; exit 2 ;;
esac

stop_pidfile localstack "$LS_PID" localstack.runtime.main 30
stop_pidfile moto "$MOTO_PID" moto_server 10
stop_pidfile redis "$REDIS_PID" redis-server 30
# SIGTERM is MariaDB's normal clean shutdown.
stop_pidfile mariadb "$MY_PID" mariadbd 60
pg_stop "$PGDATA"
stop_legacy

if ((purge)); then
  # Only a directory this user made (state_dir_make's rule): never follow a planted link.
  if [[ -d "$STATE" && ! -L "$STATE" && "$(stat -c %u "$STATE")" == "$(id -u)" ]]; then
    rm -rf "$STATE"
    log "removed $STATE"
  fi
  rm -f "$LOCAL/state"
fi
