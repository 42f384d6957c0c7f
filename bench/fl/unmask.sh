#!/usr/bin/env bash
# The server's unmasking of one SecAgg+ round at scale (privacy's test-scope SecAggUnmaskBench): the messages the
# server receives from N clients are made directly (real keys, seeds, Shamir shares and masked inputs), a fraction
# DROPOUT of the clients dropped after sharing, and the server's final stage is timed REPS times (wall and process
# CPU), each checked against the plain sum of the survivors' inputs.
#   bench/fl/unmask.sh [N] [P] [DROPOUT] [CORRUPT] [SEED] [REPS] [reveal|shares]   (defaults: 1000 100000 0.3 0 1 3 reveal)
# reveal: the survivors reveal their pair-mask seeds with dropped peers (protocol version 2, what clients do);
# shares: they send only shares, so the server rebuilds every dropped mask key and runs the X25519 agreements.
#   CLASSES overrides the privacy class folders; JFR=1 records a flight recording to /tmp/secagg-unmask.jfr
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
[ "${SKIP_BUILD:-0}" = 1 ] || ./mvnw -B -o -q -pl privacy -am test-compile >&2
m2="$HOME/.m2/repository/com/google"
deps="$(ls "$m2"/crypto/tink/tink/*/tink-*.jar | sort -V | tail -1):$(ls "$m2"/protobuf/protobuf-java/*/protobuf-java-*.jar | sort -V | tail -1)"
cp="${CLASSES:-privacy/target/classes:privacy/target/test-classes}:crypto/target/classes:$deps"
jfr=()
[ "${JFR:-0}" = 1 ] && jfr=(-XX:StartFlightRecording=filename=/tmp/secagg-unmask.jfr,settings=profile)
echo "# $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); build $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- privacy || echo '+changes'); java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
exec nice "$JAVA_HOME/bin/java" -Xmx${HEAP:-3g} "${jfr[@]}" -cp "$cp" dev.bastion.privacy.fl.SecAggUnmaskBench \
  "${1:-1000}" "${2:-100000}" "${3:-0.3}" "${4:-0}" "${5:-1}" "${6:-3}" "${7:-reveal}"
