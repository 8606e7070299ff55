#!/usr/bin/env bash
# Creates (or reuses) the Python venv with moto[server] and boto3 pinned in
# tests/moto/requirements.txt, under $PHIGUARD_VENV (default ~/.cache/phiguard/venv).
# Prints the venv path. The tests start moto themselves (tests/moto/harness), on 127.0.0.1.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${PHIGUARD_VENV:-$HOME/.cache/phiguard/venv}"
req="$root/tests/moto/requirements.txt"
stamp="$venv/.requirements"
if [ ! -x "$venv/bin/moto_server" ] || ! cmp -s "$req" "$stamp"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req" >&2
  cp "$req" "$stamp"
fi
# The local SMTP server of the monitoring tests (crates/phiguard-monitor/tests), pinned.
if [ ! -x "$venv/bin/aiosmtpd" ]; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check "aiosmtpd==1.4.6" >&2
fi
echo "$venv"
