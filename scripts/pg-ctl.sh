#!/usr/bin/env bash
# Stop / start / query just the local PostgreSQL of the test stack (127.0.0.1:55432).
#
#   scripts/pg-ctl.sh stop     # fast shutdown; readiness checks against PG should turn 503
#   scripts/pg-ctl.sh start    # start again and wait until it accepts TCP connections
#   scripts/pg-ctl.sh status   # exit 0 when running, 3 when stopped
#
# The cluster itself is created by scripts/local-up.sh, in the checkout's state dir
# (scripts/local-lib.sh: /var/tmp/lambdahealth-<hash>/pg/data, exported as LOCAL_PG_DATA
# in .local/env). All settings (port, listen address, socket dir) live in the data dir, so
# a plain start brings back the same server; the port is read from there too.
set -euo pipefail

LOG_TAG=pg-ctl
# shellcheck source=scripts/local-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/local-lib.sh"
START_TIMEOUT="${PG_START_TIMEOUT:-60}"
if [[ -z "${LOCAL_PG_PORT:-}" && -f "$PGDATA/local-stack.conf" ]]; then
  PG_PORT="$(sed -n 's/^port = \([0-9]*\)$/\1/p' "$PGDATA/local-stack.conf")"
fi

if [[ -z "$PG_BIN" ]]; then
  # Nothing can be running without the binaries: "stop" is then a no-op.
  [[ "${1:-}" == stop ]] && { log "PostgreSQL not installed, nothing to stop"; exit 0; }
  die "PostgreSQL binaries not found; run scripts/tools.sh first"
fi

is_running() { as_postgres "$PG_BIN/pg_ctl" status -D "$PGDATA" >/dev/null 2>&1; }

case "${1:-}" in
  stop)
    if [[ ! -f "$PGDATA/PG_VERSION" ]]; then
      log "no cluster at $PGDATA, nothing to stop"
      exit 0
    fi
    if is_running; then
      pg_stop "$PGDATA"
    else
      log "PostgreSQL already stopped"
    fi
    ;;
  start)
    [[ -f "$PGDATA/PG_VERSION" ]] || die "no cluster at $PGDATA; run scripts/local-up.sh first"
    if is_running; then
      log "PostgreSQL already running"
    else
      if port_open "$PG_PORT"; then
        die "port $PG_PORT is already taken by another process; not starting"
      fi
      # -w: pg_ctl itself waits until the server accepts connections (or the timeout).
      if ! as_postgres "$PG_BIN/pg_ctl" start -D "$PGDATA" -l "$PG_LOG" -w -t "$START_TIMEOUT" >/dev/null; then
        tail -n 30 "$PG_LOG" >&2 || true
        die "PostgreSQL did not start within ${START_TIMEOUT}s (log: $PG_LOG)"
      fi
      log "PostgreSQL started"
    fi
    # Also check the TCP listener the tests use.
    for _ in $(seq 1 50); do
      port_open "$PG_PORT" && exit 0
      sleep 0.2
    done
    die "PostgreSQL runs but 127.0.0.1:$PG_PORT does not accept connections (log: $PG_LOG)"
    ;;
  status)
    if is_running; then
      echo "running (pid $(head -n1 "$PGDATA/postmaster.pid"), 127.0.0.1:$PG_PORT)"
    else
      echo "stopped"
      exit 3
    fi
    ;;
  *)
    echo "usage: $0 stop|start|status" >&2
    exit 2
    ;;
esac
