#!/usr/bin/env bash
# Allocation per proxied request: Bastion in front of nginx, 20 s of warm-up at full rate, then a JFR recording
# (profile settings) over 20 s paced at ~1,000 requests/s; the sum of jdk.ObjectAllocationSample weights (JFR's
# estimate of all allocation) divided by the requests answered. Needs wrk, nginx and JDK 25.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"; root="$(cd "$here/../.." && pwd)"
source "$root/bench/lib/upstream.sh"
work=$(mktemp -d); pids=()
trap 'kill ${pids[@]} 2>/dev/null; nginx -s stop -c $work/nginx.conf 2>/dev/null || true' EXIT
up_port=18181 bastion_port=18080
start_chat_upstream "$work" "$up_port" "Local inference keeps sensitive data on your own machines." 20 10
printf 'models:\n  - name: bench-model\n    backend: openai\n    base-url: http://127.0.0.1:%s/v1\n    location: local\nlimits:\n  per-key: {requests-per-minute: 0, tokens-per-minute: 0, concurrent-requests: 0}\n' $up_port > "$work/bastion.yaml"
(cd "$root" && exec ./bastion serve --config "$work/bastion.yaml" --data-dir "$work/data" --port $bastion_port >"$work/bastion.out" 2>"$work/bastion.err") & pids+=($!)
wait_for "http://127.0.0.1:$bastion_port/healthz"
key="$(cat "$work/data/admin.key")"
run() { BENCH_AUTH="Bearer $key" BENCH_EXTRA_HEADERS="" BENCH_DELAY_MS="$1" BENCH_BODY_FILE="" wrk -t"$2" -c"$3" -d"$4"s --latency -s "$here/request.lua" "http://127.0.0.1:$bastion_port/v1/chat/completions" | grep RESULT; }
run 0 2 64 20 >/dev/null
jpid=$(pgrep -f "bastion.*serve --config $work" | head -1)
"${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/jcmd" $jpid JFR.start name=a settings=profile filename=$work/a.jfr >/dev/null
line=$(run 10 1 10 20)
"${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/jcmd" $jpid JFR.stop name=a >/dev/null
echo "$line"
"${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/jfr" print --events jdk.ObjectAllocationSample "$work/a.jfr" | python3 -c "
import re, sys
total = sum(float(m.group(1)) * {'B': 1, 'kB': 1e3, 'MB': 1e6, 'GB': 1e9}[m.group(2)]
            for m in (re.search(r'weight = ([0-9.]+) ([kMG]?B)', l) for l in sys.stdin) if m)
req = int(re.search(r'requests=([0-9]+)', sys.argv[1]).group(1))
print(f'allocated (JFR sample weights) {total / 1e6:.0f} MB over {req} requests: {total / req / 1e3:.0f} kB per request')
" "$line"
