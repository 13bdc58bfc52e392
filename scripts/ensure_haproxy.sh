#!/usr/bin/env bash
# Makes sure HAProxy exists for the replica recipe (bench/replicas.py, `make replicas`) and its
# test (tests/test_replicas.py): Debian's haproxy package, installed by scripts/apt_install.sh as
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

rc=0
bash "$(dirname "$0")/apt_install.sh" "the replica recipe" haproxy || rc=$?
if [ "$rc" -eq 0 ]; then
  works /usr/sbin/haproxy && exit 0
  echo "haproxy installed but /usr/sbin/haproxy does not run." >&2
  exit 1
fi
[ "$rc" -eq 3 ] || exit "$rc"

echo "No Debian apt here: install HAProxy (e.g. brew install haproxy) and rerun." >&2
exit 1
