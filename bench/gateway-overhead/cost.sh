#!/usr/bin/env bash
# CPU and allocation per proxied request, for one build or several side by side: each TREE's gateway (a directory
# holding `bastion` and app/target of a build; default: this repository) in front of one nginx, warmed WARM seconds
# (default 20) at full rate, then ROUNDS times (default 6) a SLICE (default 5 s) paced at ~1,000 requests/s (wrk -t1
# -c10, request.lua's 10 ms delay) through each gateway in turn, so that all of them see the same load.
#  - CPU per request: the gateway process's CPU time (/proc/PID/stat, user + system) over the requests it answered
#    in its slices;
#  - allocation per request: heap accounting over a JFR recording of GC heap summaries only (heap.jfc; no samples,
#    so it costs nothing measurable): the bytes allocated between collections over the time between them gives the
#    allocation rate, times the recording's length, over the requests answered meanwhile (the idle slices of the
#    other builds included, in which a gateway allocates next to nothing).
# The load average is printed with each slice: the machine may be shared, and CPU per request moves with it.
#
#   bench/gateway-overhead/cost.sh [TREE...]          ROUNDS=6 SLICE=5 WARM=20; BENCH_ENV=VAR=VALUE words for all
# Needs wrk, nginx and JDK 25. Leaves nothing running.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"; root="$(cd "$here/../.." && pwd)"
# shellcheck source=../lib/upstream.sh
source "$root/bench/lib/upstream.sh"
trees=("$@"); [[ ${#trees[@]} -gt 0 ]] || trees=("$root")
for i in "${!trees[@]}"; do trees[$i]="$(cd "${trees[$i]}" && pwd)"; done
jdk="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
work="$(mktemp -d)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
up_port="${BENCH_UPSTREAM_PORT:-18681}" first_port="${BENCH_PORT:-18680}"
start_chat_upstream "$work" "$up_port" "Local inference keeps sensitive data on your own machines." 20 10
write_bench_config "$work" "$up_port"
declare -a port pid key
for i in "${!trees[@]}"; do
  port[$i]=$((first_port + 2 + 2 * i))
  # shellcheck disable=SC2086 # BENCH_ENV is a list of words
  start_bench_gateway "${trees[$i]}" "$work" "${port[$i]}" "g$i" ${BENCH_ENV:-}; pid[$i]="${pids[-1]}"
done
wait_for "http://127.0.0.1:$up_port/"
for i in "${!trees[@]}"; do wait_for "http://127.0.0.1:${port[$i]}/healthz"; key[$i]="$(cat "$work/g$i/admin.key")"; done
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
chat() { # port key delay threads conns seconds
  BENCH_AUTH="Bearer $2" BENCH_EXTRA_HEADERS="" BENCH_DELAY_MS="$3" BENCH_BODY_FILE="" \
    wrk -t"$4" -c"$5" -d"$6"s --latency -s "$here/request.lua" "http://127.0.0.1:$1/v1/chat/completions" | grep '^RESULT'
}
for i in "${!trees[@]}"; do chat "${port[$i]}" "${key[$i]}" 0 2 64 "${WARM:-20}" >/dev/null; done
declare -a cpu req began
for i in "${!trees[@]}"; do
  cpu[$i]=0; req[$i]=0
  "$jdk/bin/jcmd" "${pid[$i]}" JFR.start name=heap settings="$here/heap.jfc" filename="$work/heap$i.jfr" >/dev/null
  began[$i]=$(date +%s.%N)
done
for r in $(seq 1 "${ROUNDS:-6}"); do
  for i in "${!trees[@]}"; do
    t0=$(ticks "${pid[$i]}"); line=$(chat "${port[$i]}" "${key[$i]}" 10 1 10 "${SLICE:-5}"); t1=$(ticks "${pid[$i]}")
    n=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")
    cpu[$i]=$((cpu[$i] + t1 - t0)); req[$i]=$((req[$i] + n))
    echo "round $r tree $i: $line cpu_us_per_request=$(( (t1 - t0) * 1000000 / hz / (n > 0 ? n : 1) )) load=$(cut -d' ' -f1 /proc/loadavg)"
  done
done
for i in "${!trees[@]}"; do
  "$jdk/bin/jcmd" "${pid[$i]}" JFR.stop name=heap >/dev/null
  ended=$(date +%s.%N)
  alloc=$(JAVA_HOME="$jdk" python3 "$here/heap.py" "$work/heap$i.jfr")
  python3 - "$alloc" <<PY
import re, sys
cpu = ${cpu[$i]} / $hz; req = ${req[$i]}; length = $ended - ${began[$i]}
f = dict(re.findall(r"(\w+)=([0-9.]+)", sys.argv[1]))
if "bytes" in f:
    per = float(f["bytes"]) / float(f["seconds"]) * length / req
    alloc = f"allocation per request {per / 1e3:.1f} kB ({f['gcs']} collections, recording {length:.0f} s)"
else:
    alloc = f"allocation not measured (fewer than two collections in {length:.0f} s; raise ROUNDS or SLICE)"
print(f"tree $i (${trees[$i]}): {req} requests, process CPU {cpu:.2f} s, CPU per request {cpu / req * 1e6:.0f} us; {alloc}")
PY
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
