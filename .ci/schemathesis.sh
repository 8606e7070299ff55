#!/usr/bin/env bash
# Creates (or reuses) a Python venv with schemathesis (pinned) for phiguard-web's API fuzz
# test (crates/phiguard-web/tests/schemathesis.rs), under $PHIGUARD_SCHEMATHESIS_VENV
# (default ~/.cache/phiguard/schemathesis). Prints the venv path; the test runs
# "$PHIGUARD_SCHEMATHESIS/bin/st" against a server it starts on 127.0.0.1.
set -euo pipefail
version="4.32.5"
venv="${PHIGUARD_SCHEMATHESIS_VENV:-$HOME/.cache/phiguard/schemathesis}"
stamp="$venv/.schemathesis-version"
if [ ! -x "$venv/bin/st" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$version" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version" >&2
  echo "$version" > "$stamp"
fi
echo "$venv"
