#!/usr/bin/env bash
# Makes sure HAProxy exists for the replica recipe (bench/replicas.py, `make replicas`) and its
# test (tests/test_replicas.py): Debian's haproxy package, installed with apt-get as
# scripts/ensure_browser.sh installs chromium. Elsewhere: install haproxy yourself (brew, dnf…).
set -euo pipefail

works() { command -v "$1" >/dev/null 2>&1 && "$1" -v >/dev/null 2>&1; }

if [ -n "${HAPROXY:-}" ]; then
  works "$HAPROXY" && exit 0
  echo "HAPROXY=$HAPROXY is not a working haproxy; looking for another." >&2
fi
for candidate in haproxy /usr/sbin/haproxy; do
  if works "$candidate"; then exit 0; fi
done

os_id=""
[ -r /etc/os-release ] && os_id="$(. /etc/os-release && echo "${ID:-}")"
if [ "$os_id" = "debian" ] && command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  echo "Installing Debian's haproxy for the replica recipe…"
  export DEBIAN_FRONTEND=noninteractive
  for attempt in 1 2 3; do
    if $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends \
        haproxy </dev/null >/dev/null; then
      break
    fi
    [ "$attempt" -eq 3 ] && { echo "apt-get could not install haproxy." >&2; exit 1; }
    sleep 5
  done
  works /usr/sbin/haproxy && exit 0
  echo "haproxy installed but /usr/sbin/haproxy does not run." >&2
  exit 1
fi

echo "No Debian apt here: install HAProxy (e.g. brew install haproxy) and rerun." >&2
exit 1
