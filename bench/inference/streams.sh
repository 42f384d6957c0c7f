#!/usr/bin/env bash
# Continuous batching (issue 22): aggregate generation tokens/s of N concurrent streams against one stream, on the
# same model loaded with N slots (both go through the batcher), alternated ROUNDS times; prints each round and the
# ratio of the medians (target >= 2.5x for 4 streams on Q4_K_M). The files are the ones run.sh writes. Then the peer:
# llama.cpp's own continuous batching (its server slots, de.kherud:llama) on the same file, the same 1 and N streams of
# 64 tokens after 8-token prompts, in a process of its own (PEER=0 skips it).
#   bench/inference/streams.sh [DIR] [THREADS] [N] [ROUNDS] [CACHE]   (default /tmp/bastion-bench-models 2 4 3 f32)
#   MIXES="Q4_K_M Q8_0" bench/inference/streams.sh ...
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
dir="${1:-/tmp/bastion-bench-models}" threads="${2:-2}" n="${3:-4}" rounds="${4:-3}" cache="${5:-f32}"
JAVA_HOME="$(bash -c 'source <(sed -n "/^java_major/,/^}/p;/^find_jdk/,/^}/p" ./bastion); find_jdk')"
export JAVA_HOME
cpfile="$(mktemp)"
./mvnw -B -q -DskipTests package dependency:build-classpath -Dmdep.outputFile="$cpfile" -pl bench -am >&2
cp="bench/target/classes:inference/target/classes:inference/target/test-classes:$(cat "$cpfile")"
rm -f "$cpfile"
# shellcheck source=packaging/local-models.sh
. packaging/local-models.sh
# shellcheck disable=SC2206 # the engine's JIT limits, a list of options (BASTION_JIT_FLAGS= runs without them)
java=("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx2g ${BASTION_JIT_FLAGS-$ENGINE_JIT_OPTS} -cp "$cp")
"${java[@]}" dev.bastion.bench.InferenceBench models "$dir"
echo "== load before: $(uptime)"
for mix in ${MIXES:-Q4_K_M}; do
  "${java[@]}" dev.bastion.bench.InferenceBench streams "$dir/llama-3.2-1b-shape-$mix.gguf" "$threads" "$n" "$rounds" "$cache" 2>"${STREAMS_ERR:-/dev/null}" \
    | grep '^streams'
  if [ "${PEER:-1}" != 0 ]; then
    "${java[@]}" dev.bastion.bench.InferenceBench streams-llamacpp "$dir/llama-3.2-1b-shape-$mix.gguf" "$threads" "$n" "$rounds" \
      2>"${STREAMS_ERR:-/dev/null}" | grep '^streams'
  fi
done
echo "== load after: $(uptime)"
