#!/usr/bin/env bash
# Scale-out efficiency (issue 21): wrk through haproxy to one gateway replica pinned to one core, then to two replicas
# pinned to a core each, all sharing one PostgreSQL store and one Redis (every request: two Lua scripts on Redis for
# the shared limits; usage written to PostgreSQL). Prints requests/s, p50 and p99 for each, the efficiency
# throughput(2) / (2 x throughput(1)) and the CPU Redis and PostgreSQL spent per request, from which their
# saturation point is projected. Every limit of the key and its tenant is set, high enough that nothing is refused, so
# that each request runs every check of the shared limiter (LIMITS=off: all unlimited, as before round seven; a key
# with no limits at all now costs Redis nothing). BENCH_JAR=/path/to/bastion.jar (with its lib/ beside it) runs that
# build instead of ./bastion. On a 2-core machine the replicas, haproxy, wrk, nginx, Redis and PostgreSQL share
# the same two cores: read the efficiency with that in mind.
#
#   bench/cluster/run.sh [SECONDS] [ROUNDS]   (default 15 s per measurement, 3 rounds)
# PROMPT=2k sends the 2 KB business prompt of bench/default-route (an e-mail address, a phone number and an IBAN in
# ordinary prose; the model is local, so the default route scans it and passes it on unchanged) instead of one short
# sentence: each replica then does the scanning a real request costs, while the shared servers' work per request
# (wrk, haproxy, nginx, Redis, PostgreSQL) stays about the same. The efficiency depends on that ratio on a machine
# where they share the cores, so the script prints which prompt it sent.
# Both replicas are first warmed directly (WARM seconds each, default 15, then 5-second windows until one is within 5%
# of the one before, at most WARM_MAX seconds, default 120: a JVM pinned to one core compiles its hot code on that
# same core, and a measurement taken while C2 is still compiling is mostly the JIT's; round nine's three rounds after
# a fixed 15 s still rose from 399 to 813 requests/s), then one replica and two replicas are measured alternately
# ROUNDS times; the efficiency is computed from the medians.
# Needs: wrk, nginx, haproxy (Debian packages), and PostgreSQL and Redis as .ci/postgres.sh and .ci/redis.sh start
# them. Loopback only. Leaves nothing running but those two servers.
# Each measurement also prints where the CPU went per request (each replica, haproxy, the nginx upstream, wrk, Redis,
# PostgreSQL, from /proc and /usr/bin/time), and at the end the efficiency this machine allows whatever the replicas do:
# one replica saturating its core against two sharing every core with the load generator and the shared servers.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seconds="${1:-15}"
rounds="${2:-3}"
warm="${WARM:-15}"
up_port=18191 a_port=18280 b_port=18281 lb_one=18300 lb_two=18301
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
# shellcheck source=../lib/upstream.sh
source "$here/../lib/upstream.sh"
for tool in wrk nginx haproxy psql taskset; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install -y wrk nginx-light haproxy postgresql-client)" >&2; exit 1; }
done
eval "$(cd "$root" && .ci/postgres.sh)"
eval "$(cd "$root" && .ci/redis.sh)"
schema="bench_$(date +%s)"
PGPASSWORD="$BASTION_TEST_PG_PASSWORD" psql -qAt -h 127.0.0.1 -U "$BASTION_TEST_PG_USER" -d bastion_test -c "CREATE SCHEMA $schema"

start_chat_upstream "$work" "$up_port" "Local inference keeps sensitive data on your own machines." 20 10
if [[ "${PROMPT:-short}" == 2k ]]; then
  python3 "$here/../lib/business-prompt.py" "$work/body.json" 2>/dev/null
  export BENCH_BODY_FILE="$work/body.json"
  echo "bench: prompt: the 2 KB business prompt of bench/default-route" >&2
else
  echo "bench: prompt: one short sentence (PROMPT=2k for the 2 KB business prompt)" >&2
fi
if [[ -n "${BENCH_JAR:-}" ]]; then
  serve=("${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" --add-modules jdk.incubator.vector
    --sun-misc-unsafe-memory-access=allow -jar "$BENCH_JAR" serve)
else
  (cd "$root" && ./bastion --version >/dev/null)
  serve=("$root/bastion" serve)
fi
if [[ "${LIMITS:-on}" == off ]]; then
  limits='{requests-per-minute: 0, tokens-per-minute: 0, concurrent-requests: 0}'
else
  limits='{requests-per-minute: 100000000, tokens-per-minute: 100000000000, concurrent-requests: 100000}'
fi
for r in a b; do
  cat > "$work/$r.yaml" <<YAML
store:
  url: "$BASTION_TEST_PG_URL?currentSchema=$schema"
  username: $BASTION_TEST_PG_USER
  password-env: BENCH_PG_PASSWORD
cluster:
  redis-url: $BASTION_TEST_REDIS_URL
  node-id: bench-$r
  replicas: 2
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
done
start() { # replica core port
  (cd "$root" && exec env BENCH_PG_PASSWORD="$BASTION_TEST_PG_PASSWORD" taskset -c "$2" "${serve[@]}" \
    --config "$work/$1.yaml" --data-dir "$work/data-$1" --port "$3" --console-port 0 >"$work/$1.out" 2>"$work/$1.err") &
  pids+=($!)
}
start a 0 $a_port
wait_for "http://127.0.0.1:$a_port/healthz"
mkdir -p "$work/data-b/keys"
for f in keys/api-key-hash.json keys/master-key.json admin.key; do cp "$work/data-a/$f" "$work/data-b/$f"; done
start b 1 $b_port
wait_for "http://127.0.0.1:$b_port/healthz"
key="$(cat "$work/data-a/admin.key")"

lb() { # port servers...
  local port="$1"; shift
  {
    printf 'global\n  maxconn 4096\ndefaults\n  mode http\n  timeout connect 5s\n  timeout client 60s\n  timeout server 60s\n'
    printf 'frontend f\n  bind 127.0.0.1:%s\n  default_backend replicas\nbackend replicas\n  balance roundrobin\n  http-reuse always\n' "$port"
    local i=0
    for s in "$@"; do printf '  server r%d 127.0.0.1:%s maxconn 256\n' "$i" "$s"; i=$((i + 1)); done
  } > "$work/haproxy-$port.cfg"
  haproxy -f "$work/haproxy-$port.cfg" -db >"$work/haproxy-$port.log" 2>&1 & pids+=($!)
  wait_for "http://127.0.0.1:$port/healthz"
}
lb $lb_one $a_port
lb $lb_two $a_port $b_port

ticks_of() { # ticks used so far by the given pids and their children threads
  local total=0 p
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$total"
}
cpu_of() { ticks_of $(pgrep -f "$1" || true); } # ticks used so far by every process whose command matches
hz="$(getconf CLK_TCK)"
replica_pid() { pgrep -f -- "--data-dir $work/data-$1" | while read -r p; do
  [[ "$(cat "/proc/$p/comm" 2>/dev/null)" == java ]] && echo "$p"; done | head -1; }
nginx_pids() { local m; m="$(cat "$work/nginx/nginx.pid")"; echo "$m" $(pgrep -P "$m"); }
per_request() { awk -v d="$1" -v n="$2" -v hz="$hz" 'BEGIN {printf "%.1f", d / hz * 1e6 / n}'; }
measure() { # label url lb-port
  local redis0 pg0 redis1 pg1 out rps reqs a0 b0 a1 b1 ha0 ha1 ng0 ng1 wrk_cpu
  curl -s -o /dev/null -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -d '{"model":"bench-model","messages":[{"role":"user","content":"warm up"}]}' "$2/v1/chat/completions"
  BENCH_AUTH="Bearer $key" wrk -t2 -c32 -d5s -s "$root/bench/gateway-overhead/request.lua" "$2/v1/chat/completions" >/dev/null
  redis0="$(cpu_of 'redis-server .*6390')"; pg0="$(cpu_of 'postgres')"
  a0="$(ticks_of "$pid_a")"; b0="$(ticks_of "$pid_b")"; ng0="$(ticks_of $(nginx_pids))"
  ha0="$(ticks_of $(pgrep -f "haproxy-$3.cfg"))"
  out="$(BENCH_AUTH="Bearer $key" /usr/bin/time -f '%U %S' -o "$work/wrk-time" wrk -t2 -c32 -d"${seconds}s" \
    -s "$root/bench/gateway-overhead/request.lua" "$2/v1/chat/completions" | grep '^RESULT')"
  redis1="$(cpu_of 'redis-server .*6390')"; pg1="$(cpu_of 'postgres')"
  a1="$(ticks_of "$pid_a")"; b1="$(ticks_of "$pid_b")"; ng1="$(ticks_of $(nginx_pids))"
  ha1="$(ticks_of $(pgrep -f "haproxy-$3.cfg"))"
  wrk_cpu="$(awk -v hz="$hz" '{printf "%d", ($1 + $2) * hz}' "$work/wrk-time")"
  field() { echo "$out" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'; }
  rps="$(field rps)"; reqs="$(field requests)"
  printf 'RESULT %s: %s requests/s, p50 %.1f ms, p99 %.1f ms, non-200 %s; Redis CPU %s us/request, PostgreSQL CPU %s us/request\n' \
    "$1" "$rps" "$(awk -v v="$(field p50_us)" 'BEGIN {print v / 1000}')" "$(awk -v v="$(field p99_us)" 'BEGIN {print v / 1000}')" \
    "$(field non200)" \
    "$(per_request $((redis1 - redis0)) "$reqs")" "$(per_request $((pg1 - pg0)) "$reqs")"
  # Where each request's CPU went, in µs: the replicas' own and everything else on the same two cores. With
  # everything on two cores, two replicas can serve at most 2 s of CPU / (replicas' + the rest's CPU per request)
  # a second; one replica pinned to its core at most 1 s / (its CPU per request); the ratio of the two over 2 is
  # the efficiency this machine allows whatever the replicas do (printed as "ceiling").
  local ra rb rest
  ra="$(per_request $((a1 - a0)) "$reqs")"; rb="$(per_request $((b1 - b0)) "$reqs")"
  rest="$(per_request $(( (ng1 - ng0) + (ha1 - ha0) + wrk_cpu + (redis1 - redis0) + (pg1 - pg0) )) "$reqs")"
  printf 'RESULT %s CPU us/request: replica a %s, replica b %s, haproxy %s, nginx upstream %s, wrk %s, Redis %s, PostgreSQL %s; shared load generator and servers together %s\n' \
    "$1" "$ra" "$rb" "$(per_request $((ha1 - ha0)) "$reqs")" "$(per_request $((ng1 - ng0)) "$reqs")" \
    "$(per_request "$wrk_cpu" "$reqs")" "$(per_request $((redis1 - redis0)) "$reqs")" "$(per_request $((pg1 - pg0)) "$reqs")" "$rest"
  echo "$rps" > "$work/rps-$1"
  awk -v a="$ra" -v b="$rb" 'BEGIN {printf "%.1f\n", a + b}' >> "$work/replica-$1"
  echo "$rest" >> "$work/rest-$1"
}
warm_until_steady() { # port: WARM seconds, then 5-second windows until one is within 5% of the one before (at most WARM_MAX s)
  local port="$1" prev=0 rps spent
  BENCH_AUTH="Bearer $key" wrk -t2 -c32 -d"${warm}s" -s "$root/bench/gateway-overhead/request.lua" \
    "http://127.0.0.1:$port/v1/chat/completions" >/dev/null
  for ((spent = warm; spent < ${WARM_MAX:-120}; spent += 5)); do
    rps="$(BENCH_AUTH="Bearer $key" wrk -t2 -c32 -d5s -s "$root/bench/gateway-overhead/request.lua" \
      "http://127.0.0.1:$port/v1/chat/completions" | sed -n 's/^RESULT.* rps=\([0-9.]*\).*/\1/p')"
    echo "bench: warming replica on port $port: ${rps:-?} requests/s after ${spent} s" >&2
    if awk -v a="${rps:-0}" -v b="$prev" 'BEGIN {exit !(b > 0 && a > 0 && (a - b) / b < 0.05 && (b - a) / b < 0.05)}'; then
      break
    fi
    prev="${rps:-0}"
  done
}
pid_a="$(replica_pid a)" pid_b="$(replica_pid b)"
[[ -n "$pid_a" && -n "$pid_b" ]] || { echo "bench: cannot find the replicas' JVMs" >&2; exit 1; }
for port in $a_port $b_port; do
  warm_until_steady "$port"
done
for ((i = 1; i <= rounds; i++)); do
  measure one-replica "http://127.0.0.1:$lb_one" $lb_one
  cat "$work/rps-one-replica" >> "$work/all-one"
  measure two-replicas "http://127.0.0.1:$lb_two" $lb_two
  cat "$work/rps-two-replicas" >> "$work/all-two"
done
median() { sort -g "$1" | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
one="$(median "$work/all-one")" two="$(median "$work/all-two")"
awk -v one="$one" -v two="$two" -v n="$rounds" \
  'BEGIN {printf "RESULT medians of %d rounds: one replica %.1f requests/s, two replicas %.1f; efficiency throughput(2) / (2 x throughput(1)) = %.2f (target >= 0.8)\n", n, one, two, two / (2 * one)}'
r1="$(median "$work/replica-one-replica")" r2="$(median "$work/replica-two-replicas")"
s1="$(median "$work/rest-one-replica")" s2="$(median "$work/rest-two-replicas")"
awk -v r1="$r1" -v r2="$r2" -v s1="$s1" -v s2="$s2" -v one="$one" 'BEGIN {
  printf "RESULT one replica kept its core %.0f%% busy\n", 100 * one * r1 / 1e6
  printf "RESULT CPU per request (medians): replicas %.1f us with one, %.1f us with two; load generator and shared servers %.1f / %.1f us\n", r1, r2, s1, s2
  printf "RESULT ceiling on this machine, every process on the same %d cores: efficiency <= %.2f (one replica saturating its core, two sharing the cores with the rest); replicas alone, CPU per request one over two: %.2f\n", 2, r1 / (r2 + s2), r1 / r2 }'
PGPASSWORD="$BASTION_TEST_PG_PASSWORD" psql -qAt -h 127.0.0.1 -U "$BASTION_TEST_PG_USER" -d bastion_test -c "DROP SCHEMA $schema CASCADE"
