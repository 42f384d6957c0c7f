#!/usr/bin/env bash
# bastion redteam and promptfoo's red team (npm promptfoo 0.123.1, offline plugins only) against the same endpoints in
# one run (docs/redteam.md, "Peer: promptfoo"):
#   bare      the obeying test upstream alone (app/src/test/.../ObeyingUpstream)
#   default   bastion serve with the default route in front of it
#   strict    bastion serve with the strict route of RedteamGatewayTest in front of it
# bastion redteam --suite all runs against default and strict, each with --compare bare; promptfoo's generated test
# set (`promptfoo redteam generate`, assertions removed) runs against all three in one `promptfoo eval`. Prints the
# wall time of each step, one table per tool and OWASP LLM 2025 category (attacks sent, worked bare, stopped by
# Bastion, got through), then the overlap (summarize.py).
#   bench/redteam-peer/run.sh
#   PROMPTFOO=path/to/promptfoo (default /work/tools/promptfoo/node_modules/.bin/promptfoo)
#   NODE_DIR=dir holding a Node.js >= 22.22 `node` (promptfoo 0.123.1 refuses older ones; default
#            /work/tools/node22/node_modules/node/bin, used when it exists)
#   KEEP=DIR keeps the reports (redteam.json per route, promptfoo's tests and results) in DIR.
# Both are installed outside the repository, from the npm registry:
#   npm install --prefix /work/tools/promptfoo promptfoo@0.123.1 --no-audit --no-fund
#   npm install --prefix /work/tools/node22 node@22 --no-audit --no-fund
# Sends traffic to 127.0.0.1 only: remote generation, remote grading, telemetry and update checks are switched off.
# Leaves nothing running.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
promptfoo="${PROMPTFOO:-/work/tools/promptfoo/node_modules/.bin/promptfoo}"
node_dir="${NODE_DIR:-/work/tools/node22/node_modules/node/bin}"
[[ -x "$node_dir/node" ]] && export PATH="$node_dir:$PATH"
[[ -x "$promptfoo" ]] || { echo "bench: promptfoo not found at $promptfoo; install it with" \
  "npm install --prefix DIR promptfoo@0.123.1 --no-audit --no-fund and set PROMPTFOO" >&2; exit 1; }
strict_port=18395 default_port=18396
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
  if [[ -n "${KEEP:-}" ]]; then mkdir -p "$KEEP"; cp -r "$work"/out-* "$work"/promptfoo-* "$work"/*.txt "$KEEP"/ 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
cd "$root"
JAVA_HOME="$(bash -c 'source <(sed -n "/^java_major/,/^}/p;/^find_jdk/,/^}/p" ./bastion); find_jdk')"
export JAVA_HOME
./mvnw -B -q -o -DskipTests package -pl app -am >&2
./mvnw -B -q -o test-compile -pl app -am >&2
java="$JAVA_HOME/bin/java"

"$java" -cp "app/target/test-classes:app/target/bastion.jar:app/target/lib/*" dev.bastion.app.redteam.ObeyingUpstream \
  >"$work/upstream.out" 2>"$work/upstream.err" & pids+=($!)
for _ in $(seq 1 60); do grep -q '^listening' "$work/upstream.out" 2>/dev/null && break; sleep 0.5; done
upstream="$(sed -n 's/^listening //p' "$work/upstream.out")"
[[ -n "$upstream" ]] || { echo "bench: the obeying upstream did not start" >&2; cat "$work/upstream.err" >&2; exit 1; }

# The configuration of RedteamGatewayTest: one cloud model on the upstream, the abuse monitor and rate limits off (or
# they would, rightly, stop the run itself), and for strict its STRICT route.
cloud="models:
  - name: m
    backend: openai
    base-url: $upstream
    location: cloud
    read-timeout: 30s
    max-retries: 0
abuse:
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
printf '%s\n%s\n' "$cloud" "$strict" > "$work/strict.yaml"
printf '%s\n' "$cloud" > "$work/default.yaml"
for t in strict default; do
  port_var="${t}_port"
  "$java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -jar app/target/bastion.jar serve \
    --config "$work/$t.yaml" --data-dir "$work/data-$t" --port "${!port_var}" --console-port 0 >"$work/$t.out" 2>"$work/$t.err" & pids+=($!)
done
for t in strict default; do
  port_var="${t}_port"
  for _ in $(seq 1 240); do curl -s -o /dev/null "http://127.0.0.1:${!port_var}/readyz" && break; sleep 0.5; done
done
strict_key="$(cat "$work/data-strict/admin.key")"
default_key="$(cat "$work/data-default/admin.key")"

seconds() { echo "$(date +%s.%N) - $1" | bc; }

# bastion redteam: the whole shipped suite, each gateway compared with the bare upstream.
for t in default strict; do
  key_var="${t}_key" port_var="${t}_port"
  start="$(date +%s.%N)"
  "$java" -jar app/target/bastion.jar redteam --target "http://127.0.0.1:${!port_var}/v1" --key "${!key_var}" --model m \
    --suite all --compare "$upstream" --out "$work/out-$t" >"$work/bastion-$t.txt" 2>"$work/bastion-$t.err" || true
  printf 'step=bastion-redteam route=%s wall_s=%.1f %s\n' "$t" "$(seconds "$start")" "$(head -1 "$work/bastion-$t.txt")"
done

# promptfoo: its plugins and strategies that run with no remote service and no LLM (see the list in
# promptfooconfig.yaml), generated once, then evaluated against bare, default and strict in the same eval.
export PROMPTFOO_DISABLE_TELEMETRY=1 PROMPTFOO_DISABLE_REMOTE_GENERATION=true PROMPTFOO_DISABLE_REDTEAM_REMOTE_GENERATION=true \
  PROMPTFOO_DISABLE_UPDATE=1 PROMPTFOO_DISABLE_SHARING=1 PROMPTFOO_CONFIG_DIR="$work/promptfoo-home" \
  PROMPTFOO_CACHE_ENABLED=false PROMPTFOO_REQUEST_BACKOFF_MS=10 OPENAI_API_KEY=unused NO_COLOR=1
export BARE_URL="$upstream" STRICT_URL="http://127.0.0.1:$strict_port/v1" STRICT_KEY="$strict_key" \
  DEFAULT_URL="http://127.0.0.1:$default_port/v1" DEFAULT_KEY="$default_key"
mkdir -p "$work/promptfoo-home" "$work/promptfoo-out"
start="$(date +%s.%N)"
"$promptfoo" redteam generate -c "$here/promptfooconfig.yaml" -o "$work/promptfoo-out/tests.yaml" --force \
  >"$work/promptfoo-generate.txt" 2>&1 || { echo "bench: promptfoo redteam generate failed:" >&2; tail -40 "$work/promptfoo-generate.txt" >&2; exit 1; }
printf 'step=promptfoo-generate wall_s=%.1f tests=%s\n' "$(seconds "$start")" \
  "$(python3 -c 'import sys,yaml; print(len(yaml.safe_load(open(sys.argv[1]))["tests"]))' "$work/promptfoo-out/tests.yaml" 2>/dev/null || echo '?')"
# The intent plugin's grader is an LLM rubric (promptfoo:redteam:intent), which has no model to run on here: left in,
# every grading call retries api.openai.com and fails. So the assertions are removed and promptfoo records the answers;
# summarize.py judges them (see there).
# Written as JSON: PyYAML's dump of the long jailbreak templates is YAML that promptfoo's js-yaml refuses.
python3 - "$work/promptfoo-out/tests.yaml" "$work/promptfoo-out/tests-ungraded.json" <<'PY'
import json, sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
for t in d["tests"]:
    t.pop("assert", None)
d.pop("defaultTest", None)
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False, default=str)
PY
start="$(date +%s.%N)"
"$promptfoo" eval -c "$work/promptfoo-out/tests-ungraded.json" -o "$work/promptfoo-out/results.json" -j 4 --no-progress-bar \
  --no-table --no-share --no-cache -x "file://$here/keep-going.cjs:afterEach" >"$work/promptfoo-eval.txt" 2>&1 || true
printf 'step=promptfoo-eval targets=3 wall_s=%.1f\n' "$(seconds "$start")"
[[ -s "$work/promptfoo-out/results.json" ]] || { echo "bench: promptfoo wrote no results:" >&2; tail -40 "$work/promptfoo-eval.txt" >&2; exit 1; }
python3 "$here/summarize.py" "$work/out-default/redteam.json" "$work/out-strict/redteam.json" "$work/promptfoo-out/results.json" \
  "$here/promptfooconfig.yaml"
