#!/usr/bin/env bash
# make sam-local: the real `sam local invoke` and `sam local start-api` against the local
# stack (internal/samlocal; docs/LOCAL_STACK.md, "sam local"). Installs what the engine
# needs (Debian's docker.io, qemu-user-static, mmdebstrap, iptables), then runs the Go
# tests built with the tag samlocal; they start a dockerd of their own and stop everything at the end.
#
#   scripts/sam-local.sh [go test flags, e.g. -run TestStartAPI]
#
# When the engine cannot start (no root, no binfmt_misc, no overlayfs ...), the tests
# fail under HEALTH_REQUIRE_INTEGRATION=1 and are skipped, saying why, otherwise.
set -euo pipefail
LOG_TAG=sam-local
# shellcheck source=scripts/local-lib.sh
. "$(dirname "$0")/local-lib.sh"
cd "$LOCAL_ROOT"

need_pkgs=()
command -v dockerd >/dev/null || need_pkgs+=(docker.io)
[[ -e /usr/lib/binfmt.d/qemu-aarch64.conf ]] || need_pkgs+=(qemu-user-static)
command -v mmdebstrap >/dev/null || need_pkgs+=(mmdebstrap)
command -v iptables-save >/dev/null || need_pkgs+=(iptables)
if ((${#need_pkgs[@]})); then
  if [[ $EUID -ne 0 ]]; then
    msg="need root to install ${need_pkgs[*]} and to run dockerd"
    [[ "${HEALTH_REQUIRE_INTEGRATION:-0}" == 1 ]] && die "$msg"
    log "SKIP: $msg"
    exit 0
  fi
  log "installing ${need_pkgs[*]}"
  # shellcheck source=scripts/apt-lib.sh
  . "$LOCAL_ROOT/scripts/apt-lib.sh"
  apt_update
  # docker.io's postinst would start the system's dockerd (docker0, /var/run/docker.sock,
  # IP forwarding on): a policy-rc.d that says no keeps it from starting any service
  # (unless the machine has one already). Nothing here needs that dockerd.
  policy=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  # Debian's docker.io recommends apparmor and friends; nothing here needs them.
  apt_install "${need_pkgs[@]}" >/dev/null
  if [[ -n "$policy" ]]; then rm -f "$policy"; trap - EXIT; fi
fi

state_dir_make
export SAM_LOCAL_DIR="$STATE/sam"
start=$SECONDS
# -p 1: one test binary; -timeout: past it go test panics without cleaning up (the next
# run then cleans up after it: internal/samlocal's recoverLeftovers).
go test -tags samlocal -count=1 -p 1 -timeout 60m -v "$@" ./internal/samlocal
log "done in $((SECONDS - start)) s"
