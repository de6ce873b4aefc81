# shellcheck shell=bash
# Shared by scripts/local-up.sh, local-down.sh and pg-ctl.sh (sourced, not run): where the
# local stack lives, on which ports, and how its processes are found and stopped.
#
# Ports (each overridable from the environment, to run a second stack beside the first):
#   LOCAL_PG_PORT 55432  LOCAL_MY_PORT 53306  LOCAL_REDIS_PORT 56379
#   LOCAL_LS_PORT 4566   LOCAL_MOTO_PORT 4580
#
# Where things live:
#   .local/                  in the checkout: env, LocalStack and moto (they run as root),
#                            the lock, and `state`, a link to the state dir below.
#   /var/tmp/lambdahealth-<hash of .local's real path>/   (LOCAL_STATE_DIR overrides)
#                            PostgreSQL, MariaDB and Redis: data, logs, sockets. These
#                            servers run as their own users (postgres, mysql, redis), who
#                            cannot reach a checkout under a private (0700) directory such
#                            as /root or `mktemp -d`; /var/tmp is reachable by every user,
#                            and keeps the data across reboots, as a data dir should.
#
# The caller sets LOG_TAG before sourcing (for log/die).

LOCAL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
LOCAL="$LOCAL_ROOT/.local"
LOCAL_VENV="$LOCAL_ROOT/.venv"

log() { printf '[%s] %s\n' "${LOG_TAG:-local}" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "${LOG_TAG:-local}" "$*" >&2; exit 1; }

# ---- ports -----------------------------------------------------------------------------
PG_PORT="${LOCAL_PG_PORT:-55432}"
MY_PORT="${LOCAL_MY_PORT:-53306}"
LS_PORT="${LOCAL_LS_PORT:-4566}"
REDIS_PORT="${LOCAL_REDIS_PORT:-56379}"
MOTO_PORT="${LOCAL_MOTO_PORT:-4580}"
for _p in "$PG_PORT" "$MY_PORT" "$LS_PORT" "$REDIS_PORT" "$MOTO_PORT"; do
  [[ "$_p" =~ ^[1-9][0-9]{0,4}$ ]] && ((_p < 65536)) || die "bad port '$_p' (LOCAL_*_PORT)"
done
unset _p

# ---- the state dir (servers that run as their own users) -----------------------------------
# Keyed by .local's real path: one per checkout, and one for worktrees that share a .local
# through a symlink (they share its env, so they must share the servers it describes).
LOCAL_REAL="$(mkdir -p "$LOCAL" && cd "$LOCAL" && pwd -P)"
STATE="${LOCAL_STATE_DIR:-/var/tmp/lambdahealth-$(printf '%s' "$LOCAL_REAL" | sha256sum | cut -c1-12)}"
PG_DIR="$STATE/pg"
PGDATA="$PG_DIR/data"
PG_LOG="$PG_DIR/postgres.log"
MY_DIR="$STATE/mysql"
MY_DATA="$MY_DIR/data"
MY_PID="$MY_DIR/mysqld.pid"
MY_LOG="$MY_DIR/error.log"
REDIS_DIR="$STATE/redis"
REDIS_PID="$STATE/redis.pid" # ours (root's), beside the redis-owned dir
REDIS_LOG="$REDIS_DIR/redis.log"
SOCK_DIR="$STATE/run"
PG_SOCK_DIR="$SOCK_DIR/pg"
MY_SOCK="$SOCK_DIR/mysql/mysqld.sock"

# ---- in the checkout (root's processes) ----------------------------------------------------
LS_DIR="$LOCAL/localstack"
LS_PID="$LS_DIR/localstack.pid"
LS_LOG="$LS_DIR/localstack.log"
MOTO_DIR="$LOCAL/moto"
MOTO_PID="$MOTO_DIR/moto.pid"
MOTO_LOG="$MOTO_DIR/moto.log"

# The newest PostgreSQL from Debian's packages ("" when none is installed).
PG_BIN="$(compgen -G "/usr/lib/postgresql/*/bin" | sort -V | tail -n1 || true)"

# state_dir_make: creates the state dir, root-owned and world-traversable. It sits in a
# shared, world-writable place under a predictable name, so refuse one that someone else
# made (or a symlink planted there) rather than write data through it.
state_dir_make() {
  mkdir -p "$(dirname "$STATE")"
  mkdir -m 755 "$STATE" 2>/dev/null || true
  [[ -d "$STATE" && ! -L "$STATE" && "$(stat -c %u "$STATE")" == "$(id -u)" ]] ||
    die "$STATE exists but is not a directory owned by $(id -un): remove it or set LOCAL_STATE_DIR"
  chmod 755 "$STATE"
  mkdir -p "$LOCAL"
  ln -sfn "$STATE" "$LOCAL/state"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

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

# as_postgres CMD...: runs CMD as the postgres user (initdb and pg_ctl refuse root), from /
# (the caller's directory may be a checkout postgres cannot enter).
as_postgres() {
  if [[ $EUID -eq 0 ]]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# pg_stop DATADIR: fast shutdown of the cluster in DATADIR, if it runs.
pg_stop() {
  [[ -n "$PG_BIN" && -f "$1/PG_VERSION" ]] || return 0
  if as_postgres "$PG_BIN/pg_ctl" status -D "$1" >/dev/null 2>&1; then
    as_postgres "$PG_BIN/pg_ctl" stop -D "$1" -m fast -w -t 60 >/dev/null
    log "postgres: stopped ($1)"
  fi
}

# stop_legacy: the layout before the state dir kept PostgreSQL and MariaDB under .local/.
# Stop servers still running from there (they hold the ports) and drop their throwaway data.
stop_legacy() {
  [[ -d "$LOCAL/pg" && ! -L "$LOCAL/pg" ]] || [[ -d "$LOCAL/mysql" && ! -L "$LOCAL/mysql" ]] || return 0
  log "moving PostgreSQL and MariaDB from .local/ to $STATE (the old data is test data: dropped)"
  pg_stop "$LOCAL/pg/data"
  stop_pidfile "mariadb (old layout)" "$LOCAL/mysql/mysqld.pid" mariadbd 60
  rm -rf "$LOCAL/pg" "$LOCAL/mysql" "$LOCAL/run"
}
