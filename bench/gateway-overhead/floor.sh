#!/usr/bin/env bash
# The floor under the gateway, and gateways side by side: one nginx upstream, then each TARGET measured in turn,
# ROUNDS times, in slices of SLICE seconds on request.lua's fixed schedule of 1,000 requests/s over 20 connections
# (wrk -t1 -c20, BENCH_RATE=1000), so that every target sees the same load. Per target, over its slices:
#  - added p50 and p99 (the median over slices of the slice's p50/p99 minus the direct path's in the same round);
#  - CPU per request: the process's CPU time (/proc/PID/stat, user + system) over the requests it answered;
#  - allocation per request: its threads' allocated bytes (jcmd Thread.print -e, as cost.sh) over the requests;
#  - RSS: at idle after start (before any request), and the largest seen at the end of a 1,000/s slice;
#  - with MAX_SECONDS=N (default 0: not run), the maximum requests/s of one closed-loop slice (wrk -t2 -c64) per round.
# Memory: every target runs at once; a JVM on ZGC without -XX:SoftMaxHeapSize grows its heap towards the JVM's
# maximum (a quarter of RAM), so give ZGC targets -XX:SoftMaxHeapSize (and -Xmx) in their JOPTS on a shared machine.
# Targets:
#   direct           nginx itself (the latency baseline; no process of ours)
#   floor-raw        FloorProxy raw: Helidon WebServer + WebClient forwarding bytes, nothing else (FloorProxy.java)
#   floor-backend    FloorProxy backend: the same server, JSON parsed, Bastion's OpenAiBackend as the client
#   floor-jdk        FloorProxy jdk: backend's work on a plain ServerSocket with virtual threads (no framework)
#   floor-MODE-NAME  FloorProxy MODE (raw, backend, jdk) again, with its own JOPTS_floor_MODE_NAME, e.g.
#                    JOPTS_floor_backend_lean=-Dfloor.lean=true (FloorProxy.java lists the floor.* settings)
#   bastion[-NAME]   ./bastion serve on the bench config (every default control on)
# JOPTS_<target> (dashes as underscores) is the target's BASTION_JAVA_OPTS (a bastion) or its java options (a floor);
# ENV_<target> adds VAR=VALUE words to a bastion's environment. Example, sync and async audit under two collectors:
#   TARGETS="direct floor-raw bastion bastion-async" ENV_bastion_async=BASTION_AUDIT_DURABILITY=async \
#     bench/gateway-overhead/floor.sh 4 10
#
#   bench/gateway-overhead/floor.sh [ROUNDS] [SLICE]      (defaults 4 rounds of 10 s; WARM=20 s at full rate first)
# TREE (default: this repository) is the build whose gateway and class path are used. Needs wrk, nginx, JDK 25.
# Leaves nothing running.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"; root="$(cd "$here/../.." && pwd)"
# shellcheck source=../lib/upstream.sh
source "$root/bench/lib/upstream.sh"
tree="$(cd "${TREE:-$root}" && pwd)"
rounds="${1:-4}" slice="${2:-10}"
targets="${TARGETS:-direct floor-raw floor-backend bastion}"
jdk="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
work="$(mktemp -d)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
up_port="${BENCH_UPSTREAM_PORT:-18781}" next_port="${BENCH_PORT:-18782}"
start_chat_upstream "$work" "$up_port" "Local inference keeps sensitive data on your own machines." 20 10
write_bench_config "$work" "$up_port"
"$jdk/bin/javac" -cp "$tree/app/target/lib/*" -d "$work/classes" "$here/FloorProxy.java"

declare -A port pid key rss_idle rss_max cpu req alloc
var() { local v="${1}_${2//-/_}"; echo "${!v:-}"; } # var JOPTS bastion-g1 -> $JOPTS_bastion_g1
for t in $targets; do
  case "$t" in
    direct) port[$t]=$up_port ;;
    floor-*)
      port[$t]=$next_port; next_port=$((next_port + 2)); mode="${t#floor-}"; mode="${mode%%-*}"
      # shellcheck disable=SC2046 # JOPTS is a list of options
      "$jdk/bin/java" $(var JOPTS "$t") -cp "$work/classes:$tree/app/target/lib/*" FloorProxy "$mode" \
        "${port[$t]}" "http://127.0.0.1:$up_port/v1" >"$work/$t.out" 2>"$work/$t.err" & pid[$t]=$!; pids+=($!) ;;
    bastion|bastion-*)
      port[$t]=$next_port; next_port=$((next_port + 2))
      # shellcheck disable=SC2046 # ENV is a list of words
      BASTION_JAVA_OPTS="$(var JOPTS "$t")" start_bench_gateway "$tree" "$work" "${port[$t]}" "$t" $(var ENV "$t")
      pid[$t]="${pids[-1]}" ;;
    *) echo "floor: unknown target $t" >&2; exit 1 ;;
  esac
done
wait_for "http://127.0.0.1:$up_port/"
for t in $targets; do
  [[ "$t" == direct ]] && continue
  wait_for "http://127.0.0.1:${port[$t]}/healthz"
  [[ "$t" == bastion* ]] && key[$t]="$(cat "$work/$t/admin.key")"
done
sleep 2
rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; } # kB
for t in $targets; do
  [[ "$t" == direct ]] && continue
  rss_idle[$t]=$(rss "${pid[$t]}"); rss_max[$t]=0; cpu[$t]=0; req[$t]=0; alloc[$t]=0
done
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
allocated() { # bytes allocated so far by the threads of JVM $1 (jcmd's own Attach Listener left out)
  "$jdk/bin/jcmd" "$1" Thread.print -e | grep -v '^"Attach Listener"' | grep -o 'allocated=[0-9.]*[BKMG]' |
    awk -F= '{v = $2; u = substr(v, length(v)); n = substr(v, 1, length(v) - 1);
      m = (u == "K") ? 1024 : (u == "M") ? 1048576 : (u == "G") ? 1073741824 : 1; s += n * m} END {printf "%.0f", s}'
}
load() { # target rate(0: closed loop at full speed) threads conns seconds -> RESULT line
  local auth=""; [[ -n "${key[$1]:-}" ]] && auth="Bearer ${key[$1]}"
  BENCH_AUTH="$auth" BENCH_EXTRA_HEADERS="" BENCH_DELAY_MS=0 BENCH_RATE="$2" BENCH_BODY_FILE="" \
    wrk -t"$3" -c"$4" -d"$5"s --latency -s "$here/request.lua" "http://127.0.0.1:${port[$1]}/v1/chat/completions" |
    grep '^RESULT'
}
echo "floor: warming up (${WARM:-20} s per target at full rate)" >&2
for t in $targets; do load "$t" 0 2 64 "${WARM:-20}" >/dev/null; done
results="$work/results.txt"
for r in $(seq 1 "$rounds"); do
  for t in $targets; do
    if [[ "$t" == direct ]]; then
      line=$(load "$t" 1000 1 20 "$slice"); extra=""
    else
      kill -0 "${pid[$t]}" 2>/dev/null || { echo "floor: $t exited (out of memory?); its last words:" >&2
        tail -n 5 "$work/$t.err" >&2; exit 1; }
      a0=$(allocated "${pid[$t]}"); t0=$(ticks "${pid[$t]}")
      line=$(load "$t" 1000 1 20 "$slice")
      t1=$(ticks "${pid[$t]}"); now_rss=$(rss "${pid[$t]}"); a1=$(allocated "${pid[$t]}")
      n=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line"); m=$((n > 0 ? n : 1))
      cpu[$t]=$((cpu[$t] + t1 - t0)); req[$t]=$((req[$t] + n)); alloc[$t]=$((alloc[$t] + a1 - a0))
      ((now_rss > rss_max[$t])) && rss_max[$t]=$now_rss
      extra="cpu_us=$(( (t1 - t0) * 1000000 / hz / m )) alloc_b=$(( (a1 - a0) / m )) rss_kb=$now_rss"
    fi
    echo "round=$r target=$t mode=rate $line $extra load=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$results" >&2
  done
  if [[ "${MAX_SECONDS:-0}" -gt 0 ]]; then
    for t in $targets; do
      echo "round=$r target=$t mode=max $(load "$t" 0 2 64 "$MAX_SECONDS") load=$(cut -d' ' -f1 /proc/loadavg)" |
        tee -a "$results" >&2
    done
  fi
done
summary="$work/summary.txt"
for t in $targets; do
  [[ "$t" == direct ]] && continue
  echo "target=$t cpu_ticks=${cpu[$t]} requests=${req[$t]} alloc=${alloc[$t]} rss_idle_kb=${rss_idle[$t]} rss_max_kb=${rss_max[$t]}"
done > "$summary"
python3 - "$results" "$summary" "$hz" <<'PY'
import re, statistics, sys
rows = [dict(re.findall(r"(\w+)=([\w.-]+)", line)) for line in open(sys.argv[1])]
sums = {d["target"]: d for d in (dict(re.findall(r"(\w+)=([\w.-]+)", l)) for l in open(sys.argv[2]))}
hz = int(sys.argv[3])
targets = list(dict.fromkeys(r["target"] for r in rows))
direct = {(r["round"]): r for r in rows if r["target"] == "direct" and r["mode"] == "rate"}
def added(t, field):
    v = [float(r[field]) - float(direct[r["round"]][field]) for r in rows
         if r["target"] == t and r["mode"] == "rate" and r["round"] in direct]
    return statistics.median(v), min(v), max(v)
print("| target | rps at 1,000/s | added p50 µs | added p99 µs (median; range) | CPU µs/request | alloc kB/request | RSS idle / at 1,000/s MB | max rps |")
print("|---|---|---|---|---|---|---|---|")
for t in targets:
    rate = [r for r in rows if r["target"] == t and r["mode"] == "rate"]
    mx = [float(r["rps"]) for r in rows if r["target"] == t and r["mode"] == "max"]
    rps = statistics.median(float(r["rps"]) for r in rate)
    maxs = f"{statistics.median(mx):.0f}" if mx else "-"
    if t == "direct":
        p50 = statistics.median(float(r["p50_us"]) for r in rate); p99 = statistics.median(float(r["p99_us"]) for r in rate)
        print(f"| direct | {rps:.0f} | (own p50 {p50:.0f}) | (own p99 {p99:.0f}) | - | - | - | {maxs} |")
        continue
    s = sums[t]; n = max(int(s["requests"]), 1)
    a50, _, _ = added(t, "p50_us"); a99, lo, hi = added(t, "p99_us")
    print(f"| {t} | {rps:.0f} | {a50:.0f} | {a99:.0f} ({lo:.0f}-{hi:.0f}) | {int(s['cpu_ticks']) / hz / n * 1e6:.0f} "
          f"| {int(s['alloc']) / n / 1e3:.1f} | {int(s['rss_idle_kb']) / 1024:.0f} / {int(s['rss_max_kb']) / 1024:.0f} | {maxs} |")
bad = sum(int(r["non200"]) + int(r["socket_errors"]) for r in rows)
print(f"\nnon-200 answers and socket errors in all slices: {bad}")
PY
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
