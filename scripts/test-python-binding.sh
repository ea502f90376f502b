#!/usr/bin/env bash
# The Python binding's tests (python/): creates python/.venv, installs the package in editable mode plus
# pytest, builds dist/ when it is missing (the tests launch the built engine), runs pytest.
# PYTEST_JUNIT=<file> also writes a JUnit report there (scripts/test-all.sh reads it).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=python/.venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
# Reinstall only when pyproject.toml changed since the last install (editable: sources need none).
stamp="$venv/.pyproject.sha256"
digest=$(sha256sum python/pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check -e ./python pytest
  echo "$digest" > "$stamp"
fi

[ -f dist/cli/main.js ] || npx tsc -b

args=(python/tests -p no:cacheprovider -o console_output_style=classic)
[ -n "${PYTEST_JUNIT:-}" ] && args+=("--junitxml=$PYTEST_JUNIT")
exec "$venv/bin/python" -m pytest "${args[@]}" "$@"
