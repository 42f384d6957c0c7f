#!/usr/bin/env bash
# Redis's CPU per request of the shared limiter alone (bench/cluster/LimiterRedisCost.java), for one build or for
# several alternately (before/after a change, on the same Redis, so that the machine's load falls on each alike).
#
#   bench/cluster/limiter-cost.sh [REQUESTS] [THREADS] [HOLD_MS] [ROUNDS]    (default 20000 16 2 1)
#   BENCH_BUILDS="/tmp/before /tmp/after" bench/cluster/limiter-cost.sh ...  each a copy of app/target (bastion.jar
#                                                                             and lib/); default: app/target
# Needs Redis as .ci/redis.sh starts it (it is started if missing). Loopback only.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
requests="${1:-20000}" threads="${2:-16}" hold="${3:-2}" rounds="${4:-1}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
eval "$(cd "$root" && .ci/redis.sh 2>/dev/null)"
builds="${BENCH_BUILDS:-$root/app/target}"
for _ in $(seq 1 "$rounds"); do
  for b in $builds; do
    [[ -f "$b/bastion.jar" ]] || { echo "bench: $b/bastion.jar is missing (./mvnw -B -q -DskipTests package -pl app -am)" >&2; exit 1; }
    line="$("$JAVA_HOME/bin/java" -cp "$b/lib/*:$b/bastion.jar" "$here/LimiterRedisCost.java" "$BASTION_TEST_REDIS_URL" \
      "$requests" "$threads" "$hold" 2>/dev/null | grep '^RESULT')"
    echo "$line [$b, $(date -u +%H:%M:%S)]"
  done
done
