#!/usr/bin/env bash
# Installs Debian packages for scripts/ensure_browser.sh and scripts/ensure_haproxy.sh: with
# apt-get, as root (CI on a fresh Debian machine) or through `sudo -n`, retried because a fresh
# machine's mirrors can be briefly unreachable. Packages already installed: nothing is done.
#   usage: apt_install.sh PURPOSE PACKAGE...   (prints "Installing Debian's PACKAGE for PURPOSE…")
#   exit:  0 installed, 1 apt-get failed, 2 usage, 3 no Debian apt-get here (caller falls back)
set -euo pipefail

[ "$#" -ge 2 ] || { echo "usage: $0 PURPOSE PACKAGE..." >&2; exit 2; }
purpose="$1"
shift

os_id=""
[ -r /etc/os-release ] && os_id="$(. /etc/os-release && echo "${ID:-}")"
if [ "$os_id" != "debian" ] || ! command -v apt-get >/dev/null 2>&1; then
  exit 3
fi

installed() {
  local p
  for p in "$@"; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || return 1
  done
}
installed "$@" && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo -n"
echo "Installing Debian's $1 for $purpose…"
export DEBIAN_FRONTEND=noninteractive
for attempt in 1 2 3; do
  if $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends \
      "$@" </dev/null >/dev/null; then
    exit 0
  fi
  [ "$attempt" -eq 3 ] && { echo "apt-get could not install $1." >&2; exit 1; }
  sleep 5
done
