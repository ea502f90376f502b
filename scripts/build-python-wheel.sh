#!/usr/bin/env bash
# Writes dist/wheels/liter_llm-<version>-py3-none-<platform>.whl: the Python binding with the standalone
# engine (dist/bin/liter-llm, from `make engine-binary`) inside it at liter_llm/_engine/liter-llm, so
# `pip install dist/wheels/*.whl` works on a machine without Node.js. Run by `make python-wheel`.
# Skipped when the engine and python/'s sources hash to what dist/wheels/.sha256 recorded.
set -euo pipefail
cd "$(dirname "$0")/.."

engine=dist/bin/liter-llm
out=dist/wheels
if [ ! -x "$engine" ]; then
  echo "build-python-wheel: $engine is missing; run make engine-binary first" >&2
  exit 1
fi

# The engine's own input hash (written with it) stands for its 100 MB.
digest=$(cat dist/bin/.liter-llm.sha256 scripts/build-python-wheel.sh python/pyproject.toml python/setup.py \
  $(find python/src -type f -not -path '*/__pycache__/*' -not -path '*.egg-info*' | LC_ALL=C sort) | sha256sum | cut -d' ' -f1)
if [ -f "$out/.sha256" ] && [ "$(cat "$out/.sha256")" = "$digest" ] && [ "$(ls "$out"/*.whl 2>/dev/null | wc -l)" -eq 1 ]; then
  echo "$(ls "$out"/*.whl) is up to date"
  exit 0
fi

# Built from a copy of python/ so that setuptools' build/ and egg-info (with a copy of the engine) stay
# out of the checkout.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R python/pyproject.toml python/setup.py python/src "$work/"
find "$work/src" \( -name '__pycache__' -o -name '*.egg-info' \) -prune -exec rm -rf {} +
rm -rf "$out"
mkdir -p "$out"
LITER_LLM_WHEEL_ENGINE="$PWD/$engine" python3 -m pip wheel --quiet --no-deps --wheel-dir "$out" "$work"

wheels=("$out"/*.whl)
if [ "${#wheels[@]}" -ne 1 ]; then
  echo "build-python-wheel: expected one wheel in $out, found ${#wheels[@]}" >&2
  exit 1
fi
echo "$digest" > "$out/.sha256"
echo "wrote ${wheels[0]} ($(du -m "${wheels[0]}" | cut -f1) MB)"
