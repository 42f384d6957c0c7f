#!/usr/bin/env bash
# Time from starting `bin/bastion serve` to the first streamed token of a pulled local model, as in the README tour:
# a fresh data directory, MODEL.gguf copied to <data-dir>/models/ (where `bastion model pull` puts it), no config,
# the admin key written at first start, one streamed chat by curl. Prints the time to ready, to the first content
# chunk, and the server's CPU time by then.
#   packaging/first-token.sh UNPACKED_RELEASE_DIR MODEL.gguf [LOGIT_BIAS_JSON]
set -euo pipefail
dir="$(cd "${1:?usage: packaging/first-token.sh UNPACKED_RELEASE_DIR MODEL.gguf [LOGIT_BIAS_JSON]}" && pwd)"
model="${2:?the GGUF file to serve}"
bias="${3:-{\}}"
name="$(basename "$model" .gguf)"
port=$(( 20000 + RANDOM % 20000 ))
data="$(mktemp -d)"
mkdir -p "$data/data/models"
cp "$model" "$data/data/models/"
start=$(date +%s%N)
env -i PATH=/usr/bin:/bin HOME="$data" "$dir/bin/bastion" serve --data-dir "$data/data" --port "$port" --console-port 0 \
  >"$data/out.txt" 2>"$data/err.txt" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT
ready=""
for ((t = 0; t < 6000; t++)); do
  if [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)" == 200 ]]; then
    ready=$(date +%s%N); break
  fi
  kill -0 "$pid" 2>/dev/null || { echo "first-token: serve exited:" >&2; cat "$data/err.txt" >&2; exit 1; }
  sleep 0.01
done
[[ -n "$ready" ]] || { echo "first-token: never ready" >&2; exit 1; }
key="$(cat "$data/data/admin.key")"
body="{\"model\":\"$name\",\"stream\":true,\"max_tokens\":8,\"logit_bias\":$bias,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}"
first=""
while IFS= read -r line; do
  if [[ -z "$first" && "$line" == data:* && "$line" == *'"content":"'[^\"]* ]]; then
    first=$(date +%s%N)
  fi
done < <(curl -sN "http://127.0.0.1:$port/v1/chat/completions" -H "Authorization: Bearer $key" \
  -H "Content-Type: application/json" -d "$body")
[[ -n "$first" ]] || { echo "first-token: no content chunk streamed; server log:" >&2; cat "$data/err.txt" >&2; exit 1; }
cpu_ms=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$pid/stat")
echo "ready in $(( (ready - start) / 1000000 )) ms; first streamed token $(( (first - start) / 1000000 )) ms after start" \
  "(server CPU $cpu_ms ms; load average $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores)"
