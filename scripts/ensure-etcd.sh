#!/usr/bin/env bash
# Makes sure `etcd` (Debian package `etcd-server`, 3.4) is installed: the config_source.etcd tests
# start it on free loopback ports (src/testing/start-etcd.ts).
exec bash "$(dirname "$0")/install-debian-package.sh" etcd etcd-server 'the etcd tests will be skipped (or fail when CI is set)'
