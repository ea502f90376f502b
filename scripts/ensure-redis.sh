#!/usr/bin/env bash
# Makes sure `redis-server` (Debian package `redis-server`) is installed: the shared-limit tests
# start their own redis-server on a free loopback port (src/testing/start-redis-server.ts).
exec bash "$(dirname "$0")/install-debian-package.sh" redis-server redis-server 'the Redis tests will be skipped (or fail when CI is set)'
