#!/usr/bin/env bash
# Starts the local test stack on loopback, without Docker, and provisions it:
#
#   PostgreSQL  127.0.0.1:55432  db healthdb, user health
#   MariaDB     127.0.0.1:53306  db healthdb, user health
#   Redis       127.0.0.1:56379  Debian's redis-server; ACL user health
#   LocalStack  127.0.0.1:4566   S3 bucket, SQS queues (+ DLQ), SNS topic subscribed to the
#                                queue, EventBridge bus, Secrets Manager secret: all health-local
#   moto        127.0.0.1:4580   DynamoDB table and Kinesis stream health-local
#
# and writes .local/env (shell `export` lines; `source .local/env` before the tests).
# Every port can be moved with LOCAL_PG_PORT, LOCAL_MY_PORT, LOCAL_REDIS_PORT, LOCAL_LS_PORT
# and LOCAL_MOTO_PORT (scripts/local-lib.sh), e.g. to run a second stack beside the first.
# PostgreSQL, MariaDB and Redis keep data, logs and sockets in a per-checkout state dir
# under /var/tmp that their users can reach wherever the checkout is (even under a 0700
# directory such as /root); see scripts/local-lib.sh and docs/LOCAL_STACK.md.
#
# Idempotent: a service that is already up (pid file alive AND port answering) is left
# alone, so a second run only re-applies the (idempotent) provisioning and takes ~2 s.
# Needs root (initdb, mariadbd and redis-server run as the postgres/mysql/redis users) and
# scripts/tools.sh to have run. Stop everything with scripts/local-down.sh.
set -euo pipefail

LOG_TAG=local-up
# shellcheck source=scripts/local-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/local-lib.sh"
ROOT="$LOCAL_ROOT"
VENV="$LOCAL_VENV"

# ---- fixed settings (names, local-only passwords) ------------------------------------
APP_DB=healthdb
APP_USER=health
APP_PW=health-pw-local
PG_ADMIN_USER=postgres
MY_ADMIN_USER=root
ADMIN_PW=admin-pw-local
BUCKET=health-local
QUEUE=health-local
DLQ=health-local-dlq
TOPIC=health-local
EVENT_BUS=health-local
SECRET=health-local
TABLE=health-local
STREAM=health-local
REGION=us-east-1
LS_SERVICES=s3,sqs,sns,cloudwatch,events,ssm,secretsmanager,logs,sts

PG_TIMEOUT="${LOCAL_PG_TIMEOUT:-60}"
MY_TIMEOUT="${LOCAL_MYSQL_TIMEOUT:-60}"
LS_TIMEOUT="${LOCAL_LS_TIMEOUT:-90}"
REDIS_TIMEOUT="${LOCAL_REDIS_TIMEOUT:-30}"
MOTO_TIMEOUT="${LOCAL_MOTO_TIMEOUT:-60}"

# Prints the end of a log file, for error messages.
log_tail() {
  printf -- '---- last 40 lines of %s ----\n' "$1" >&2
  tail -n 40 "$1" >&2 2>/dev/null || echo "(no log)" >&2
  printf -- '----\n' >&2
}

# daemonize PIDFILE LOGFILE CMD...: starts CMD in its own session, detached from this
# script, and records its pid. The pid is written by the child itself right before the
# exec, so it is right whether or not the caller has job control (setsid -f always forks).
# 9>&-: the server must not inherit the lock fd, or it would hold the lock forever.
daemonize() {
  local pidfile=$1 logfile=$2
  shift 2
  rm -f "$pidfile"
  printf '==== %s local-up.sh starting: %s\n' "$(date -Is)" "$1" >>"$logfile"
  # shellcheck disable=SC2016 # $$ and $@ are for the inner bash
  setsid -f bash -c 'echo $$ >"$1"; shift; exec "$@"' daemonize "$pidfile" "$@" \
    </dev/null >>"$logfile" 2>&1 9>&-
  for _ in $(seq 1 50); do
    [[ -s "$pidfile" ]] && return 0
    sleep 0.1
  done
  die "could not start $1 (no pid written to $pidfile)"
}

# wait_until NAME TIMEOUT LOGFILE PIDFILE PATTERN CMD...: retries CMD until it succeeds;
# fails early if the server process is gone, and shows the log tail on failure.
wait_until() {
  local name=$1 timeout=$2 logfile=$3 pidfile=$4 pattern=$5
  shift 5
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [[ -n "$pidfile" ]] && ! pid_alive "$pidfile" "$pattern" >/dev/null; then
      # The pid file may appear a moment after the process starts; give it a grace second.
      sleep 1
      if ! pid_alive "$pidfile" "$pattern" >/dev/null && ! "$@" >/dev/null 2>&1; then
        log_tail "$logfile"
        die "$name exited during startup (log: $logfile)"
      fi
    fi
    if ((SECONDS >= deadline)); then
      log_tail "$logfile"
      die "$name not ready after ${timeout}s (log: $logfile)"
    fi
    sleep 0.5
  done
}

# ---- preconditions -------------------------------------------------------------------
[[ $EUID -eq 0 ]] || die "run as root: initdb, mariadbd and redis-server are started as the postgres/mysql/redis users"
[[ -x "$VENV/bin/python" ]] || die ".venv missing: run scripts/tools.sh first"
[[ -x "$VENV/moto/bin/moto_server" ]] || die ".venv/moto missing: run scripts/tools.sh first"
[[ -n "$PG_BIN" ]] || die "PostgreSQL not installed: run scripts/tools.sh first"
command -v mariadbd >/dev/null || die "MariaDB not installed: run scripts/tools.sh first"
command -v redis-server >/dev/null || die "redis-server not installed: run scripts/tools.sh first"
for u in postgres mysql redis; do
  id "$u" >/dev/null 2>&1 || die "system user $u missing (comes with Debian's package of its server)"
done

mkdir -p "$LOCAL"
chmod 755 "$LOCAL"
# Serialize concurrent runs (e.g. two test jobs calling local-up at once).
exec 9>"$LOCAL/.up.lock"
flock -w 300 9 || die "another local-up.sh holds $LOCAL/.up.lock"
stop_legacy 9>&-
state_dir_make
mkdir -p "$SOCK_DIR"
chmod 755 "$SOCK_DIR"

T0=$SECONDS

# =======================================================================================
# PostgreSQL
# =======================================================================================
pg_init() {
  log "postgres: initdb in $PGDATA"
  rm -rf "$PGDATA"
  mkdir -p "$PG_DIR"
  chown postgres:postgres "$PG_DIR"
  chmod 700 "$PG_DIR"
  local pwfile="$PG_DIR/.admin-pw"
  (umask 077 && printf '%s\n' "$ADMIN_PW" >"$pwfile")
  chown postgres:postgres "$pwfile"
  # Socket logins are trusted (the socket dir is ours); TCP logins need a password.
  if ! as_postgres "$PG_BIN/initdb" -D "$PGDATA" -U "$PG_ADMIN_USER" \
    --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1; then
    rm -f "$pwfile"
    log_tail "$PG_DIR/initdb.log"
    die "initdb failed"
  fi
  rm -f "$pwfile"
  echo "include_if_exists = 'local-stack.conf'" >>"$PGDATA/postgresql.conf"
}

pg_configure() {
  # Rewritten on every run; pg-ctl.sh start picks it up from the data dir.
  mkdir -p "$PG_SOCK_DIR"
  chown postgres:postgres "$PG_SOCK_DIR"
  cat >"$PGDATA/local-stack.conf" <<EOF
# Written by scripts/local-up.sh: loopback only, own port and socket dir.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCK_DIR'
max_connections = 200
# Throwaway test data: trade durability for speed.
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  chown postgres:postgres "$PGDATA/local-stack.conf"
}

pg_up() {
  [[ -f "$PGDATA/PG_VERSION" ]] || pg_init
  if pid_alive "$PGDATA/postmaster.pid" postgres >/dev/null && port_open "$PG_PORT"; then
    log "postgres: already running (pid $(head -n1 "$PGDATA/postmaster.pid"), 127.0.0.1:$PG_PORT)"
  else
    pg_configure
    log "postgres: starting on 127.0.0.1:$PG_PORT"
    # 9>&-: servers must not inherit the lock fd (it would keep the lock held).
    PG_START_TIMEOUT="$PG_TIMEOUT" "$ROOT/scripts/pg-ctl.sh" start 9>&- ||
      { log_tail "$PG_LOG"; die "PostgreSQL failed to start"; }
  fi
  wait_until postgres "$PG_TIMEOUT" "$PG_LOG" "$PGDATA/postmaster.pid" postgres \
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"

  # Provision (idempotent): admin password, app role, app database.
  psql -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK_DIR" -p "$PG_PORT" -U "$PG_ADMIN_USER" -d postgres <<EOF >/dev/null
ALTER ROLE $PG_ADMIN_USER PASSWORD '$ADMIN_PW';
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$APP_USER') THEN
    CREATE ROLE $APP_USER LOGIN PASSWORD '$APP_PW';
  ELSE
    ALTER ROLE $APP_USER LOGIN PASSWORD '$APP_PW';
  END IF;
END \$\$;
SELECT 'CREATE DATABASE $APP_DB OWNER $APP_USER'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$APP_DB')\gexec
EOF
  # Prove both DSNs work over TCP with a password.
  psql -X -q -At -c 'select 1' "$PG_DSN" >/dev/null || die "cannot log in with LOCAL_PG_DSN"
  psql -X -q -At -c 'select 1' "$PG_ADMIN_DSN" >/dev/null || die "cannot log in with LOCAL_PG_ADMIN_DSN"
  log "postgres: ready, database $APP_DB / user $APP_USER"
}

# =======================================================================================
# MariaDB
# =======================================================================================
my_init() {
  log "mariadb: mariadb-install-db in $MY_DATA"
  rm -rf "$MY_DATA"
  mkdir -p "$MY_DATA"
  chown -R mysql:mysql "$MY_DIR"
  chmod 750 "$MY_DIR"
  if ! mariadb-install-db --no-defaults --user=mysql --datadir="$MY_DATA" \
    --auth-root-authentication-method=socket --skip-test-db --skip-name-resolve \
    >"$MY_DIR/install-db.log" 2>&1; then
    log_tail "$MY_DIR/install-db.log"
    die "mariadb-install-db failed"
  fi
}

my_up() {
  [[ -d "$MY_DATA/mysql" ]] || my_init
  mkdir -p "$(dirname "$MY_SOCK")"
  chown mysql:mysql "$MY_DIR" "$(dirname "$MY_SOCK")"
  if pid_alive "$MY_PID" mariadbd >/dev/null && port_open "$MY_PORT"; then
    log "mariadb: already running (pid $(head -n1 "$MY_PID"), 127.0.0.1:$MY_PORT)"
  elif pid_alive "$MY_PID" mariadbd >/dev/null; then
    log "mariadb: process up, waiting for the port"
  else
    port_open "$MY_PORT" && die "port $MY_PORT is taken by a process that is not ours ($MY_PID)"
    rm -f "$MY_PID"
    log "mariadb: starting on 127.0.0.1:$MY_PORT"
    # --no-defaults: ignore /etc/mysql; mariadbd switches to the mysql user itself.
    # Its own pid file goes into the datadir; $MY_PID is ours (same pid).
    daemonize "$MY_PID" "$MY_DIR/stdout.log" \
      mariadbd --no-defaults --user=mysql \
      --datadir="$MY_DATA" --socket="$MY_SOCK" --pid-file="$MY_DATA/mariadbd.pid" --log-error="$MY_LOG" \
      --bind-address=127.0.0.1 --port="$MY_PORT" --skip-name-resolve --skip-log-bin \
      --max-connections=300 --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
      --innodb-buffer-pool-size=128M --innodb-flush-log-at-trx-commit=2 --innodb-doublewrite=0
  fi
  wait_until mariadb "$MY_TIMEOUT" "$MY_LOG" "$MY_PID" mariadbd \
    mariadb-admin --no-defaults --protocol=socket --socket="$MY_SOCK" -u root ping
  wait_until "mariadb (tcp)" 10 "$MY_LOG" "" "" port_open "$MY_PORT"

  # Provision (idempotent). root over the socket uses unix_socket auth (we are root).
  mariadb --no-defaults --protocol=socket --socket="$MY_SOCK" -u root <<EOF
CREATE DATABASE IF NOT EXISTS \`$APP_DB\` CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS '$APP_USER'@'%' IDENTIFIED BY '$APP_PW';
ALTER USER '$APP_USER'@'%' IDENTIFIED BY '$APP_PW';
GRANT ALL PRIVILEGES ON \`$APP_DB\`.* TO '$APP_USER'@'%';
CREATE USER IF NOT EXISTS '$MY_ADMIN_USER'@'%' IDENTIFIED BY '$ADMIN_PW';
ALTER USER '$MY_ADMIN_USER'@'%' IDENTIFIED BY '$ADMIN_PW';
GRANT ALL PRIVILEGES ON *.* TO '$MY_ADMIN_USER'@'%' WITH GRANT OPTION;
FLUSH PRIVILEGES;
EOF
  # Prove both logins work over TCP with a password.
  mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$MY_PORT" -u "$APP_USER" -p"$APP_PW" \
    "$APP_DB" -e 'select 1' >/dev/null || die "cannot log in as $APP_USER over TCP"
  mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$MY_PORT" -u "$MY_ADMIN_USER" -p"$ADMIN_PW" \
    -e 'select 1' >/dev/null || die "cannot log in as $MY_ADMIN_USER over TCP"
  log "mariadb: ready, database $APP_DB / user $APP_USER"
}

# =======================================================================================
# LocalStack (localstack-core on the host, no Docker, no auth token)
# =======================================================================================
ls_healthy() {
  local body svc
  body="$(curl -sf -m 5 "http://127.0.0.1:$LS_PORT/_localstack/health")" || return 1
  for svc in ${LS_SERVICES//,/ }; do
    grep -Eq "\"$svc\": \"(available|running)\"" <<<"$body" || return 1
  done
}

# ls_lacks_service: the running LocalStack answers but does not serve every service of
# LS_SERVICES (it was started with a shorter SERVICES list, e.g. by an older local-up.sh).
ls_lacks_service() {
  local body svc
  body="$(curl -sf -m 5 "http://127.0.0.1:$LS_PORT/_localstack/health")" || return 1
  for svc in ${LS_SERVICES//,/ }; do
    grep -Eq "\"$svc\": \"disabled\"" <<<"$body" && return 0
  done
  return 1
}

ls_up() {
  mkdir -p "$LS_DIR"
  if pid_alive "$LS_PID" localstack.runtime.main >/dev/null && port_open "$LS_PORT" && ls_lacks_service; then
    log "localstack: running without some of $LS_SERVICES: restarting it"
    stop_pidfile localstack "$LS_PID" localstack.runtime.main 30
  fi
  if pid_alive "$LS_PID" localstack.runtime.main >/dev/null && port_open "$LS_PORT"; then
    log "localstack: already running (pid $(cat "$LS_PID"), 127.0.0.1:$LS_PORT)"
  elif pid_alive "$LS_PID" localstack.runtime.main >/dev/null; then
    log "localstack: process up, waiting for the port"
  else
    port_open "$LS_PORT" && die "port $LS_PORT is taken by a process that is not ours ($LS_PID)"
    rm -f "$LS_PID"
    log "localstack: starting on 127.0.0.1:$LS_PORT (services: $LS_SERVICES)"
    # OVERRIDE_IN_DOCKER=0     this VM has /.dockerenv; without this LocalStack uses
    #                          container paths (/var/lib/localstack ...).
    # GATEWAY_SERVER=hypercorn the default twisted server ignores the host part of
    #                          GATEWAY_LISTEN and would bind 0.0.0.0.
    # DNS_ADDRESS=0            no DNS server on port 53.
    # SKIP_SSL_CERT_DOWNLOAD, DISABLE_EVENTS: no calls to localstack.cloud.
    # SQS_ENDPOINT_STRATEGY=path  queue URLs http://127.0.0.1:4566/queue/<region>/<acct>/<name>
    # EAGER_SERVICE_LOADING=1  load every service at startup, so errors show up here.
    cd "$LS_DIR"
    daemonize "$LS_PID" "$LS_LOG" env \
      OVERRIDE_IN_DOCKER=0 \
      GATEWAY_SERVER=hypercorn \
      GATEWAY_LISTEN="127.0.0.1:$LS_PORT" \
      LOCALSTACK_HOST="127.0.0.1:$LS_PORT" \
      SERVICES="$LS_SERVICES" \
      EAGER_SERVICE_LOADING=1 \
      DNS_ADDRESS=0 \
      SKIP_SSL_CERT_DOWNLOAD=1 \
      DISABLE_EVENTS=1 \
      SQS_ENDPOINT_STRATEGY=path \
      FILESYSTEM_ROOT="$LS_DIR/fs" \
      PERSISTENCE=0 DEBUG=0 \
      "$VENV/bin/python" -m localstack.runtime.main
    cd "$ROOT"
  fi
  wait_until localstack "$LS_TIMEOUT" "$LS_LOG" "$LS_PID" localstack.runtime.main ls_healthy
  log "localstack: ready ($(curl -sf "http://127.0.0.1:$LS_PORT/_localstack/health" | grep -o '"version": "[^"]*"'))"

  # Provision (idempotent) with the venv's boto3; prints KEY=VALUE lines for .local/env.
  local out
  out="$(AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test "$VENV/bin/python" - \
    "http://127.0.0.1:$LS_PORT" "$REGION" "$BUCKET" "$QUEUE" "$DLQ" "$TOPIC" "$EVENT_BUS" "$SECRET" \
    "{\"username\":\"$APP_USER\",\"password\":\"$APP_PW\"}" <<'EOF'
import json, sys
import boto3
from botocore.exceptions import ClientError

endpoint, region, bucket, queue, dlq, topic, bus, secret, secret_value = sys.argv[1:10]
kw = dict(endpoint_url=endpoint, region_name=region)

def code(e):
    return e.response["Error"]["Code"]

s3 = boto3.client("s3", **kw)
try:
    s3.create_bucket(Bucket=bucket)
except ClientError as e:
    if code(e) not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
        raise
s3.head_bucket(Bucket=bucket)

sqs = boto3.client("sqs", **kw)
dlq_url = sqs.create_queue(QueueName=dlq)["QueueUrl"]
dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
queue_url = sqs.create_queue(QueueName=queue)["QueueUrl"]
queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={
    "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"})})

# SNS: the topic, subscribed to the queue. An SQS subscription needs no confirmation
# round trip (as in AWS for a queue of the same account), so it is confirmed at once: its
# ARN is not "PendingConfirmation". (GetTopicAttributes' SubscriptionsConfirmed stays "0"
# in LocalStack 4.14 and in moto whatever the subscriptions: a constant, not a count.)
sns = boto3.client("sns", **kw)
topic_arn = sns.create_topic(Name=topic)["TopicArn"]  # idempotent: same ARN again
sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)  # idempotent
subs = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
if not any(s["Endpoint"] == queue_arn and s["SubscriptionArn"].startswith("arn:") for s in subs):
    sys.exit(f"SNS topic {topic}: no confirmed subscription to {queue} ({subs})")

events = boto3.client("events", **kw)
try:
    events.create_event_bus(Name=bus)
except ClientError as e:
    if code(e) != "ResourceAlreadyExistsException":
        raise
events.describe_event_bus(Name=bus)

sm = boto3.client("secretsmanager", **kw)
try:
    sm.create_secret(Name=secret, SecretString=secret_value)
except ClientError as e:
    if code(e) != "ResourceExistsException":
        raise
sm.describe_secret(SecretId=secret)

print(f"LOCAL_QUEUE_URL={queue_url}")
print(f"LOCAL_DLQ_URL={dlq_url}")
print(f"LOCAL_TOPIC_ARN={topic_arn}")
EOF
  )" || { log_tail "$LS_LOG"; die "provisioning LocalStack failed"; }
  mapfile -t LS_ENV <<<"$out"
  [[ ${#LS_ENV[@]} -eq 3 && "${LS_ENV[*]}" == *LOCAL_TOPIC_ARN=arn:* ]] || die "unexpected output from provisioning LocalStack: $out"
  log "localstack: bucket $BUCKET, queues $QUEUE and $DLQ, topic $TOPIC (subscribed: $QUEUE), bus $EVENT_BUS, secret $SECRET"
}

# =======================================================================================
# Redis (Debian's redis-server, as the redis user, no persistence)
# =======================================================================================
redis_cli() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }

redis_up() {
  mkdir -p "$REDIS_DIR"
  chown redis:redis "$REDIS_DIR"
  chmod 750 "$REDIS_DIR"
  if pid_alive "$REDIS_PID" redis-server >/dev/null && port_open "$REDIS_PORT"; then
    log "redis: already running (pid $(cat "$REDIS_PID"), 127.0.0.1:$REDIS_PORT)"
  else
    port_open "$REDIS_PORT" && die "port $REDIS_PORT is taken by a process that is not ours ($REDIS_PID)"
    # Rewritten on every start. The default user (no password) serves the plain check;
    # the ACL user is for checks with `user` and an AUTH token (WRONGPASS when wrong).
    cat >"$STATE/redis.conf" <<EOF
# Written by scripts/local-up.sh: loopback only, own port, nothing written to disk.
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
daemonize no
dir $REDIS_DIR
logfile $REDIS_LOG
save ""
appendonly no
user default on nopass ~* &* +@all
user $APP_USER on >$APP_PW ~* &* +@all
EOF
    chmod 644 "$STATE/redis.conf"
    log "redis: starting on 127.0.0.1:$REDIS_PORT"
    # setpriv execs redis-server as the redis user (no runuser parent): the pid is redis's.
    daemonize "$REDIS_PID" "$REDIS_DIR/stdout.log" \
      setpriv --reuid=redis --regid=redis --init-groups -- redis-server "$STATE/redis.conf"
  fi
  wait_until redis "$REDIS_TIMEOUT" "$REDIS_LOG" "$REDIS_PID" redis-server redis_cli ping
  [[ "$(redis_cli --user "$APP_USER" --pass "$APP_PW" --no-auth-warning ping)" == PONG ]] ||
    die "redis: cannot AUTH as $APP_USER"
  log "redis: ready, user $APP_USER"
}

# =======================================================================================
# moto (moto[server] in .venv/moto): DynamoDB and Kinesis, which LocalStack cannot serve
# offline (docs/LOCAL_STACK.md)
# =======================================================================================
moto_up() {
  mkdir -p "$MOTO_DIR"
  if pid_alive "$MOTO_PID" moto_server >/dev/null && port_open "$MOTO_PORT"; then
    log "moto: already running (pid $(cat "$MOTO_PID"), 127.0.0.1:$MOTO_PORT)"
  else
    port_open "$MOTO_PORT" && die "port $MOTO_PORT is taken by a process that is not ours ($MOTO_PID)"
    log "moto: starting on 127.0.0.1:$MOTO_PORT"
    daemonize "$MOTO_PID" "$MOTO_LOG" "$VENV/moto/bin/python" "$VENV/moto/bin/moto_server" \
      -H 127.0.0.1 -p "$MOTO_PORT"
  fi
  wait_until moto "$MOTO_TIMEOUT" "$MOTO_LOG" "$MOTO_PID" moto_server \
    curl -sf -m 5 -o /dev/null "http://127.0.0.1:$MOTO_PORT/moto-api/"

  # Provision (idempotent): moto keeps state in memory only.
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test "$VENV/bin/python" - \
    "http://127.0.0.1:$MOTO_PORT" "$REGION" "$TABLE" "$STREAM" <<'EOF' || { log_tail "$MOTO_LOG"; die "provisioning moto failed"; }
import sys, time
import boto3
from botocore.exceptions import ClientError

endpoint, region, table, stream = sys.argv[1:5]
kw = dict(endpoint_url=endpoint, region_name=region)
ddb = boto3.client("dynamodb", **kw)
try:
    ddb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
except ClientError as e:
    if e.response["Error"]["Code"] != "ResourceInUseException":
        raise
kinesis = boto3.client("kinesis", **kw)
try:
    kinesis.create_stream(StreamName=stream, ShardCount=1)
except ClientError as e:
    if e.response["Error"]["Code"] != "ResourceInUseException":
        raise
for _ in range(50):
    t = ddb.describe_table(TableName=table)["Table"]["TableStatus"]
    s = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]["StreamStatus"]
    if (t, s) == ("ACTIVE", "ACTIVE"):
        break
    time.sleep(0.1)
else:
    sys.exit(f"table {table} is {t}, stream {stream} is {s}; want ACTIVE")
EOF
  log "moto: table $TABLE (partition key pk, string), stream $STREAM"
}

PG_DSN="postgres://$APP_USER:$APP_PW@127.0.0.1:$PG_PORT/$APP_DB?sslmode=disable"
PG_ADMIN_DSN="postgres://$PG_ADMIN_USER:$ADMIN_PW@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
MY_DSN="$APP_USER:$APP_PW@tcp(127.0.0.1:$MY_PORT)/$APP_DB"
MY_ADMIN_DSN="$MY_ADMIN_USER:$ADMIN_PW@tcp(127.0.0.1:$MY_PORT)/"

pg_up
my_up
redis_up
moto_up
ls_up

# =======================================================================================
# .local/env
# =======================================================================================
write_env() {
  local k
  echo "# Written by scripts/local-up.sh. Usage: source .local/env"
  for k in "$@"; do
    [[ "$k" != *\'* ]] || die "value for ${k%%=*} contains a single quote"
    printf "export %s='%s'\n" "${k%%=*}" "${k#*=}"
  done
}
write_env \
  "AWS_ENDPOINT_URL=http://127.0.0.1:$LS_PORT" \
  "AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:$MOTO_PORT" \
  "AWS_ENDPOINT_URL_KINESIS=http://127.0.0.1:$MOTO_PORT" \
  "AWS_REGION=$REGION" \
  "AWS_DEFAULT_REGION=$REGION" \
  "AWS_ACCESS_KEY_ID=test" \
  "AWS_SECRET_ACCESS_KEY=test" \
  "LOCAL_PG_DSN=$PG_DSN" \
  "LOCAL_PG_ADMIN_DSN=$PG_ADMIN_DSN" \
  "LOCAL_PG_DATA=$PGDATA" \
  "LOCAL_PG_CTL=$ROOT/scripts/pg-ctl.sh" \
  "LOCAL_MYSQL_DSN=$MY_DSN" \
  "LOCAL_MYSQL_ADMIN_DSN=$MY_ADMIN_DSN" \
  "LOCAL_BUCKET=$BUCKET" \
  "${LS_ENV[@]}" \
  "LOCAL_EVENT_BUS=$EVENT_BUS" \
  "LOCAL_SECRET_ID=$SECRET" \
  "LOCAL_TABLE=$TABLE" \
  "LOCAL_STREAM=$STREAM" \
  "LOCAL_REDIS_ENDPOINT=127.0.0.1:$REDIS_PORT" \
  "LOCAL_REDIS_USER=$APP_USER" \
  "LOCAL_REDIS_PASSWORD=$APP_PW" \
  >"$LOCAL/env.tmp"
mv -f "$LOCAL/env.tmp" "$LOCAL/env"

log "all up in $((SECONDS - T0))s; wrote .local/env (state: $STATE)"
