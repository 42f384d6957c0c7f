#!/usr/bin/env bash
# CPU per proxied request: Bastion in front of nginx (one-gateway.sh), then paced (~1,000 requests/s, wrk -t1 -c10
# with request.lua's 10 ms delay) and full rate for SECS seconds each (default 20); process CPU time from
# /proc/PID/stat divided by the requests answered. Needs wrk and nginx.
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
measure paced 10 1 10
measure max 0 2 64
