#!/usr/bin/env bash
# Makes sure a Chromium for the browser tests exists (called by `make test` and `.ci/run`).
# Debian: apt's chromium (Playwright's own browser download is not reachable everywhere).
# Elsewhere (Ubuntu's chromium is a snap stub, macOS, …): Playwright's bundled Chromium,
# which tests/browser/conftest.py finds by itself.
set -euo pipefail

works() { [ -x "$1" ] && "$1" --headless --no-sandbox --version >/dev/null 2>&1; }

if [ -n "${CHROMIUM_PATH:-}" ]; then
  works "$CHROMIUM_PATH" && exit 0
  echo "CHROMIUM_PATH=$CHROMIUM_PATH is not a working Chromium; looking for another." >&2
fi
if works /usr/bin/chromium; then exit 0; fi

os_id=""
[ -r /etc/os-release ] && os_id="$(. /etc/os-release && echo "${ID:-}")"
if [ "$os_id" = "debian" ] && command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  echo "Installing Debian's chromium for the browser tests…"
  export DEBIAN_FRONTEND=noninteractive
  for attempt in 1 2 3; do
    if $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends \
        chromium fonts-liberation fonts-dejavu-core </dev/null >/dev/null; then
      break
    fi
    [ "$attempt" -eq 3 ] && { echo "apt-get could not install chromium." >&2; exit 1; }
    sleep 5
  done
  works /usr/bin/chromium && exit 0
  echo "chromium installed but /usr/bin/chromium does not start." >&2
  exit 1
fi

echo "No Debian chromium here: installing Playwright's own Chromium (needs internet)."
if [ "$os_id" = "ubuntu" ]; then
  python -m playwright install --with-deps chromium
else
  python -m playwright install chromium
fi
