#!/usr/bin/env bash
# The Python test suite: creates tests/python/.venv, installs the pinned requirements, builds dist/
# when it is missing (the tests start the built gateway), runs pytest and prints its summary.
# PYTEST_JUNIT=<file> also writes a JUnit report there (scripts/test-all.sh reads it).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=tests/python/.venv
requirements=tests/python/requirements.txt
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
# Reinstall only when the requirements changed since the last install.
stamp="$venv/.requirements.sha256"
digest=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  echo "$digest" > "$stamp"
fi

[ -f dist/gateway/index.js ] || npx tsc -b

args=(tests/python -p no:cacheprovider -o console_output_style=classic)
[ -n "${PYTEST_JUNIT:-}" ] && args+=("--junitxml=$PYTEST_JUNIT")
exec "$venv/bin/python" -m pytest "${args[@]}" "$@"
