#!/usr/bin/env bash
# Makes sure `redis-server` (Debian package `redis-server`) is installed: the shared-limit tests
# start their own redis-server on a free loopback port. Without it those tests skip with a message
# (and fail when CI is set), so a failed install here is reported, not fatal.
exec bash "$(dirname "$0")/install-debian-package.sh" redis-server redis-server "the Redis tests"
