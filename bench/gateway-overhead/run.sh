#!/usr/bin/env bash
# Gateway overhead, side by side in one run: wrk against a loopback upstream (nginx answering a fixed chat
# completion) directly, through Bastion, and through the Portkey gateway. Reports each target's latency paced two
# ways, and its maximum requests/s, and the latency each gateway adds over the direct path:
#  - paced: 10 connections, each waiting 10 ms after an answer before its next request (a closed loop: ~1,000
#    requests/s only when latency is near zero; 10 / (10 ms + mean latency) otherwise, so a slower target is also
#    sent fewer requests);
#  - rate: a fixed schedule of 1,000 requests/s (request.lua's BENCH_RATE) over 20 connections: the rate is held
#    whatever the latency up to 20 ms, and a target that cannot keep up answers fewer.
# Bastion is
# measured on /v1/chat/completions and on the endpoints translated onto the chat pipeline (/v1/responses,
# /v1/completions, /v1/messages), against the same upstream chat answer.
#
#   bench/gateway-overhead/run.sh [ROUNDS] [SECONDS]     (defaults: 3 rounds of 15 s per measurement)
#   BENCH_TARGETS="direct bastion bastion-messages" ...  (a subset; default: all, Portkey included)
#   BENCH_TARGETS="direct bastion bastion-jdk portkey" ...  (bastion-jdk: the gateway with the JDK HttpClient upstream)
#
# Needs: wrk and nginx (Debian packages wrk, nginx-light), node and npm (Portkey is installed into .cache/).
# Sends traffic to 127.0.0.1 only. Leaves nothing running.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rounds="${1:-3}"
seconds="${2:-15}"
portkey_version=1.15.2
up_port=18181 bastion_port=18080 bastion_jdk_port=18082 portkey_port=18787
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
# shellcheck source=../lib/upstream.sh
source "$here/../lib/upstream.sh"

for port in $up_port $bastion_port $bastion_jdk_port $portkey_port; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    echo "bench: port $port is already in use; stop whatever listens there first" >&2; exit 1
  fi
done
for tool in wrk nginx node npm; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install -y wrk nginx-light nodejs npm)" >&2; exit 1; }
done

# 1. The upstream: nginx with a fixed OpenAI chat.completion answer.
start_chat_upstream "$work" "$up_port" "Local inference keeps sensitive data on your own machines." 20 10

targets="${BENCH_TARGETS:-direct bastion bastion-responses bastion-completions bastion-messages portkey}"
with_portkey=false; [[ " $targets " == *" portkey "* ]] && with_portkey=true

# 2. Portkey, pinned, installed outside the repository's tracked files.
if $with_portkey; then
  cache="$here/.cache"
  if [[ ! -f "$cache/node_modules/@portkey-ai/gateway/build/start-server.js" ]]; then
    mkdir -p "$cache"
    (cd "$cache" && npm install --no-audit --no-fund --loglevel=error "@portkey-ai/gateway@$portkey_version" >&2)
  fi
  (cd "$cache" && NODE_ENV=production exec node node_modules/@portkey-ai/gateway/build/start-server.js --port=$portkey_port --headless >"$work/portkey.log" 2>&1) & pids+=($!)
fi

# 3. Bastion on embedded defaults plus one model pointing at nginx, without rate limits.
(cd "$root" && ./bastion --version >/dev/null)
write_bench_config "$work" "$up_port"
start_bench_gateway "$root" "$work" "$bastion_port" data

# 3b. The same gateway with the JDK HttpClient as its upstream client (server.upstream-client: jdk), when asked for.
with_jdk=false; [[ " $targets " == *" bastion-jdk "* ]] && with_jdk=true
if $with_jdk; then
  start_bench_gateway "$root" "$work" "$bastion_jdk_port" data-jdk BASTION_SERVER_UPSTREAM_CLIENT=jdk
fi

wait_for "http://127.0.0.1:$up_port/"
wait_for "http://127.0.0.1:$bastion_port/healthz"
if $with_jdk; then wait_for "http://127.0.0.1:$bastion_jdk_port/healthz"; fi
if $with_portkey; then wait_for "http://127.0.0.1:$portkey_port/"; fi
key="$(cat "$work/data/admin.key")"

# The same short question in each API's request shape (the chat body is request.lua's own).
question="Summarise the benefits of local inference in one sentence."
printf '{"model":"bench-model","input":"%s"}' "$question" > "$work/responses.json"
printf '{"model":"bench-model","prompt":"%s","max_tokens":64}' "$question" > "$work/completions.json"
printf '{"model":"bench-model","max_tokens":256,"messages":[{"role":"user","content":"%s"}]}' "$question" > "$work/messages.json"

declare -A auth extra url body
url[direct]="http://127.0.0.1:$up_port/v1/chat/completions"; auth[direct]=""; extra[direct]=""
url[bastion]="http://127.0.0.1:$bastion_port/v1/chat/completions"; auth[bastion]="Bearer $key"; extra[bastion]=""
url[portkey]="http://127.0.0.1:$portkey_port/v1/chat/completions"; auth[portkey]="Bearer sk-bench"
if $with_jdk; then
  url[bastion-jdk]="http://127.0.0.1:$bastion_jdk_port/v1/chat/completions"
  auth[bastion-jdk]="Bearer $(cat "$work/data-jdk/admin.key")"; extra[bastion-jdk]=""
fi
extra[portkey]="x-portkey-provider: openai|x-portkey-custom-host: http://127.0.0.1:$up_port/v1"
for api in responses completions messages; do
  url[bastion-$api]="http://127.0.0.1:$bastion_port/v1/$api"; auth[bastion-$api]="Bearer $key"; extra[bastion-$api]=""
  body[bastion-$api]="$work/$api.json"
done
auth[bastion-messages]=""; extra[bastion-messages]="x-api-key: $key|anthropic-version: 2023-06-01"

run() { # target mode(paced|max) seconds -> RESULT line
  local target="$1" mode="$2" secs="$3" delay=0 rate=0 threads=2 conns=64
  if [[ "$mode" == paced ]]; then delay=10; threads=1; conns=10; fi
  if [[ "$mode" == rate ]]; then rate=1000; threads=1; conns=20; fi
  BENCH_AUTH="${auth[$target]}" BENCH_EXTRA_HEADERS="${extra[$target]}" BENCH_DELAY_MS="$delay" BENCH_RATE="$rate" \
    BENCH_BODY_FILE="${body[$target]:-}" \
    wrk -t"$threads" -c"$conns" -d"${secs}s" --latency -s "$here/request.lua" "${url[$target]}" | grep '^RESULT'
}

echo "bench: warming up (20 s per gateway)" >&2
# The client-only probe: the JDK HttpClient calling the upstream directly, as the gateway's backend does.
java_bin="$(cd "$root" && JAVA_HOME= bash -c 'source <(sed -n "/^java_major/,/^}/p;/^find_jdk/,/^}/p" ./bastion); find_jdk')/bin/java"
"$java_bin" "$here/JdkClientProbe.java" "http://127.0.0.1:$up_port/v1/chat/completions" 3 > "$work/probe.txt"
cat "$work/probe.txt" >&2
run bastion max 20 >/dev/null
if $with_jdk; then run bastion-jdk max 20 >/dev/null; fi
if $with_portkey; then run portkey max 20 >/dev/null; fi
results="$work/results.txt"
for r in $(seq 1 "$rounds"); do
  for target in $targets; do
    for mode in paced rate max; do
      line="$(run "$target" "$mode" "$seconds")"
      echo "round=$r target=$target mode=$mode $line" | tee -a "$results" >&2
    done
  done
done

python3 - "$results" <<'PY'
import re, statistics, sys
rows = [dict(re.findall(r"(\w+)=([\w.-]+)", line)) for line in open(sys.argv[1])]
present = list(dict.fromkeys(r["target"] for r in rows))
def med(target, mode, field):
    return statistics.median(float(r[field]) for r in rows if r["target"] == target and r["mode"] == mode)
def spread(target, mode, field):
    v = [float(r[field]) for r in rows if r["target"] == target and r["mode"] == mode]
    return f"{min(v):.0f}-{max(v):.0f}"
bad = sum(int(r["non200"]) + int(r["socket_errors"]) for r in rows)
print("| target | paced rps | p50 µs | p90 µs | p99 µs | rate 1,000/s: rps | p50 µs | p99 µs | max rps (64 conns) |")
print("|---|---|---|---|---|---|---|---|---|")
for t in present:
    print(f"| {t} | {med(t,'paced','rps'):.0f} | {med(t,'paced','p50_us'):.0f} | {med(t,'paced','p90_us'):.0f} "
          f"| {med(t,'paced','p99_us'):.0f} (range {spread(t,'paced','p99_us')}) | {med(t,'rate','rps'):.0f} "
          f"| {med(t,'rate','p50_us'):.0f} | {med(t,'rate','p99_us'):.0f} (range {spread(t,'rate','p99_us')}) "
          f"| {med(t,'max','rps'):.0f} |")
print()
for t in [t for t in present if t != "direct"]:
    print(f"- {t} adds p50 {med(t,'paced','p50_us') - med('direct','paced','p50_us'):.0f} µs, "
          f"p99 {med(t,'paced','p99_us') - med('direct','paced','p99_us'):.0f} µs at ~{med(t,'paced','rps'):.0f} requests/s (paced); "
          f"p50 {med(t,'rate','p50_us') - med('direct','rate','p50_us'):.0f} µs, "
          f"p99 {med(t,'rate','p99_us') - med('direct','rate','p99_us'):.0f} µs at {med(t,'rate','rps'):.0f} requests/s (rate)")
for t in [t for t in present if t.startswith("bastion-")]:
    print(f"- {t} against chat: p50 {med(t,'paced','p50_us') - med('bastion','paced','p50_us'):+.0f} µs, "
          f"p99 {med(t,'paced','p99_us') - med('bastion','paced','p99_us'):+.0f} µs, "
          f"max requests/s {med(t,'max','rps') / med('bastion','max','rps'):.2f}x")
if "portkey" in present:
    ab = med('bastion','paced','p99_us') - med('direct','paced','p99_us')
    ap = med('portkey','paced','p99_us') - med('direct','paced','p99_us')
    print(f"- added p99, Bastion / Portkey: {ab / ap:.2f}" if ap > 0 else "- Portkey added no p99")
    print(f"- max requests/s, Bastion / Portkey: {med('bastion','max','rps') / med('portkey','max','rps'):.2f}")
print(f"- non-200 answers and socket errors in all runs: {bad}")
PY
echo
echo "JDK HttpClient alone against the upstream (10 virtual threads, 10 ms pause, 8 s per round; last round counts):"
tail -n1 "$work/probe.txt"
