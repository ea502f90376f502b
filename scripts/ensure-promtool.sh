#!/usr/bin/env bash
# Makes sure `promtool` (Debian package `prometheus`) is installed: the telemetry tests run
# `promtool check metrics` on /metrics output and `promtool check|test rules` on deploy/prometheus.
# Without it those tests skip with a message, so a failed install here is reported, not fatal.
set -uo pipefail

if command -v promtool >/dev/null 2>&1; then
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    echo "ensure-promtool: promtool is missing and this user cannot install packages; the promtool checks will be skipped" >&2
    exit 0
  fi
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-promtool: promtool is missing and apt-get is not available; install Prometheus' promtool by hand" >&2
  exit 0
fi

echo "ensure-promtool: installing the Debian package prometheus (for promtool)" >&2
export DEBIAN_FRONTEND=noninteractive
# The package would start a Prometheus server where an init system runs; the policy file keeps
# the install from starting any service, and is removed again afterwards.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy" >/dev/null && "${as_root[@]}" chmod +x "$policy" && created_policy=1
fi
"${as_root[@]}" apt-get update -qq >/dev/null &&
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends prometheus >/dev/null
status=$?
if [ "$created_policy" -eq 1 ]; then "${as_root[@]}" rm -f "$policy"; fi

if [ $status -ne 0 ] || ! command -v promtool >/dev/null 2>&1; then
  echo "ensure-promtool: could not install promtool; the promtool checks will be skipped" >&2
fi
exit 0
