#!/usr/bin/env bash
# What Redis spends per gateway request (issue 21), measured in isolation: one `bastion serve` replica on the shared
# limiter (PostgreSQL store, Redis limits), a small wrk load straight at it (no haproxy), and Redis's own accounting
# around the load: `INFO cpu` (used_cpu_user + used_cpu_sys of the server process) before and after, divided by the
# requests wrk completed, and `INFO commandstats` (calls and microseconds per command) after a `CONFIG RESETSTAT`.
#
#   bench/cluster/redis-cost.sh [SECONDS] [CONNECTIONS]    (default 10 s, 8 connections)
#
# Limits: every limit of the key and its tenant is set (requests, tokens, concurrency), high enough that nothing is
# refused, so that each request runs every check of the scripts; LIMITS=off leaves them all unlimited instead (as
# bench/cluster/run.sh does). BENCH_JAR=/path/to/bastion.jar runs that jar (with its lib/ beside it) instead of
# ./bastion, so that two builds can be measured alternately on the same servers.
# Needs: wrk, nginx, psql, and PostgreSQL and Redis as .ci/postgres.sh and .ci/redis.sh start them. Loopback only.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seconds="${1:-10}"
connections="${2:-8}"
up_port=18192 port=18282
work="$(mktemp -d)"; [[ -z "${KEEP:-}" ]] || echo "bench: work directory $work" >&2
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; [[ -n "${KEEP:-}" ]] || rm -rf "$work"; }
trap cleanup EXIT
# shellcheck source=../lib/upstream.sh
source "$here/../lib/upstream.sh"
for tool in wrk nginx psql redis-cli; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install -y wrk nginx-light postgresql-client redis-tools)" >&2; exit 1; }
done
eval "$(cd "$root" && .ci/postgres.sh)"
eval "$(cd "$root" && .ci/redis.sh)"
redis_port="${BASTION_TEST_REDIS_URL##*:}"
rcli() { redis-cli -h 127.0.0.1 -p "$redis_port" "$@"; }
schema="redis_cost_$(date +%s)"
PGPASSWORD="$BASTION_TEST_PG_PASSWORD" psql -qAt -h 127.0.0.1 -U "$BASTION_TEST_PG_USER" -d bastion_test -c "CREATE SCHEMA $schema"

if [[ "${LIMITS:-on}" == off ]]; then
  limits='{requests-per-minute: 0, tokens-per-minute: 0, concurrent-requests: 0}'
else
  limits='{requests-per-minute: 100000000, tokens-per-minute: 100000000000, concurrent-requests: 100000}'
fi
start_chat_upstream "$work" "$up_port" "Local inference keeps sensitive data on your own machines." 20 10
cat > "$work/bastion.yaml" <<YAML
store:
  url: "$BASTION_TEST_PG_URL?currentSchema=$schema"
  username: $BASTION_TEST_PG_USER
  password-env: BENCH_PG_PASSWORD
cluster:
  redis-url: $BASTION_TEST_REDIS_URL
  node-id: redis-cost
abuse:
  min-requests: 0
models:
  - name: bench-model
    backend: openai
    base-url: http://127.0.0.1:$up_port/v1
    location: local
limits:
  per-key: $limits
  per-tenant: $limits
YAML
if [[ -n "${BENCH_JAR:-}" ]]; then
  serve=("${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" --add-modules jdk.incubator.vector
    --sun-misc-unsafe-memory-access=allow -jar "$BENCH_JAR" serve)
else
  (cd "$root" && ./bastion --version >/dev/null)
  serve=("$root/bastion" serve)
fi
(cd "$root" && exec env BENCH_PG_PASSWORD="$BASTION_TEST_PG_PASSWORD" "${serve[@]}" --config "$work/bastion.yaml" \
  --data-dir "$work/data" --port "$port" --console-port 0 >"$work/serve.out" 2>"$work/serve.err") &
pids+=($!)
wait_for "http://127.0.0.1:$port/healthz"
key="$(cat "$work/data/admin.key")"
url="http://127.0.0.1:$port/v1/chat/completions"

cpu() { rcli info cpu | tr -d '\r' | awk -F: '$1 == "used_cpu_user" || $1 == "used_cpu_sys" {s += $2} END {printf "%.6f", s}'; }
BENCH_AUTH="Bearer $key" wrk -t1 -c"$connections" -d5s -s "$root/bench/gateway-overhead/request.lua" "$url" >/dev/null
rcli config resetstat >/dev/null
before="$(cpu)"
out="$(BENCH_AUTH="Bearer $key" wrk -t1 -c"$connections" -d"${seconds}s" -s "$root/bench/gateway-overhead/request.lua" \
  "$url" | grep '^RESULT')"
after="$(cpu)"
field() { echo "$out" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'; }
reqs="$(field requests)"
stats="$(rcli info commandstats | tr -d '\r' | sed -n 's/^cmdstat_\([a-z|]*\):calls=\([0-9]*\),usec=\([0-9]*\),usec_per_call=\([0-9.]*\).*/\1 \2 \3 \4/p' \
  | awk -v n="$reqs" '{printf "%s %.2f/request %.1f us/call; ", $1, $2 / n, $4}')"
load="$(cut -d' ' -f1 /proc/loadavg)"
printf 'RESULT redis-cost limits=%s: %s requests (%s/s, non-200 %s), Redis CPU %.1f us/request, load %s; %s\n' \
  "${LIMITS:-on}" "$reqs" "$(field rps)" "$(field non200)" \
  "$(awk -v a="$after" -v b="$before" -v n="$reqs" 'BEGIN {print (a - b) * 1e6 / n}')" "$load" "$stats"
PGPASSWORD="$BASTION_TEST_PG_PASSWORD" psql -qAt -h 127.0.0.1 -U "$BASTION_TEST_PG_USER" -d bastion_test -c "DROP SCHEMA $schema CASCADE" 2>/dev/null
