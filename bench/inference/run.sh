#!/usr/bin/env bash
# Bastion's GGUF engine against llama.cpp (de.kherud:llama 4.2.0, its bundled CPU build) on the same files:
# Llama-3.2-1B-shaped models with random weights in Q4_K_M, Q5_K_M (llama.cpp's mixes), Q6_K, Q8_0 and Q4_0 (written
# once into DIR), each engine in its own process (so peak RSS is its own), both with THREADS threads: prompt
# processing of 512 tokens, generation of 128 tokens, time to first token, peak RSS; plus this machine's memory read
# bandwidth; and the process's CPU time per generated token (tg_cpu_ms; "tg cpu/token" is llama.cpp's over Bastion's,
# so above 1 means Bastion spends less: the figure to trust under load), with Bastion's collections during the
# generation (tg_gcs: hundreds mean a kernel compiled with boxed vectors, a run to leave out). ROUNDS rounds, the
# engines alternated within each (so drifting load hits both); the ratios are of the medians. The load average is printed before and after, since the machine may be shared.
#   bench/inference/run.sh [DIR] [THREADS] [ROUNDS]     (default: /tmp/bastion-bench-models, 2, 3)
#   one core: taskset -c 1 bench/inference/run.sh DIR 1
#   MIXES="Q4_K_M Q6_K" bench/inference/run.sh ...   runs only those files
#   BASTION_GC_FLAGS='' bench/inference/run.sh ...    Bastion's JVM on G1, as before round ten; by default it gets
#                                                     the collector flags the launchers give chat and generate
#                                                     (-XX:+UseSerialGC -Xmn24m), so its peak RSS is theirs
#   BASTION_JIT_FLAGS='' bench/inference/run.sh ...   without the engine's JIT limits (ENGINE_JIT_OPTS in
#                                                     packaging/local-models.sh), which the launchers give the engine
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
dir="${1:-/tmp/bastion-bench-models}"
threads="${2:-2}"
rounds="${3:-3}"
JAVA_HOME="$(bash -c 'source <(sed -n "/^java_major/,/^}/p;/^find_jdk/,/^}/p" ./bastion); find_jdk')"
export JAVA_HOME
# package, not install (~/.m2 may be shared): the class path is written in the same reactor build, so the project's
# own modules resolve to their freshly built jars; bench is built last, so the file ends up holding its class path.
cpfile="$(mktemp)"
./mvnw -B -q -DskipTests package dependency:build-classpath -Dmdep.outputFile="$cpfile" -pl bench -am >&2
cp="bench/target/classes:inference/target/classes:inference/target/test-classes:$(cat "$cpfile")"
rm -f "$cpfile"
# shellcheck source=packaging/local-models.sh
. packaging/local-models.sh
java=("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx1g -cp "$cp")
"${java[@]}" dev.bastion.bench.InferenceBench models "$dir"
"${java[@]}" dev.bastion.bench.InferenceBench bandwidth "$threads"
out="$(mktemp)"
echo "== load before: $(uptime)"
for mix in ${MIXES:-Q4_K_M Q5_K_M Q6_K Q8_0 Q4_0}; do
  f="$dir/llama-3.2-1b-shape-$mix.gguf"
  echo "== $(basename "$f") ($(( $(stat -c %s "$f") >> 20 )) MiB)"
  for ((round = 0; round < rounds; round++)); do
    for engine in llamacpp bastion; do   # alternated, so drifting load hits both
      flags=()
      # shellcheck disable=SC2206 # a list of options
      # the launcher's collector and JIT limits for the engine (packaging/local-models.sh)
      [[ "$engine" == bastion ]] && flags=(${BASTION_GC_FLAGS--XX:+UseSerialGC -Xmn24m} ${BASTION_JIT_FLAGS-$ENGINE_JIT_OPTS})
      "${java[0]}" "${flags[@]}" "${java[@]:1}" dev.bastion.bench.InferenceBench run "$engine" "$f" "$threads" 2>/dev/null \
        | grep -E '^(bastion|llamacpp) ' | tee -a "$out"
    done
  done
done
echo "== load after: $(uptime)"
echo "== medians and ratios, Bastion / llama.cpp (median of the $rounds runs of each; RSS: lower is better)"
# one line per engine, file and measure, values sorted, then the median of each
awk '{ for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] ~ /_(tps|ms|mib)$/) print $1, $2, kv[1], kv[2] } }' "$out" \
  | sort -k1,1 -k2,2 -k3,3 -k4,4g \
  | awk '{ k = $1 " " $2 " " $3; v[k, ++n[k]] = $4 }
    END { for (k in n) { m = n[k] % 2 ? v[k, (n[k] + 1) / 2] : (v[k, n[k] / 2] + v[k, n[k] / 2 + 1]) / 2; print k, m } }' \
  | awk '{ med[$1, $2, $3] = $4; files[$2] = 1 }
    END { for (f in files) {
      printf "%s llama.cpp pp %.1f tg %.2f | bastion pp %.1f tg %.2f | pp %.2fx  tg %.2fx  tg cpu/token %.2fx  ttft %.2fx  rss %.2fx\n", f,
        med["llamacpp", f, "pp_tps"], med["llamacpp", f, "tg_tps"], med["bastion", f, "pp_tps"], med["bastion", f, "tg_tps"],
        med["bastion", f, "pp_tps"] / med["llamacpp", f, "pp_tps"], med["bastion", f, "tg_tps"] / med["llamacpp", f, "tg_tps"],
        med["llamacpp", f, "tg_cpu_ms"] / med["bastion", f, "tg_cpu_ms"],
        med["bastion", f, "ttft_ms"] / med["llamacpp", f, "ttft_ms"], med["bastion", f, "rss_mib"] / med["llamacpp", f, "rss_mib"] } }' \
  | sort
rm -f "$out"
