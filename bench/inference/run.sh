#!/usr/bin/env bash
# Bastion's GGUF engine against llama.cpp (de.kherud:llama 4.2.0, its bundled CPU build) on the same files:
# Llama-3.2-1B-shaped models with random weights in Q8_0, Q4_0 and Q4_K (written once into DIR), each engine in its
# own process (so peak RSS is its own), both with THREADS threads: prompt processing of 512 tokens, generation of
# 128 tokens, time to first token, peak RSS; plus this machine's memory read bandwidth.
#   bench/inference/run.sh [DIR] [THREADS]     (default: /tmp/bastion-bench-models, 2)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
dir="${1:-/tmp/bastion-bench-models}"
threads="${2:-2}"
JAVA_HOME="$(bash -c 'source <(sed -n "/^java_major/,/^}/p;/^find_jdk/,/^}/p" ./bastion); find_jdk')"
export JAVA_HOME
./mvnw -B -q -DskipTests install -pl bench -am >&2
cp="bench/target/classes:inference/target/classes:inference/target/test-classes:$(./mvnw -B -q -pl bench dependency:build-classpath -Dmdep.outputFile=/dev/stdout)"
java=("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx1g -cp "$cp")
"${java[@]}" dev.bastion.bench.InferenceBench models "$dir"
"${java[@]}" dev.bastion.bench.InferenceBench bandwidth "$threads"
out="$(mktemp)"
for f in "$dir"/llama-3.2-1b-shape-*.gguf; do
  echo "== $(basename "$f") ($(( $(stat -c %s "$f") >> 20 )) MiB)"
  for engine in llamacpp bastion llamacpp bastion; do   # alternated, so drifting load hits both
    "${java[@]}" dev.bastion.bench.InferenceBench run "$engine" "$f" "$threads" 2>/dev/null \
      | grep -E '^(bastion|llamacpp) ' | tee -a "$out"
  done
done
echo "== ratios, Bastion / llama.cpp (mean of the runs of each; RSS: lower is better)"
awk '{ for (i = 3; i <= NF; i++) { split($i, kv, "="); v[$1, $2, kv[1]] += kv[2] } n[$1, $2]++; files[$2] = 1 }
  END { for (f in files) {
    printf "%s pp %.2fx  tg %.2fx  ttft %.2fx  rss %.2fx\n", f,
      (v["bastion", f, "pp_tps"] / n["bastion", f]) / (v["llamacpp", f, "pp_tps"] / n["llamacpp", f]),
      (v["bastion", f, "tg_tps"] / n["bastion", f]) / (v["llamacpp", f, "tg_tps"] / n["llamacpp", f]),
      (v["bastion", f, "ttft_ms"] / n["bastion", f]) / (v["llamacpp", f, "ttft_ms"] / n["llamacpp", f]),
      (v["bastion", f, "rss_mib"] / n["bastion", f]) / (v["llamacpp", f, "rss_mib"] / n["llamacpp", f]) } }' "$out"
rm -f "$out"
