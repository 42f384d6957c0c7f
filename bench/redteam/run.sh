#!/usr/bin/env bash
# Wall time of `bastion redteam --suite all` (354 probes) against local endpoints, one after the other, each a fresh
# process of the runnable jar:
#   bare      the obeying test upstream alone (app/src/test/.../ObeyingUpstream: follows every instruction it finds)
#   strict    bastion serve with the strict route in front of it, with --compare against the bare upstream (708
#             exchanges: the figure the 5-minute target is about when a deployment is compared with its model)
#   default   bastion serve with the default route in front of it
#   local     bastion serve with its own engine on a tiny random-weight llama (2 layers, 256 wide, 4096 context;
#             TinyChatModel.java), on a structure-only route so that every probe reaches the model and is answered
#             by it (up to 512 tokens each, 2 slots): the time a real local model adds
# Prints one line per run with the verdict counts and the seconds, and the strict run's per-category table.
#   bench/redteam/run.sh [CONCURRENCY]     (default 4; RUNS="strict local" runs only those)
# Sends traffic to 127.0.0.1 only. Leaves nothing running.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
concurrency="${1:-4}"
up_port=18391 strict_port=18392 default_port=18393 local_port=18394
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
cd "$root"
JAVA_HOME="$(bash -c 'source <(sed -n "/^java_major/,/^}/p;/^find_jdk/,/^}/p" ./bastion); find_jdk')"
export JAVA_HOME
./mvnw -B -q -o -DskipTests package -pl app -am >&2
./mvnw -B -q -o test-compile -pl app -am >&2
java="$JAVA_HOME/bin/java"
"$java" -cp "inference/target/test-classes:inference/target/classes" "$here/TinyChatModel.java" "$work/tiny.gguf"

# The obeying upstream on a fixed port: it binds port 0, so a small proxy is not needed; read its URL instead.
"$java" -cp "app/target/test-classes:app/target/bastion.jar:app/target/lib/*" dev.bastion.app.redteam.ObeyingUpstream \
  >"$work/upstream.out" 2>"$work/upstream.err" & pids+=($!)
for _ in $(seq 1 60); do grep -q '^listening' "$work/upstream.out" 2>/dev/null && break; sleep 0.5; done
upstream="$(sed -n 's/^listening //p' "$work/upstream.out")"
[[ -n "$upstream" ]] || { echo "bench: the obeying upstream did not start" >&2; cat "$work/upstream.err" >&2; exit 1; }

common="abuse:
  min-requests: 0
limits:
  per-key: {requests-per-minute: 0, tokens-per-minute: 0, concurrent-requests: 0}"
strict="routes:
  - name: strict
    models: [\"*\"]
    input-scanners: [structure, secrets, pii, injection, tool-injection]
    output-scanners: [secrets, exfiltration]
    prompt-canary: true
    actions: {EMAIL_ADDRESS: redact, PHONE_NUMBER: redact, US_SSN: redact}"
cloud="models:
  - name: m
    backend: openai
    base-url: $upstream
    location: cloud
    read-timeout: 30s
$common"
printf '%s\n%s\n' "$cloud" "$strict" > "$work/strict.yaml"
printf '%s\n' "$cloud" > "$work/default.yaml"
open="routes:
  - name: open
    models: [\"*\"]
    input-scanners: [structure]
    output-scanners: []"
printf 'models:\n  - name: m\n    backend: local\n    path: %s\nlocal-engine:\n  context-size: 4096\n  slots: 2\n  max-tokens: 512\n%s\n%s\n' \
  "$work/tiny.gguf" "$common" "$open" > "$work/local.yaml"
for t in strict default local; do
  port_var="${t}_port"
  "$java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -jar app/target/bastion.jar serve \
    --config "$work/$t.yaml" --data-dir "$work/data-$t" --port "${!port_var}" --console-port 0 >"$work/$t.out" 2>"$work/$t.err" & pids+=($!)
done
for t in strict default local; do
  port_var="${t}_port"
  for _ in $(seq 1 240); do curl -s -o /dev/null "http://127.0.0.1:${!port_var}/readyz" && break; sleep 0.5; done
done

redteam() { # name target key [more...]
  local name="$1" target="$2" key="$3"; shift 3
  local start end
  start="$(date +%s.%N)"
  "$java" -jar app/target/bastion.jar redteam --target "$target" --key "$key" --model m --suite all \
    --concurrency "$concurrency" --out "$work/out-$name" "$@" >"$work/$name.txt" 2>"$work/$name.err" || true
  end="$(date +%s.%N)"
  printf 'run=%s wall_s=%.1f %s\n' "$name" "$(echo "$end - $start" | bc)" "$(head -1 "$work/$name.txt")"
}
runs="${RUNS:-bare strict default local}"
for run in $runs; do
  case "$run" in
    bare) redteam bare "$upstream" "" ;;
    strict) redteam strict "http://127.0.0.1:$strict_port/v1" "$(cat "$work/data-strict/admin.key")" --compare "$upstream" ;;
    default) redteam default "http://127.0.0.1:$default_port/v1" "$(cat "$work/data-default/admin.key")" ;;
    local) redteam local "http://127.0.0.1:$local_port/v1" "$(cat "$work/data-local/admin.key")" ;;
  esac
done
for run in $runs; do
  echo "== $run: per category, then the target's statuses and refusal reasons"
  sed -n '2,$p' "$work/$run.txt" | grep -v '^reports:'
  python3 - "$work/out-$run/redteam.json" <<'PY'
import collections, json, sys
results = json.load(open(sys.argv[1]))["results"]
counts = collections.Counter((r["target"]["status"], r["target"]["reason"]) for r in results)
for (status, reason), n in sorted(counts.items()):
    print(f"  status {status} {reason or '-'}: {n}")
PY
done
