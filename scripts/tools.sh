#!/usr/bin/env bash
# Installs everything the local test stack needs, without Docker:
#   * Debian packages: PostgreSQL, MariaDB and Redis (servers + clients), headless
#     Chromium (the status page's browser test), curl.
#   * .venv (repo root): localstack-core, awscli, awscli-local, cfn-lint (pins in
#     scripts/requirements-tools.txt).
#   * .venv/sam: aws-sam-cli in its own venv (its click/boto3 pins clash with
#     localstack-core's), exposed as .venv/bin/sam.
#   * .venv/moto: moto[server] in its own venv (moto and localstack-core's fork moto-ext
#     both install the Python package `moto`), serving DynamoDB and Kinesis.
#   * .venv/checkov: checkov (scripts/requirements-checkov.txt) in its own venv, with its
#     own stamp, exposed as .venv/bin/checkov (make lint-iac scans both templates).
#
# Idempotent and fast on a second run:
#   * apt is skipped when every package's binaries are already there (each is checked on
#     its own: only what is missing is installed);
#   * pip is skipped when .venv/.tools-stamp holds the hash of requirements-tools.txt
#     (plus the Python version) and the tools answer.
# Set TOOLS_PYTHON=/path/to/python3.12+ to choose the interpreter yourself.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REQ="$ROOT/scripts/requirements-tools.txt"
VENV="$ROOT/.venv"
SAM_VENV="$VENV/sam"
MOTO_VENV="$VENV/moto"
STAMP="$VENV/.tools-stamp"

log() { printf '[tools] %s\n' "$*" >&2; }
die() { printf '[tools] ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------
# 1. Debian packages
# ---------------------------------------------------------------------------
# missing_debs: prints the Debian packages whose binaries are not there.
missing_debs() {
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null &&
    compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null || echo postgresql
  command -v psql >/dev/null || echo postgresql-client
  command -v mariadbd >/dev/null && command -v mariadb-install-db >/dev/null || echo mariadb-server
  command -v mariadb >/dev/null && command -v mariadb-admin >/dev/null || echo mariadb-client
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null || echo redis-server
  command -v chromium >/dev/null || echo chromium
  command -v curl >/dev/null || echo curl ca-certificates
  command -v runuser >/dev/null && command -v setpriv >/dev/null || echo util-linux
}

mapfile -t debs < <(missing_debs)
if ((${#debs[@]} == 0)); then
  log "apt: postgresql, mariadb, redis-server, chromium already installed, skipping"
else
  [[ $EUID -eq 0 ]] || die "apt-get needs root (run as root, or install ${debs[*]} yourself)"
  log "apt: installing ${debs[*]}"
  # shellcheck source=scripts/apt-lib.sh
  . "$ROOT/scripts/apt-lib.sh"
  apt_update
  # shellcheck disable=SC2068 # one word per package (curl ca-certificates is two)
  apt_install ${debs[@]}
  mapfile -t debs < <(missing_debs)
  ((${#debs[@]} == 0)) || die "apt finished but the binaries of ${debs[*]} are still missing"
fi

# ---------------------------------------------------------------------------
# 2. Python interpreter (>= 3.12, see requirements-tools.txt)
# ---------------------------------------------------------------------------
py_ok() { # $1 = candidate interpreter; true if it is a working Python >= 3.12
  [[ -x "$1" ]] && "$1" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null
}

pick_python() {
  local c cands=()
  [[ -n "${TOOLS_PYTHON:-}" ]] && cands+=("$TOOLS_PYTHON")
  for c in python3.13 python3.12; do
    command -v "$c" >/dev/null && cands+=("$(command -v "$c")")
  done
  # pyenv builds (this machine ships 3.13.x and 3.12.x under ~/.pyenv/versions).
  local pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
  for c in $( { compgen -G "$pyenv_root/versions/3.13.*"; compgen -G "$pyenv_root/versions/3.12.*"; } | sort -rV); do
    cands+=("$c/bin/python3")
  done
  cands+=("$(command -v python3 || true)")
  for c in "${cands[@]}"; do
    [[ -n "$c" ]] && py_ok "$c" && { echo "$c"; return 0; }
  done
  return 1
}

# ---------------------------------------------------------------------------
# 3. Virtualenvs
# ---------------------------------------------------------------------------
# Requirement lines for each venv: aws-sam-cli goes to .venv/sam, the lines between the
# ">>> .venv/moto" and "<<< .venv/moto" markers to .venv/moto, the rest to .venv.
main_reqs() { moto_block 0 | grep -vE '^[[:space:]]*aws-sam-cli=='; }
sam_reqs() { grep -E '^[[:space:]]*aws-sam-cli==' "$REQ" | sed 's/[[:space:]]*#.*//'; }
moto_reqs() { moto_block 1; }
moto_block() { # $1 = 1: the lines inside the block, 0: the lines outside it
  awk -v want="$1" '/^# >>> \.venv\/moto/ { in_b = 1; next } /^# <<< \.venv\/moto/ { in_b = 0; next }
    (in_b ? 1 : 0) == want' "$REQ"
}

# Quick check (second runs): the entry points exist and the venv's Python answers.
tools_present() {
  local f
  for f in python cfn-lint aws awslocal sam; do [[ -x "$VENV/bin/$f" ]] || return 1; done
  [[ -x "$MOTO_VENV/bin/moto_server" ]] || return 1
  "$VENV/bin/python" -c 'import localstack' 2>/dev/null
}

# Full smoke check (after an install): the tools really run.
tools_work() {
  "$VENV/bin/python" -c 'import localstack.aws.components, boto3' 2>/dev/null &&
    "$VENV/bin/cfn-lint" --version >/dev/null 2>&1 &&
    [[ -x "$VENV/bin/awslocal" && -x "$VENV/bin/aws" ]] &&
    "$VENV/bin/sam" --version >/dev/null 2>&1 &&
    "$MOTO_VENV/bin/python" -c 'import moto.server, flask' 2>/dev/null
}

PY="$(pick_python)" || die "need Python >= 3.12 (set TOOLS_PYTHON); localstack-core 4.14.0 does not run on 3.11"
want_stamp="$(sha256sum "$REQ" | cut -d' ' -f1) python-$("$PY" -c 'import sys; print(sys.version.split()[0])')"

if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$want_stamp" ]] && tools_present; then
  log "venv: .venv is up to date ($(cat "$STAMP")), skipping pip"
else
  log "venv: building .venv with $PY ($("$PY" --version 2>&1))"
  # Recreate from scratch when the interpreter changed or the venv is broken.
  if ! "$VENV/bin/python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null ||
    [[ "$("$VENV/bin/python" -c 'import sys; print(sys.version.split()[0])' 2>/dev/null)" != "$("$PY" -c 'import sys; print(sys.version.split()[0])')" ]]; then
    rm -rf "$VENV"
  fi
  rm -f "$STAMP"
  [[ -x "$VENV/bin/python" ]] || "$PY" -m venv "$VENV"
  [[ -x "$SAM_VENV/bin/python" ]] || "$PY" -m venv "$SAM_VENV"
  [[ -x "$MOTO_VENV/bin/python" ]] || "$PY" -m venv "$MOTO_VENV"

  # The installs are mostly download time: run them side by side.
  export PIP_DISABLE_PIP_VERSION_CHECK=1
  log "pip: installing aws-sam-cli into .venv/sam, moto[server] into .venv/moto (background)"
  ( "$SAM_VENV/bin/pip" install -q -r <(sam_reqs) >"$VENV/pip-sam.log" 2>&1 ) &
  sam_pid=$!
  ( "$MOTO_VENV/bin/pip" install -q -r <(moto_reqs) >"$VENV/pip-moto.log" 2>&1 ) &
  moto_pid=$!
  log "pip: installing localstack-core, awscli, awscli-local, cfn-lint into .venv"
  if ! "$VENV/bin/pip" install -q -r <(main_reqs) >"$VENV/pip-main.log" 2>&1; then
    tail -n 40 "$VENV/pip-main.log" >&2
    wait "$sam_pid" "$moto_pid" || true
    die "pip install into .venv failed (full log: .venv/pip-main.log)"
  fi
  if ! wait "$sam_pid"; then
    tail -n 40 "$VENV/pip-sam.log" >&2
    wait "$moto_pid" || true
    die "pip install of aws-sam-cli failed (full log: .venv/pip-sam.log)"
  fi
  if ! wait "$moto_pid"; then
    tail -n 40 "$VENV/pip-moto.log" >&2
    die "pip install of moto[server] failed (full log: .venv/pip-moto.log)"
  fi
  ln -sfn ../sam/bin/sam "$VENV/bin/sam" # relative link: survives moving the checkout

  tools_work || die "tools installed but a smoke check failed (localstack import, cfn-lint, awslocal, sam, moto)"
  echo "$want_stamp" >"$STAMP"
fi

# checkov in its own venv with its own stamp (scripts/requirements-checkov.txt says why):
# a new or bumped checkov installs only .venv/checkov. flock: several checkouts may share
# one .venv and run this at once.
CHECKOV_REQ="$ROOT/scripts/requirements-checkov.txt"
CHECKOV_VENV="$VENV/checkov"
checkov_stamp="$(sha256sum "$CHECKOV_REQ" | cut -d' ' -f1) python-$("$PY" -c 'import sys; print(sys.version.split()[0])')"
(
  flock 9
  if [[ -f "$CHECKOV_VENV/.tools-stamp" && "$(cat "$CHECKOV_VENV/.tools-stamp")" == "$checkov_stamp" ]] &&
    [[ -x "$VENV/bin/checkov" ]]; then
    log "venv: .venv/checkov is up to date, skipping pip"
    exit 0
  fi
  log "pip: installing checkov into .venv/checkov"
  rm -rf "$CHECKOV_VENV"
  "$PY" -m venv "$CHECKOV_VENV"
  if ! PIP_DISABLE_PIP_VERSION_CHECK=1 "$CHECKOV_VENV/bin/pip" install -q -r "$CHECKOV_REQ" >"$VENV/pip-checkov.log" 2>&1; then
    tail -n 40 "$VENV/pip-checkov.log" >&2
    die "pip install of checkov failed (full log: .venv/pip-checkov.log)"
  fi
  ln -sfn ../checkov/bin/checkov "$VENV/bin/checkov"
  "$VENV/bin/checkov" --version >/dev/null 2>&1 || die "checkov installed but does not run"
  echo "$checkov_stamp" >"$CHECKOV_VENV/.tools-stamp"
) 9>"$VENV/.checkov.lock"

# The Lambda Runtime Interface Emulator that SAM ships (used to invoke bootstrap binaries).
RIE="$(compgen -G "$SAM_VENV/lib/python3.*/site-packages/samcli/local/rapid/aws-lambda-rie-x86_64" | head -n1 || true)"
[[ -n "$RIE" && -x "$RIE" ]] || die "aws-lambda-rie-x86_64 not found inside the SAM CLI package"

versions() { # $1 = python, rest = distribution names
  "$1" -c 'import sys, importlib.metadata as m; print(", ".join(f"{d} {m.version(d)}" for d in sys.argv[1:]))' "${@:2}"
}
log "ok: $(versions "$VENV/bin/python" localstack-core awscli awscli-local cfn-lint), $(versions "$SAM_VENV/bin/python" aws-sam-cli), $(versions "$MOTO_VENV/bin/python" moto), $(versions "$CHECKOV_VENV/bin/python" checkov)"
log "ok: Lambda RIE at ${RIE#"$ROOT"/}"
