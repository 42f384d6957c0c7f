#!/usr/bin/env bash
# One SecAgg+ round in one JVM at scale (privacy's test-scope SecAggScaleBench): N clients, P parameters, a fraction
# DROPOUT of the clients silent from STAGE on, clients of a stage on THREADS threads. Prints per-stage client and
# server seconds and bytes, the unmasking time, bytes per client against plain FedAvg, and whether the sum is exact.
#   bench/fl/scale.sh [N] [P] [DROPOUT] [STAGE] [CORRUPT] [THREADS] [SEED]
#   (defaults: 1000 100000 0.3 MASKED_INPUT 0 2 1); CLASSES overrides the privacy class folders; JFR=1 records a flight recording to /tmp/secagg-scale.jfr
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
[ "${SKIP_BUILD:-0}" = 1 ] || ./mvnw -B -q -pl privacy -am test-compile >&2
m2="$HOME/.m2/repository/com/google"
deps="$(ls "$m2"/crypto/tink/tink/*/tink-*.jar | sort -V | tail -1):$(ls "$m2"/protobuf/protobuf-java/*/protobuf-java-*.jar | sort -V | tail -1)"
cp="${CLASSES:-privacy/target/classes:privacy/target/test-classes}:crypto/target/classes:$deps"
jfr=()
[ "${JFR:-0}" = 1 ] && jfr=(-XX:StartFlightRecording=filename=/tmp/secagg-scale.jfr,settings=profile)
echo "# $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
exec nice "$JAVA_HOME/bin/java" -Xmx${HEAP:-3g} "${jfr[@]}" -cp "$cp" dev.bastion.privacy.fl.SecAggScaleBench \
  "${1:-1000}" "${2:-100000}" "${3:-0.3}" "${4:-MASKED_INPUT}" "${5:-0}" "${6:-2}" "${7:-1}"
