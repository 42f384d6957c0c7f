#!/usr/bin/env bash
# CPU and allocation per proxied request, for one build or several side by side: each TREE's gateway (a directory
# holding `bastion` and app/target of a build; default: this repository) in front of one nginx, warmed WARM seconds
# (default 20) at full rate, then ROUNDS times (default 6) a SLICE (default 5 s) paced at ~1,000 requests/s (wrk -t1
# -c10, request.lua's 10 ms delay) through each gateway in turn, so that all of them see the same load.
#  - CPU per request: the gateway process's CPU time (/proc/PID/stat, user + system) over the requests it answered
#    in its slices;
#  - allocation per request: the bytes the gateway's threads allocated in its slices over the requests it answered.
#    Read with `jcmd PID Thread.print -e`, which gives every platform thread's allocated bytes (what ThreadMXBean's
#    getThreadAllocatedBytes counts); a virtual thread's allocation is counted on the carrier thread it runs on, so
#    the request threads are included. jcmd's own thread is left out. The figures are printed rounded to K or M, so
#    a slice of a few thousand requests is exact to about 1%.
# The load average is printed with each slice: the machine may be shared, and CPU per request moves with it.
#
#   bench/gateway-overhead/cost.sh [TREE...]          ROUNDS=6 SLICE=5 WARM=20; BENCH_ENV=VAR=VALUE words for all,
#                                                     BENCH_ENV_0, BENCH_ENV_1, ... for the first, second, ... tree
#                                                     BENCH_CONFIG_0, BENCH_CONFIG_1, ...: a YAML file appended to
#                                                     that tree's config (e.g. a default route without scanners)
# (the same tree twice with BENCH_ENV_1=BASTION_AUDIT_COMMIT_WAIT=0ms compares two settings of one build; with
# BENCH_CONFIG_1=FILE, two configurations: what a control costs in place, in the same minutes).
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
declare -a port pid key wdir
for i in "${!trees[@]}"; do
  port[$i]=$((first_port + 2 + 2 * i))
  # shellcheck disable=SC2086 # BENCH_ENV is a list of words
  own="BENCH_ENV_$i"
  # shellcheck disable=SC2086
  wdir[$i]="$work"; extra="BENCH_CONFIG_$i"
  if [[ -n "${!extra:-}" ]]; then # this tree's own config: the bench's, then the given YAML appended
    wdir[$i]="$work/c$i"; mkdir -p "${wdir[$i]}"; cat "$work/bastion.yaml" "${!extra}" > "${wdir[$i]}/bastion.yaml"
  fi
  start_bench_gateway "${trees[$i]}" "${wdir[$i]}" "${port[$i]}" "g$i" ${BENCH_ENV:-} ${!own:-}; pid[$i]="${pids[-1]}"
done
wait_for "http://127.0.0.1:$up_port/"
for i in "${!trees[@]}"; do wait_for "http://127.0.0.1:${port[$i]}/healthz"; key[$i]="$(cat "${wdir[$i]}/g$i/admin.key")"; done
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
allocated() { # bytes allocated so far by the threads of JVM $1 (jcmd's own Attach Listener left out)
  "$jdk/bin/jcmd" "$1" Thread.print -e | grep -v '^"Attach Listener"' | grep -o 'allocated=[0-9.]*[BKMG]' |
    awk -F= '{v = $2; u = substr(v, length(v)); n = substr(v, 1, length(v) - 1);
      m = (u == "K") ? 1024 : (u == "M") ? 1048576 : (u == "G") ? 1073741824 : 1; s += n * m} END {printf "%.0f", s}'
}
chat() { # port key delay threads conns seconds
  BENCH_AUTH="Bearer $2" BENCH_EXTRA_HEADERS="" BENCH_DELAY_MS="$3" BENCH_BODY_FILE="" \
    wrk -t"$4" -c"$5" -d"$6"s --latency -s "$here/request.lua" "http://127.0.0.1:$1/v1/chat/completions" | grep '^RESULT'
}
for i in "${!trees[@]}"; do chat "${port[$i]}" "${key[$i]}" 0 2 64 "${WARM:-20}" >/dev/null; done
declare -a cpu req alloc
for i in "${!trees[@]}"; do cpu[$i]=0; req[$i]=0; alloc[$i]=0; done
for r in $(seq 1 "${ROUNDS:-6}"); do
  for i in "${!trees[@]}"; do
    a0=$(allocated "${pid[$i]}"); t0=$(ticks "${pid[$i]}")
    line=$(chat "${port[$i]}" "${key[$i]}" 10 1 10 "${SLICE:-5}")
    t1=$(ticks "${pid[$i]}"); a1=$(allocated "${pid[$i]}")
    n=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line"); m=$((n > 0 ? n : 1))
    cpu[$i]=$((cpu[$i] + t1 - t0)); req[$i]=$((req[$i] + n)); alloc[$i]=$((alloc[$i] + a1 - a0))
    echo "round $r tree $i: $line cpu_us_per_request=$(( (t1 - t0) * 1000000 / hz / m )) alloc_bytes_per_request=$(( (a1 - a0) / m )) load=$(cut -d' ' -f1 /proc/loadavg)"
  done
done
for i in "${!trees[@]}"; do
  python3 -c "c = ${cpu[$i]} / $hz; r = max(${req[$i]}, 1); a = ${alloc[$i]}
print(f'tree $i (${trees[$i]}): {r} requests, process CPU {c:.2f} s, CPU per request {c / r * 1e6:.0f} us, allocation per request {a / r / 1e3:.1f} kB')"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
