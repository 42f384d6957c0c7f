#!/usr/bin/env bash
# Latency the default route adds to a 2 KB prompt bound for a cloud model, side by side in one run: wrk against a
# loopback upstream (nginx answering a fixed chat completion) directly, through Bastion with the default route
# (structure, secrets, pii, injection, tool-injection on input; secrets on output; structured identifiers pseudonymised on the
# way out and restored in the answer), and through Bastion with only the structural checks. The prompt is ordinary
# prose of about 2 KB with an e-mail address, a phone number and an IBAN in it, so every control does real work.
#
#   bench/default-route/run.sh [ROUNDS] [SECONDS]     (defaults: 3 rounds of 15 s per target)
#
# Needs wrk and nginx (Debian packages wrk, nginx-light). Sends traffic to 127.0.0.1 only. Leaves nothing running.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rounds="${1:-3}"
seconds="${2:-15}"
up_port=18281 full_port=18282 plain_port=18283
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
# shellcheck source=../lib/upstream.sh
source "$here/../lib/upstream.sh"
for tool in wrk nginx python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install -y wrk nginx-light)" >&2; exit 1; }
done

start_chat_upstream "$work" "$up_port" "I have drafted the reply to the customer and kept the account details as given." 500 20

python3 "$here/../lib/business-prompt.py" "$work/body.json"

(cd "$root" && ./bastion --version >/dev/null)
model="models:
  - name: bench-model
    backend: openai
    base-url: http://127.0.0.1:$up_port/v1
    location: cloud
limits:
  per-key: {requests-per-minute: 0, tokens-per-minute: 0, concurrent-requests: 0}"
printf '%s\n' "$model" > "$work/full.yaml"
printf '%s\nroutes:\n  - name: plain\n    input-scanners: [structure]\n    output-scanners: []\n' "$model" > "$work/plain.yaml"
for t in full plain; do
  port_var="${t}_port"
  (cd "$root" && exec ./bastion serve --config "$work/$t.yaml" --data-dir "$work/data-$t" --port "${!port_var}" --console-port 0 \
    >"$work/$t.out" 2>"$work/$t.err") & pids+=($!)
done
wait_for "http://127.0.0.1:$up_port/"
wait_for "http://127.0.0.1:$full_port/healthz"
wait_for "http://127.0.0.1:$plain_port/healthz"

declare -A url auth
url[direct]="http://127.0.0.1:$up_port/v1/chat/completions"; auth[direct]=""
url[full]="http://127.0.0.1:$full_port/v1/chat/completions"; auth[full]="Bearer $(cat "$work/data-full/admin.key")"
url[plain]="http://127.0.0.1:$plain_port/v1/chat/completions"; auth[plain]="Bearer $(cat "$work/data-plain/admin.key")"
run() { # target seconds -> RESULT line; 4 connections, each pausing 20 ms between requests (~200 requests/s at most)
  BENCH_BODY_FILE="$work/body.json" BENCH_AUTH="${auth[$1]}" BENCH_DELAY_MS=20 \
    wrk -t1 -c4 -d"${2}s" --latency -s "$here/../gateway-overhead/request.lua" "${url[$1]}" | grep '^RESULT'
}
check="$(curl -s -H "Authorization: ${auth[full]}" -H 'Content-Type: application/json' --data-binary @"$work/body.json" \
  -D - -o /dev/null "${url[full]}" | tr -d '\r' | grep -i '^x-bastion-route' || true)"
echo "bench: default route decision on the prompt: ${check:-none}" >&2
echo "bench: warming up (20 s per gateway)" >&2
run full 20 >/dev/null
run plain 20 >/dev/null
results="$work/results.txt"
for r in $(seq 1 "$rounds"); do
  for target in direct full plain; do
    echo "round=$r target=$target $(run "$target" "$seconds")" | tee -a "$results" >&2
  done
done
python3 - "$results" <<'PY'
import re, statistics, sys
rows = [dict(re.findall(r"(\w+)=([\w.]+)", line)) for line in open(sys.argv[1])]
def med(target, field):
    return statistics.median(float(r[field]) for r in rows if r["target"] == target)
bad = sum(int(r["non200"]) + int(r["socket_errors"]) for r in rows)
print("| target | rps | p50 µs | p90 µs | p99 µs |")
print("|---|---|---|---|---|")
names = {"direct": "direct (nginx)", "full": "Bastion, default route", "plain": "Bastion, structure only"}
for t in ("direct", "full", "plain"):
    print(f"| {names[t]} | {med(t,'rps'):.0f} | {med(t,'p50_us'):.0f} | {med(t,'p90_us'):.0f} | {med(t,'p99_us'):.0f} |")
for t in ("full", "plain"):
    print(f"{names[t]} adds p50 {(med(t,'p50_us')-med('direct','p50_us'))/1000:.2f} ms, "
          f"p99 {(med(t,'p99_us')-med('direct','p99_us'))/1000:.2f} ms (medians of {len(rows)//3} rounds)")
print(f"non-200 answers and socket errors over all runs: {bad}")
PY
