#!/usr/bin/env bash
# Where a paced request's time goes, from the gateway's own histograms: one gateway (one-gateway.sh: nginx upstream,
# embedded defaults; BENCH_BASTION_ROOT picks another build's tree, BENCH_ENV adds environment, for example
# BASTION_AUDIT_DURABILITY=async), warmed WARM2 more seconds (default 10) at the rate, then SECS seconds (default 15)
# on a fixed schedule of RATE requests/s (default 1000, request.lua's BENCH_RATE over 20 connections). /metrics is
# read before and after; per request it prints the mean time of each pipeline stage
# (bastion_stage_duration_seconds), of the backend call (bastion_backend_duration_seconds) and of the whole request
# (bastion_request_duration_seconds), and the share of requests over 1, 2.5 and 5 ms in each, from the histograms'
# buckets. The stages are timed inside the handler: what they do not cover (the server reading and writing the
# HTTP exchange, waits for a carrier thread) is the request's time less their sum, and wrk's latency adds the
# loopback and the client. Needs wrk, nginx and JDK 25.
#
#   bench/gateway-overhead/latency-stages.sh
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/one-gateway.sh"
paced() { # seconds -> RESULT line
  BENCH_AUTH="Bearer $key" BENCH_EXTRA_HEADERS="" BENCH_DELAY_MS=0 BENCH_BODY_FILE="" BENCH_RATE="${RATE:-1000}" \
    wrk -t1 -c20 -d"$1"s --latency -s "$here/request.lua" "http://127.0.0.1:$bastion_port/v1/chat/completions" | grep '^RESULT'
}
paced "${WARM2:-10}" >/dev/null
curl -s "http://127.0.0.1:$bastion_port/metrics" > "$work/m0"
line=$(paced "${SECS:-15}")
curl -s "http://127.0.0.1:$bastion_port/metrics" > "$work/m1"
echo "$line load=$(cut -d' ' -f1 /proc/loadavg)"
python3 - "$work/m0" "$work/m1" <<'PY'
import re, sys, collections
def read(path):
    sums, counts, buckets = {}, {}, collections.defaultdict(dict)
    for line in open(path):
        m = re.match(r'^(bastion_(?:stage|backend|request)_duration_seconds)_(sum|count|bucket)\{([^}]*)\} (\S+)', line)
        if not m:
            continue
        name, kind, labels, value = m.group(1), m.group(2), m.group(3), float(m.group(4))
        label = dict(re.findall(r'(\w+)="([^"]*)"', labels))
        le = label.pop("le", None)
        key = (name.split("_")[1], ",".join(f"{k}={v}" for k, v in sorted(label.items())))
        if kind == "sum": sums[key] = sums.get(key, 0) + value
        elif kind == "count": counts[key] = counts.get(key, 0) + value
        else: buckets[key][le] = buckets[key].get(le, 0) + value
    return sums, counts, buckets
s0, c0, b0 = read(sys.argv[1]); s1, c1, b1 = read(sys.argv[2])
rows = []
for key in c1:
    n = c1[key] - c0.get(key, 0)
    if n <= 0:
        continue
    mean_us = (s1[key] - s0.get(key, 0)) / n * 1e6
    def over(ms):
        le = [k for k in b1[key] if k != "+Inf" and abs(float(k) - ms / 1000) < 1e-9]
        if not le: return "  -  "
        under = b1[key][le[0]] - b0[key].get(le[0], 0)
        return f"{(n - under) / n * 100:4.1f}%"
    rows.append((key, n, mean_us, over(1), over(2.5), over(5)))
print(f"{'histogram':10s} {'labels':44s} {'count':>7s} {'mean us':>8s}  >1ms   >2.5ms  >5ms")
for (kind, labels), n, mean, o1, o2, o5 in sorted(rows, key=lambda r: (r[0][0] != "request", -r[2])):
    print(f"{kind:10s} {labels[:44]:44s} {n:7.0f} {mean:8.0f}  {o1}  {o2}  {o5}")
PY
