#!/usr/bin/env bash
# The floors under SecAgg+'s masking on this CPU (privacy's test-scope PrgThroughputBench): the JDK's AES-256-CTR
# key-stream throughput, Prg.maskInto per coordinate at b bits, one X25519+HKDF agreement, one Ed25519 verification.
#   bench/fl/prg.sh [P] [BITS]   (defaults: 100000 28)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
[ "${SKIP_BUILD:-0}" = 1 ] || ./mvnw -B -q -pl privacy -am test-compile >&2
m2="$HOME/.m2/repository/com/google"
deps="$(ls "$m2"/crypto/tink/tink/*/tink-*.jar | sort -V | tail -1):$(ls "$m2"/protobuf/protobuf-java/*/protobuf-java-*.jar | sort -V | tail -1)"
cp="${CLASSES:-privacy/target/classes:privacy/target/test-classes}:crypto/target/classes:$deps"
echo "# $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
exec nice "$JAVA_HOME/bin/java" -cp "$cp" dev.bastion.privacy.fl.PrgThroughputBench "${1:-100000}" "${2:-28}"
