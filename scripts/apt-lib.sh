# shellcheck shell=bash
# Sourced by scripts/tools.sh and scripts/sam-local.sh (which define log and die): apt-get
# that waits for another apt or dpkg, such as unattended-upgrades on a fresh cloud VM,
# for up to APT_LOCK_TIMEOUT seconds (default 600) instead of failing at once on its lock.

APT_GET=(apt-get -o DPkg::Lock::Timeout="${APT_LOCK_TIMEOUT:-600}")

# apt_update: apt-get update. apt 2.6 does not apply DPkg::Lock::Timeout to the package
# lists' lock, so it is retried while another apt holds that lock, within the same time.
apt_update() {
  local deadline=$((SECONDS + ${APT_LOCK_TIMEOUT:-600})) waited="" out
  until out=$(DEBIAN_FRONTEND=noninteractive "${APT_GET[@]}" update -q 2>&1); do
    if [[ $out != *"Could not get lock /var/lib/apt/lists/lock"* ]] || ((SECONDS >= deadline)); then
      printf '%s\n' "$out" >&2
      die "apt update failed (${APT_GET[*]} update)"
    fi
    [[ -n $waited ]] || log "apt: another apt holds /var/lib/apt/lists/lock; waiting up to ${APT_LOCK_TIMEOUT:-600}s"
    waited=1
    sleep 5
  done
}

# apt_install PACKAGE...: APT_GET install without recommends, waiting for the dpkg lock.
apt_install() {
  DEBIAN_FRONTEND=noninteractive "${APT_GET[@]}" install -y -q --no-install-recommends "$@"
}
