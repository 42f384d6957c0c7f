#!/usr/bin/env bash
# How long the audit log's fsyncs take, two builds side by side: the gateways of tree A and tree B (directories
# holding `bastion` and app/target) in front of one nginx, warmed WARM seconds (default 15) at full rate, then ROUNDS
# times a SLICE through A, then through B, on a fixed schedule of RATE requests/s (default 1000; request.lua's
# BENCH_RATE over 20 connections). During its slice each gateway's audit writer thread (one thread: only it is
# traced) runs under `strace -T -e trace=fdatasync,fsync`, which times each call. Reports per build the fsyncs per
# request and their duration (p50, p90, p99, max), with the paced latency of each slice. An fsync's time is mostly the
# disk's, so it moves with other processes' disk writes more than with the CPU load; the two builds alternate so that
# both see the same. strace stops the traced thread at each call, which adds to every fsync's time alike.
#
#   bench/gateway-overhead/fsync.sh TREE_A TREE_B [ROUNDS] [SLICE]     (defaults: 4 rounds of 5 s; WARM=15 RATE=1000)
# BENCH_ENV, BENCH_ENV_A, BENCH_ENV_B: VAR=VALUE words for both gateways' environment, or one's.
# Needs wrk, nginx, strace and permission to trace the gateway (same user, ptrace allowed). Leaves nothing running.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"; root="$(cd "$here/../.." && pwd)"
# shellcheck source=../lib/upstream.sh
source "$root/bench/lib/upstream.sh"
command -v strace >/dev/null || { echo "bench: strace is missing (apt-get install -y strace)" >&2; exit 1; }
tree_a="$(cd "$1" && pwd)"; tree_b="$(cd "$2" && pwd)"; rounds="${3:-4}"; slice="${4:-5}"
work="$(mktemp -d)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
up_port="${BENCH_UPSTREAM_PORT:-18581}" port_a="${BENCH_PORT:-18580}"; port_b=$((port_a + 2))
start_chat_upstream "$work" "$up_port" "Local inference keeps sensitive data on your own machines." 20 10
write_bench_config "$work" "$up_port"
# shellcheck disable=SC2086 # BENCH_ENV is a list of words
start_bench_gateway "$tree_a" "$work" "$port_a" a ${BENCH_ENV:-} ${BENCH_ENV_A:-}; pid_a="${pids[-1]}"
# shellcheck disable=SC2086
start_bench_gateway "$tree_b" "$work" "$port_b" b ${BENCH_ENV:-} ${BENCH_ENV_B:-}; pid_b="${pids[-1]}"
wait_for "http://127.0.0.1:$up_port/"
wait_for "http://127.0.0.1:$port_a/healthz"
wait_for "http://127.0.0.1:$port_b/healthz"
writer_tid() { # the audit log's writer thread of JVM $1
  local t; for t in /proc/"$1"/task/*; do
    if [[ "$(cat "$t/comm" 2>/dev/null)" == bastion-audit-w* ]]; then echo "${t##*/}"; return; fi
  done
  echo "bench: no audit writer thread in process $1" >&2; exit 1
}
chat() { # port key seconds rate
  BENCH_AUTH="Bearer $2" BENCH_EXTRA_HEADERS="" BENCH_DELAY_MS=0 BENCH_BODY_FILE="" BENCH_RATE="$4" \
    wrk -t1 -c"${5:-20}" -d"$3"s --latency -s "$here/request.lua" "http://127.0.0.1:$1/v1/chat/completions" | grep '^RESULT'
}
key_a="$(cat "$work/a/admin.key")"; key_b="$(cat "$work/b/admin.key")"
chat "$port_a" "$key_a" "${WARM:-15}" 0 64 >/dev/null
chat "$port_b" "$key_b" "${WARM:-15}" 0 64 >/dev/null
tid_a="$(writer_tid "$pid_a")"; tid_b="$(writer_tid "$pid_b")"
: > "$work/a.us"; : > "$work/b.us"
declare -A req=([a]=0 [b]=0)
for r in $(seq 1 "$rounds"); do
  for side in a b; do
    if [[ $side == a ]]; then port=$port_a key=$key_a tid=$tid_a; else port=$port_b key=$key_b tid=$tid_b; fi
    strace -T -e trace=fdatasync,fsync -o "$work/trace" -p "$tid" 2>/dev/null & tracer=$!
    sleep 0.5 # attached before the slice starts
    line=$(chat "$port" "$key" "$slice" "${RATE:-1000}")
    kill -INT "$tracer" 2>/dev/null || true; wait "$tracer" 2>/dev/null || true
    grep -oE '<[0-9.]+>$' "$work/trace" | tr -d '<>' | awk '{printf "%.0f\n", $1 * 1e6}' > "$work/slice.us" || true
    cat "$work/slice.us" >> "$work/$side.us"
    n=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line"); req[$side]=$((req[$side] + n))
    echo "round $r $side: $line fsyncs=$(wc -l < "$work/slice.us") load=$(cut -d' ' -f1 /proc/loadavg)"
  done
done
for side in a b; do
  tree=$tree_a; [[ $side == b ]] && tree=$tree_b
  python3 - "$work/$side.us" "${req[$side]}" "$side ($tree)" <<'PY'
import sys
v = sorted(int(x) for x in open(sys.argv[1]) if x.strip())
n = int(sys.argv[2])
if not v:
    print(f"{sys.argv[3]}: {n} requests, no fsync seen"); sys.exit()
q = lambda p: v[min(len(v) - 1, int(p * len(v)))]
print(f"{sys.argv[3]}: {n} requests, {len(v)} fsyncs ({len(v) / max(n, 1):.2f} per request), fsync time p50 {q(0.5)} us, "
      f"p90 {q(0.9)} us, p99 {q(0.99)} us, max {v[-1]} us, mean {sum(v) / len(v):.0f} us")
PY
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
