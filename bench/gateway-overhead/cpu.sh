#!/usr/bin/env bash
# CPU per proxied request: Bastion in front of nginx (one-gateway.sh), then paced (~1,000 requests/s, wrk -t1 -c10
# with request.lua's 10 ms delay) and full rate for SECS seconds each (default 20); process CPU time from
# /proc/PID/stat divided by the requests answered. The paced run's RESULT line also gives its latency; nginx alone,
# paced the same way, comes first for the latency the gateway adds, and the load average last (the machine is
# shared: CPU per request moves with it). Needs wrk and nginx. Before/after: BENCH_BASTION_ROOT (one-gateway.sh).
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/one-gateway.sh"
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14+$15}' "/proc/$jpid/stat"; }
measure() { # label delay threads conns
  local t0 t1 line
  t0=$(ticks); line=$(chat_wrk "$2" "$3" "$4" "${SECS:-20}"); t1=$(ticks)
  echo "$line"
  python3 -c "import re, sys; r = int(re.search(r'requests=([0-9]+)', sys.argv[2]).group(1)); c = ($t1 - $t0) / $hz
print(f'{sys.argv[1]}: {r} requests, process CPU {c:.2f} s, CPU per request {c / r * 1e6:.0f} us')" "$1" "$line"
}
echo "direct (nginx, paced): $(BENCH_AUTH="" BENCH_EXTRA_HEADERS="" BENCH_DELAY_MS=10 BENCH_BODY_FILE="" \
  wrk -t1 -c10 -d"${SECS:-20}"s --latency -s "$here/request.lua" "http://127.0.0.1:$up_port/v1/chat/completions" | grep '^RESULT')"
measure paced 10 1 10
measure max 0 2 64
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
