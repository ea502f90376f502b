#!/usr/bin/env bash
# Makes sure `promtool` (Debian package `prometheus`) is installed: the telemetry tests run
# `promtool check metrics` on /metrics output and `promtool check|test rules` on deploy/prometheus.
exec bash "$(dirname "$0")/install-debian-package.sh" promtool prometheus 'the promtool checks will be skipped'
