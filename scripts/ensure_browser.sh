#!/usr/bin/env bash
# Makes sure a Chromium for the browser tests exists (called by `make test` and `.ci/run`).
# Debian: apt's chromium, by scripts/apt_install.sh (Playwright's own browser download is not
# reachable everywhere).
# Elsewhere (Ubuntu's chromium is a snap stub, macOS, …): Playwright's bundled Chromium,
# which tests/browser/conftest.py finds by itself.
set -euo pipefail

works() { [ -x "$1" ] && "$1" --headless --no-sandbox --version >/dev/null 2>&1; }

if [ -n "${CHROMIUM_PATH:-}" ]; then
  works "$CHROMIUM_PATH" && exit 0
  echo "CHROMIUM_PATH=$CHROMIUM_PATH is not a working Chromium; looking for another." >&2
fi
if works /usr/bin/chromium; then exit 0; fi

rc=0
bash "$(dirname "$0")/apt_install.sh" "the browser tests" \
  chromium fonts-liberation fonts-dejavu-core || rc=$?
if [ "$rc" -eq 0 ]; then
  works /usr/bin/chromium && exit 0
  echo "chromium installed but /usr/bin/chromium does not start." >&2
  exit 1
fi
[ "$rc" -eq 3 ] || exit "$rc"

echo "No Debian chromium here: installing Playwright's own Chromium (needs internet)."
os_id=""
[ -r /etc/os-release ] && os_id="$(. /etc/os-release && echo "${ID:-}")"
if [ "$os_id" = "ubuntu" ]; then
  python -m playwright install --with-deps chromium
else
  python -m playwright install chromium
fi
