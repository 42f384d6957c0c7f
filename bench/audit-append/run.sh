#!/usr/bin/env bash
# Durable audit appends per second, Bastion's audit log against SQLite doing the same group commit, same run.
#   bench/audit-append/run.sh [PRODUCERS] [SECONDS] [DIR]     (defaults: 256 producers, 10 s, the system temp dir)
# DIR should be on the disk the data directory uses: fsync cost is what this measures.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
JAVA_HOME="$(bash -c 'source <(sed -n "/^java_major/,/^}/p;/^find_jdk/,/^}/p" ./bastion); find_jdk')"
export JAVA_HOME
./mvnw -B -q -DskipTests install -pl bench -am >&2
./mvnw -B -q dependency:build-classpath -pl bench -Dmdep.outputFile=target/bench.classpath >&2
"$JAVA_HOME/bin/java" -cp "bench/target/classes:$(cat bench/target/bench.classpath)" \
  dev.bastion.bench.AuditAppendBench "${1:-256}" "${2:-10}" "${3:-${TMPDIR:-/tmp}}"
