#!/usr/bin/env bash
# CPU per proxied request: Bastion in front of nginx, 20 s of warm-up at full rate, then paced (~1,000 requests/s,
# wrk -t1 -c10 with request.lua's 10 ms delay) and full rate for SECS seconds each (default 20); process CPU time from
# /proc/PID/stat divided by the requests answered. Needs wrk and nginx.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"; root="$(cd "$here/../.." && pwd)"
source "$root/bench/lib/upstream.sh"
work=$(mktemp -d); pids=()
trap 'kill ${pids[@]} 2>/dev/null; nginx -s stop -c $work/nginx.conf 2>/dev/null || true' EXIT
up_port=18181 bastion_port=18080
start_chat_upstream "$work" "$up_port" "Local inference keeps sensitive data on your own machines." 20 10
cat > "$work/bastion.yaml" <<YAML
models:
  - name: bench-model
    backend: openai
    base-url: http://127.0.0.1:$up_port/v1
    location: local
limits:
  per-key: {requests-per-minute: 0, tokens-per-minute: 0, concurrent-requests: 0}
YAML
(cd "$root" && exec ./bastion serve --config "$work/bastion.yaml" --data-dir "$work/data" --port $bastion_port >"$work/bastion.out" 2>"$work/bastion.err") & pid=$!; pids+=($pid)
wait_for "http://127.0.0.1:$bastion_port/healthz"
key="$(cat "$work/data/admin.key")"
run() { BENCH_AUTH="Bearer $key" BENCH_EXTRA_HEADERS="" BENCH_DELAY_MS="$1" BENCH_BODY_FILE="" wrk -t"$2" -c"$3" -d"$4"s --latency -s "$here/request.lua" "http://127.0.0.1:$bastion_port/v1/chat/completions" | grep RESULT; }
run 0 2 64 20 >/dev/null
jpid=$(pgrep -f "bastion.*serve --config $work" | head -1)
ticks() { awk '{print $14+$15}' /proc/$jpid/stat; }
t0=$(ticks); line=$(run 10 1 10 ${SECS:-20}); t1=$(ticks)
req=$(echo "$line" | sed -E 's/.*requests=([0-9]+).*/\1/')
hz=$(getconf CLK_TCK)
echo "$line"
python3 -c "print(f'paced: {$req} requests, process CPU {($t1-$t0)/$hz:.2f} s, CPU per request {($t1-$t0)/$hz/$req*1e6:.0f} us')"
t0=$(ticks); line=$(run 0 2 64 ${SECS:-20}); t1=$(ticks)
req=$(echo "$line" | sed -E 's/.*requests=([0-9]+).*/\1/')
echo "$line"
python3 -c "print(f'max: {$req} requests, process CPU {($t1-$t0)/$hz:.2f} s, CPU per request {($t1-$t0)/$hz/$req*1e6:.0f} us')"
