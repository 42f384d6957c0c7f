#!/usr/bin/env bash
# The upstream call alone, before/after and client against client: UpstreamProbe.java (the gateway's own
# OpenAiBackend, 10 virtual threads, paced ~1,000 requests/s then full rate) against one nginx, for each SPEC in
# turn, ROUNDS times (default 3), each run in a fresh JVM warmed by WARM requests (default 20000). A SPEC is
# TREE:CLIENT, TREE a directory holding app/target/lib of a build and CLIENT auto (Helidon's WebClient) or jdk.
# CPU per request is the probe JVM's process CPU time over the requests it made, so it is the client's own cost
# (JIT and GC included), not the gateway's; the load average is printed with each line (the machine is shared).
#
#   bench/gateway-overhead/client-pair.sh [ROUNDS] SPEC...      e.g. 3 /tmp/base:auto /tmp/new:auto /tmp/new:jdk
# Needs nginx and JDK 25. Leaves nothing running.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"; root="$(cd "$here/../.." && pwd)"
# shellcheck source=../lib/upstream.sh
source "$root/bench/lib/upstream.sh"
rounds="$1"; shift
work="$(mktemp -d)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
up_port="${BENCH_UPSTREAM_PORT:-18581}"
start_chat_upstream "$work" "$up_port" "Local inference keeps sensitive data on your own machines." 20 10
wait_for "http://127.0.0.1:$up_port/"
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
for r in $(seq 1 "$rounds"); do
  for spec in "$@"; do
    tree="${spec%:*}" client="${spec##*:}"
    "$java" -XX:AOTMode=off -cp "$tree/app/target/lib/*" "$here/UpstreamProbe.java" \
      "http://127.0.0.1:$up_port/v1" "$client" "${WARM:-20000}" "${MEASURE:-10000}" |
      while read -r line; do echo "round $r $tree $line load=$(cut -d' ' -f1 /proc/loadavg)"; done
  done
done
