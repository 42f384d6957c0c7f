#!/usr/bin/env bash
# Installs (if needed) and starts a Redis server on loopback for the cluster tests (shared rate limits), and prints
# the environment the tests read (eval "$(.ci/redis.sh)"). No persistence: the tests need none. Everything else
# goes to stderr. The port may be chosen with BASTION_CI_REDIS_PORT (default 6390, away from a packaged 6379).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

if ! command -v redis-server >/dev/null 2>&1; then
  echo "redis.sh: installing redis-server" >&2
  apt-get update -qq >&2
  apt-get install -y -qq redis-server >&2
fi
port="${BASTION_CI_REDIS_PORT:-6390}"
if ! redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then
  redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --daemonize yes \
    --logfile "/tmp/bastion-ci-redis-$port.log" --pidfile "/tmp/bastion-ci-redis-$port.pid" >&2
fi
for _ in $(seq 1 50); do
  if redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then break; fi
  sleep 0.1
done
redis-cli -h 127.0.0.1 -p "$port" ping >&2
echo "export BASTION_TEST_REDIS_URL=redis://127.0.0.1:$port"
