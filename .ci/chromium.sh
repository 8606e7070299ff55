#!/usr/bin/env bash
# Makes sure headless Chromium is installed for phiguard-web's end-to-end test
# (crates/phiguard-web/tests/browser.rs), which fails without it unless
# PHIGUARD_TEST_SKIP_BROWSER=1.
#
#   bash .ci/chromium.sh      # installs Debian's `chromium` with apt-get when missing
#
# Progress goes to standard error.
set -euo pipefail

log() { printf 'chromium.sh: %s\n' "$*" >&2; }

for bin in "${PHIGUARD_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$bin" ] && [ -x "$bin" ]; then
    log "found $bin ($("$bin" --version 2>/dev/null || echo 'version unknown'))"
    exit 0
  fi
done

log "no Chromium found; installing Debian's chromium"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq chromium fonts-liberation >&2
if [ ! -x /usr/bin/chromium ]; then
  log "apt-get installed chromium but /usr/bin/chromium is missing"
  exit 1
fi
log "installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
