#!/usr/bin/env bash
# Usage: install-debian-package.sh TOOL PACKAGE WHAT-IS-SKIPPED
# Installs the Debian PACKAGE when TOOL is not on PATH (for the scripts/ensure-*.sh that test-all.sh
# runs). Never fatal: when it cannot install, it says which tests will be skipped and exits 0.
set -uo pipefail
tool=$1 package=$2 skipped=$3

if command -v "$tool" >/dev/null 2>&1; then
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    echo "ensure-$tool: $tool is missing and this user cannot install packages; $skipped will be skipped" >&2
    exit 0
  fi
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-$tool: $tool is missing and apt-get is not available; install the package $package by hand" >&2
  exit 0
fi

echo "ensure-$tool: installing the Debian package $package (for $tool)" >&2
export DEBIAN_FRONTEND=noninteractive
# Server packages would start their service where an init system runs (Prometheus, Redis on 6379);
# the policy file keeps the install from starting any service, and is removed again afterwards.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy" >/dev/null && "${as_root[@]}" chmod +x "$policy" && created_policy=1
fi
"${as_root[@]}" apt-get update -qq >/dev/null &&
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "$package" >/dev/null
status=$?
if [ "$created_policy" -eq 1 ]; then "${as_root[@]}" rm -f "$policy"; fi

if [ $status -ne 0 ] || ! command -v "$tool" >/dev/null 2>&1; then
  echo "ensure-$tool: could not install $tool; $skipped will be skipped" >&2
fi
exit 0
