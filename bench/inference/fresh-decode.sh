#!/usr/bin/env bash
# Fresh processes of two builds of the inference module, alternated, each decoding FILE (bench/inference/FreshDecode.java):
# prints each process's third round (32 tokens) with its young collections. A process whose kernels C2 compiled with
# boxed vectors shows hundreds of collections a round (issue 22; docs/inference-kernels.md, round eighteen).
#   bench/inference/fresh-decode.sh FILE BASE_CLASSES NEW_CLASSES [PAIRS=6] [THREADS=2]
# BASE_CLASSES / NEW_CLASSES: a directory of classes or the jar of the inference module (e.g. app/target/lib/bastion-inference-*.jar).
set -euo pipefail
file=$1 base=$2 new=$3 pairs=${4:-6} threads=${5:-2}
here=$(cd "$(dirname "$0")" && pwd)
# the launcher's JIT limits for the engine (packaging/local-models.sh); BASTION_JIT_FLAGS= runs without them
# shellcheck source=packaging/local-models.sh
. "$here/../../packaging/local-models.sh"
jit=${BASTION_JIT_FLAGS-$ENGINE_JIT_OPTS}
java_home=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
run() {
  # shellcheck disable=SC2086 # jit is a list of options
  "$java_home/bin/java" -XX:+UseSerialGC -Xmn24m -Xmx1g $jit --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
    -cp "$2" "$here/FreshDecode.java" "$file" "$threads" 3 2>/dev/null | grep "round  2" | sed "s/^/$1 /"
}
for i in $(seq 1 "$pairs"); do
  run "base $i" "$base"
  run "new  $i" "$new"
done
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
