# Sourced by cpu.sh, alloc.sh and profile.sh: nginx answering a fixed chat completion, one Bastion in front of it on
# embedded defaults (no rate limits), warmed up by 20 s at full rate. BENCH_BASTION_ROOT runs the launcher of another
# tree instead (a copy holding `bastion` and app/target of an older build, for before/after runs); BENCH_ENV adds
# VAR=VALUE words to the gateway's environment. Sets key and jpid (the gateway's JVM) and defines
#   chat_wrk DELAY_MS THREADS CONNECTIONS SECONDS  -> request.lua's RESULT line for chat through the gateway.
# Leaves nothing running on exit.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"; root="$(cd "$here/../.." && pwd)"
# shellcheck source=../lib/upstream.sh
source "$root/bench/lib/upstream.sh"
work="$(mktemp -d)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
up_port="${BENCH_UPSTREAM_PORT:-18181}" bastion_port="${BENCH_PORT:-18080}"
start_chat_upstream "$work" "$up_port" "Local inference keeps sensitive data on your own machines." 20 10
write_bench_config "$work" "$up_port"
# shellcheck disable=SC2086 # BENCH_ENV is a list of words
start_bench_gateway "${BENCH_BASTION_ROOT:-$root}" "$work" "$bastion_port" data ${BENCH_ENV:-}
jpid="${pids[-1]}"
wait_for "http://127.0.0.1:$up_port/"
wait_for "http://127.0.0.1:$bastion_port/healthz"
key="$(cat "$work/data/admin.key")"
chat_wrk() {
  BENCH_AUTH="Bearer $key" BENCH_EXTRA_HEADERS="" BENCH_DELAY_MS="$1" BENCH_BODY_FILE="" \
    wrk -t"$2" -c"$3" -d"$4"s --latency -s "$here/request.lua" "http://127.0.0.1:$bastion_port/v1/chat/completions" | grep '^RESULT'
}
chat_wrk 0 2 64 20 >/dev/null
