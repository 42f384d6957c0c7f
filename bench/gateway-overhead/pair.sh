#!/usr/bin/env bash
# Before/after on a shared machine: two builds side by side against one nginx, measured in alternating slices so
# that both see the same load. Starts the gateway of tree A (a directory holding `bastion` and app/target) on one
# port and of tree B on another, warms each for WARM seconds at full rate, then ROUNDS times: SLICE seconds paced
# (~1,000 requests/s, wrk -t1 -c10 with request.lua's 10 ms delay) through A, then through B. Reports, per build,
# the CPU per request (process CPU time over the requests answered, summed over its slices) and the paced latency
# of each slice. BENCH_ENV adds VAR=VALUE words to both gateways' environment, BENCH_ENV_A and BENCH_ENV_B to one
# (the same tree twice with BENCH_ENV_B=BASTION_AUDIT_DURABILITY=async compares sync and async audit). A build that
# exports bastion_audit_group_commits_total also gets its audit fsyncs per request (group commits over requests).
#
#   bench/gateway-overhead/pair.sh TREE_A TREE_B [ROUNDS] [SLICE]      (defaults: 6 rounds of 5 s; WARM=15)
# PACE_MS (default 10) is each connection's delay between requests: 10 paces ~1,000 requests/s, 50 about 200 (a rate
# a gateway still holds on a loaded machine). RATE=N paces on a fixed schedule of N requests/s over 20 connections
# instead (request.lua's BENCH_RATE: held whatever the latency, up to 20 / N s each).
# Needs wrk and nginx. Leaves nothing running.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"; root="$(cd "$here/../.." && pwd)"
# shellcheck source=../lib/upstream.sh
source "$root/bench/lib/upstream.sh"
tree_a="$(cd "$1" && pwd)"; tree_b="$(cd "$2" && pwd)"; rounds="${3:-6}"; slice="${4:-5}"
work="$(mktemp -d)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
up_port="${BENCH_UPSTREAM_PORT:-18481}" port_a="${BENCH_PORT:-18480}"; port_b=$((port_a + 2))
start_chat_upstream "$work" "$up_port" "Local inference keeps sensitive data on your own machines." 20 10
write_bench_config "$work" "$up_port"
# shellcheck disable=SC2086 # BENCH_ENV is a list of words
start_bench_gateway "$tree_a" "$work" "$port_a" a ${BENCH_ENV:-} ${BENCH_ENV_A:-}; pid_a="${pids[-1]}"
# shellcheck disable=SC2086
start_bench_gateway "$tree_b" "$work" "$port_b" b ${BENCH_ENV:-} ${BENCH_ENV_B:-}; pid_b="${pids[-1]}"
wait_for "http://127.0.0.1:$up_port/"
wait_for "http://127.0.0.1:$port_a/healthz"
wait_for "http://127.0.0.1:$port_b/healthz"
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
writer_ticks() { # CPU ticks of the audit log's writer thread (its group commits: write, fsync, tree, listeners)
  local t; for t in /proc/"$1"/task/*; do
    if [[ "$(cat "$t/comm" 2>/dev/null)" == bastion-audit-w* ]]; then awk '{print $14+$15}' "$t/stat"; return; fi
  done; echo 0
}
commits() { # the audit log's group commits so far (one fsync each); 0 for a build without the metric
  curl -s "http://127.0.0.1:$1/metrics" | awk '/^bastion_audit_group_commits_total /{v = $2} END {printf "%d", v}'
}
chat() { # port key delay threads conns seconds [rate]
  BENCH_AUTH="Bearer $2" BENCH_EXTRA_HEADERS="" BENCH_DELAY_MS="$3" BENCH_BODY_FILE="" BENCH_RATE="${7:-0}" \
    wrk -t"$4" -c"$5" -d"$6"s --latency -s "$here/request.lua" "http://127.0.0.1:$1/v1/chat/completions" | grep '^RESULT'
}
key_a="$(cat "$work/a/admin.key")"; key_b="$(cat "$work/b/admin.key")"
chat "$port_a" "$key_a" 0 2 64 "${WARM:-15}" >/dev/null
chat "$port_b" "$key_b" 0 2 64 "${WARM:-15}" >/dev/null
declare -A cpu=([a]=0 [b]=0) req=([a]=0 [b]=0) fsyncs=([a]=0 [b]=0) writer=([a]=0 [b]=0)
for r in $(seq 1 "$rounds"); do
  for side in a b; do
    if [[ $side == a ]]; then port=$port_a key=$key_a pid=$pid_a; else port=$port_b key=$key_b pid=$pid_b; fi
    c0=$(commits "$port"); w0=$(writer_ticks "$pid"); t0=$(ticks "$pid")
    if [[ -n "${RATE:-}" ]]; then line=$(chat "$port" "$key" 0 1 20 "$slice" "$RATE")
    else line=$(chat "$port" "$key" "${PACE_MS:-10}" 1 10 "$slice"); fi
    t1=$(ticks "$pid"); w1=$(writer_ticks "$pid"); c1=$(commits "$port")
    n=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")
    cpu[$side]=$((cpu[$side] + t1 - t0)); req[$side]=$((req[$side] + n)); fsyncs[$side]=$((fsyncs[$side] + c1 - c0))
    writer[$side]=$((writer[$side] + w1 - w0))
    echo "round $r $side: $line cpu_ticks=$((t1 - t0)) writer_ticks=$((w1 - w0)) fsyncs=$((c1 - c0)) load=$(cut -d' ' -f1 /proc/loadavg)"
  done
done
for side in a b; do
  tree=$tree_a; [[ $side == b ]] && tree=$tree_b
  python3 -c "import sys; c = ${cpu[$side]} / $hz; r = ${req[$side]}; f = ${fsyncs[$side]}; w = ${writer[$side]} / $hz
print(f'$side ($tree): {r} requests, process CPU {c:.2f} s, CPU per request {c / r * 1e6:.0f} us'
      + f', audit writer thread {w / r * 1e6:.0f} us per request' + (f', audit fsyncs per request {f / r:.2f}' if f else ''))"
done
