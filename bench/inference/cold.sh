#!/usr/bin/env bash
# Cold `bastion generate` against a cold llama.cpp process (issue 22 item 3): each run is a fresh process that loads
# FILE, reads the same raw prompt and streams TOKENS greedy tokens to standard output. Per run: the time from the
# process's start to the first byte on its standard output (the first token), the CPU time by then split by thread
# kind (main, the engine's workers, C1 and C2 compiler threads, GC, the rest; from /proc/PID/task/*/stat, read as the
# first byte arrives), the decode rate over tokens 2..TOKENS from the process's own stats line, the whole run's CPU
# time and its peak RSS (/usr/bin/time). Bastion's variants and llama.cpp are alternated within each round, so
# drifting load hits all of them; the load average is printed with every run, and the medians at the end.
#   bench/inference/cold.sh FILE [ROUNDS] [TOKENS]          (default 3 rounds, 128 tokens)
#   VARIANTS='cache|;nocache|-XX:AOTMode=off'               label|BASTION_JAVA_OPTS, ';'-separated (this default)
#   VARIANTS='new|;old||/tmp/old-tree/bastion'                label|BASTION_JAVA_OPTS|LAUNCHER: another build's launcher
#   VARIANTS='mapped|||--data-dir /tmp/d;repack|||--no-weight-cache'   label|OPTS|LAUNCHER|ARGS: more generate arguments
#                                                           (the warm-up run of each variant writes its weight cache)
#   BASTION=/tmp/rel/bastion-0.1.0-SNAPSHOT-linux-x64/bin/bastion   the launcher to time (default ./bastion)
#   PEER=no                                                 leave llama.cpp out
# The llama.cpp process is bench's ColdLlamaCpp: llama.cpp through its Java binding, so it also pays a JVM start;
# its stats line says how long that took before the model load began.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
file="$(cd "$(dirname "${1:?usage: bench/inference/cold.sh FILE.gguf [ROUNDS] [TOKENS]}")" && pwd)/$(basename "$1")"
rounds="${2:-3}"
tokens="${3:-128}"
launcher="${BASTION:-$root/bastion}"
variants="${VARIANTS:-cache|;nocache|-XX:AOTMode=off}"
prompt="Once upon a time, in a small village at the edge of a great forest, there lived an old clockmaker who \
repaired every clock in the valley. One winter morning a stranger knocked on his door with a broken watch and"
JAVA_HOME="$(bash -c 'source <(sed -n "/^java_major/,/^}/p;/^find_jdk/,/^}/p" ./bastion); find_jdk')"
export JAVA_HOME
hz="$(getconf CLK_TCK)"

peer=()
if [[ "${PEER:-yes}" != no ]]; then
  cpfile="$(mktemp)"
  ./mvnw -B -o -q -DskipTests package dependency:build-classpath -Dmdep.outputFile="$cpfile" -pl bench -am >&2
  cp="bench/target/classes:$(cat "$cpfile")"
  rm -f "$cpfile"
  peer=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" dev.bastion.bench.ColdLlamaCpp)
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# One warm-up run of each, not counted: the launcher trains its AOT cache on first use after a build, and the first
# read of FILE fills the page cache (both engines then map it from memory, as a user's second start would).
IFS=';' read -r -a list <<<"$variants"
for v in "${list[@]}"; do
  IFS='|' read -r label opts other args <<<"$v"
  # shellcheck disable=SC2086 # ARGS is a list of arguments
  BASTION_JAVA_OPTS="$opts" "${other:-$launcher}" generate --model "$file" --prompt "$prompt" --max-tokens 2 \
    --temperature 0 ${args:-} >/dev/null 2>&1 || true
done
"$launcher" generate --model "$file" --prompt "$prompt" --max-tokens 2 --temperature 0 >/dev/null 2>&1 || {
  echo "cold: bastion generate failed:" >&2
  "$launcher" generate --model "$file" --prompt "$prompt" --max-tokens 2 --temperature 0 >&2; exit 1; }
if (( ${#peer[@]} )); then "${peer[@]}" "$file" 2 2 "$prompt" >/dev/null 2>&1; fi

# snapshot PID: CPU milliseconds by thread kind, from /proc/PID/task/*/stat (comm read apart: it holds spaces)
snapshot() {
  local pid="$1" t comm ticks main=0 work=0 c1=0 c2=0 gc=0 rest=0 all=0
  for t in /proc/"$pid"/task/*; do
    comm="$(cat "$t/comm" 2>/dev/null)" || continue
    ticks="$(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{print $12 + $13}')" || continue
    [[ -n "$ticks" ]] || continue
    all=$((all + ticks))
    case "$comm" in
      java) main=$((main + ticks)) ;;  # the launcher's primordial thread and the main thread keep the name java
      bastion-infer*|bastion-batch*) work=$((work + ticks)) ;;
      "C1 Compiler"*) c1=$((c1 + ticks)) ;;
      "C2 Compiler"*) c2=$((c2 + ticks)) ;;
      GC*|G1*|"VM Thread") gc=$((gc + ticks)) ;;
      *) rest=$((rest + ticks)) ;;
    esac
  done
  # the process's own counters also hold threads that have exited (llama.cpp starts threads per batch)
  all="$(sed 's/.*) //' /proc/"$pid"/stat | awk '{print $12 + $13}')"
  local ms=$((1000 / hz))
  echo "cpu_ms=$((all * ms)) main_ms=$((main * ms)) workers_ms=$((work * ms)) c1_ms=$((c1 * ms)) c2_ms=$((c2 * ms))" \
    "gc_vm_ms=$((gc * ms)) other_ms=$((rest * ms))"
}

# one LABEL CMD...: runs CMD with standard output through a FIFO, times the first byte, prints one line
one() {
  local label="$1"; shift
  local fifo="$work/out" timing="$work/time" pid java_pid="" start first snap stats
  rm -f "$fifo"; mkfifo "$fifo"
  start=$(date +%s%N)
  /usr/bin/time -f 'peak_rss_mib=%M total_cpu_s=%U+%S' -o "$timing" "$@" >"$fifo" 2>"$work/err" &
  pid=$!
  exec 4<"$fifo"
  IFS= read -r -n 1 -u 4 _ || true
  first=$(date +%s%N)
  java_pid="$(cat /proc/"$pid"/task/"$pid"/children 2>/dev/null | awk '{print $1}')"
  snap="$( [[ -n "$java_pid" ]] && snapshot "$java_pid" || echo cpu_ms=?)"
  cat <&4 >/dev/null
  exec 4<&-
  wait "$pid" || { echo "cold: $label failed:" >&2; cat "$work/err" >&2; return 1; }
  stats="$(grep -E '^\[' "$work/err" | tail -n 1)"
  local rate; rate="$(sed -n 's/.*generated, \([0-9.]*\) tokens\/s.*/\1/p' <<<"$stats")"
  local rss cpu; rss="$(sed -n 's/.*peak_rss_mib=\([0-9]*\).*/\1/p' "$timing")"; cpu="$(sed -n 's/.*total_cpu_s=\(.*\)/\1/p' "$timing")"
  printf '%s first_token_ms=%d tg_tps=%s peak_rss_mib=%d total_cpu_s=%s %s load=%s\n' "$label" \
    $(( (first - start) / 1000000 )) "${rate:-?}" $(( ${rss:-0} / 1024 )) "$(awk -F+ '{printf "%.2f", $1 + $2}' <<<"$cpu")" \
    "$snap" "$(cut -d' ' -f1 /proc/loadavg)"
}

results="$work/results"
echo "== $(basename "$file"), $tokens tokens, $rounds rounds; load before: $(uptime)"
for ((round = 1; round <= rounds; round++)); do
  if (( ${#peer[@]} )); then
    one llamacpp "${peer[@]}" "$file" 2 "$tokens" "$prompt" | tee -a "$results"
  fi
  IFS=';' read -r -a list <<<"$variants"
  for v in "${list[@]}"; do
    IFS='|' read -r label opts other args <<<"$v"
    # shellcheck disable=SC2086 # ARGS is a list of arguments
    BASTION_JAVA_OPTS="$opts" one "bastion-$label" "${other:-$launcher}" generate --model "$file" --prompt "$prompt" \
      --max-tokens "$tokens" --temperature 0 ${args:-} | tee -a "$results"
  done
done
echo "== load after: $(uptime)"
echo "== medians (first token ms, decode tokens/s, peak RSS MiB, CPU ms by first token; ratios against llamacpp)"
awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[2] ~ /^[0-9.]+$/) print $1, kv[1], kv[2] } }' "$results" \
  | sort -k1,1 -k2,2 -k3,3g \
  | awk '{ k = $1 " " $2; v[k, ++n[k]] = $3 }
    END { for (k in n) { m = n[k] % 2 ? v[k, (n[k] + 1) / 2] : (v[k, n[k] / 2] + v[k, n[k] / 2 + 1]) / 2; print k, m } }' \
  | awk '{ med[$1, $2] = $3; who[$1] = 1 }
    END { for (w in who) {
      line = sprintf("%s first_token_ms %.0f tg_tps %.2f peak_rss_mib %.0f cpu_ms %.0f (main %.0f workers %.0f c1 %.0f c2 %.0f)",
        w, med[w, "first_token_ms"], med[w, "tg_tps"], med[w, "peak_rss_mib"], med[w, "cpu_ms"], med[w, "main_ms"],
        med[w, "workers_ms"], med[w, "c1_ms"], med[w, "c2_ms"]);
      if (w != "llamacpp" && med["llamacpp", "first_token_ms"] > 0)
        line = line sprintf(" | vs llama.cpp: first token %.2fx, decode %.2fx, peak RSS %.2fx",
          med[w, "first_token_ms"] / med["llamacpp", "first_token_ms"], med[w, "tg_tps"] / med["llamacpp", "tg_tps"],
          med[w, "peak_rss_mib"] / med["llamacpp", "peak_rss_mib"]);
      print line } }' | sort
