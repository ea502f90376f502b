#!/usr/bin/env bash
# install-debian-package.sh COMMAND PACKAGE WHAT-SKIPS
# Installs the Debian PACKAGE with apt-get when COMMAND is not on PATH, for the scripts/ensure-*.sh
# that scripts/test-all.sh runs (named otherwise, so it is not run bare). A failed install is
# reported (naming WHAT-SKIPS), not fatal: the tests that need COMMAND skip with a message, or fail
# where CI is set.
set -uo pipefail
command_name=$1 package=$2 skipped=$3
name="ensure-$command_name"

if command -v "$command_name" >/dev/null 2>&1; then
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    echo "$name: $command_name is missing and this user cannot install packages; $skipped" >&2
    exit 0
  fi
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "$name: $command_name is missing and apt-get is not available; install $package by hand ($skipped)" >&2
  exit 0
fi

echo "$name: installing the Debian package $package (for $command_name)" >&2
export DEBIAN_FRONTEND=noninteractive
# Packages such as prometheus and etcd-server would start their server where an init system runs;
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

if [ $status -ne 0 ] || ! command -v "$command_name" >/dev/null 2>&1; then
  echo "$name: could not install $command_name; $skipped" >&2
fi
exit 0
