#!/usr/bin/env bash
# Makes the AOT cache of `bastion serve` (JEP 483 classes loaded and linked, JEP 515 method profiles) by one training
# run, the one-step way of JEP 514 (-XX:AOTCacheOutput): start serve through LAUNCHER on a fresh data directory with
# no config, wait until /readyz answers 200, ask /v1/models without a key (the path through authentication), stop it
# with SIGTERM; the JVM writes the cache as it exits. Before it listens, the training run sends
# BASTION_AOT_WARM_UP_REQUESTS (default 1000; 0 for none) chat requests, seven in eight streamed, through a private
# gateway with routes with and without output scanners (server.warm-up-requests, WarmUp in the gateway module), so
# the cache also holds the request path's classes and method profiles: docs/benchmarks.md, gateway section, round
# fourteen (about 1 ms less added to a streamed first byte after 100 requests; ~8 MB more cache, ~2 MB compressed). Used by ./bastion (on first use after a build) and by
# packaging/release.sh (at build time, for the bundled runtime).
#   packaging/aot-train.sh OUTPUT.aot LAUNCHER
# LAUNCHER is ./bastion or a release's bin/bastion: the cache is made with the very options it starts the JVM with
# (plus BASTION_JAVA_OPTS from the caller's environment), because the JVM refuses a cache made with other options.
# The run is hermetic: an empty HOME and working directory, no BASTION_* settings but BASTION_JAVA_OPTS. The cache
# appears at OUTPUT.aot only when complete (written beside it, then renamed); on failure the script says so in one
# line, leaves OUTPUT.aot.failed and the run's log, and exits 1.
set -euo pipefail
out="${1:?usage: packaging/aot-train.sh OUTPUT.aot LAUNCHER}"
launcher="${2:?usage: packaging/aot-train.sh OUTPUT.aot LAUNCHER}"
mkdir -p "$(dirname "$out")"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
work="$(mktemp -d "${TMPDIR:-/tmp}/bastion-aot.XXXXXX")"
partial="$out.$$.partial"
pid=""
finish() {
  [[ -n "$pid" ]] && kill -KILL "$pid" 2>/dev/null
  rm -rf "$work" "$partial" "$partial.config"
}
trap finish EXIT
fail() {
  cp "$work/err.txt" "$out.failed" 2>/dev/null || : > "$out.failed"
  echo "bastion: no start-up cache: $1 (log in $out.failed); starting without it" >&2
  exit 1
}

get() { # GET PATH on 127.0.0.1:$port with bash's own socket; prints the status code
  local code
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$1" >&3
  read -r _ code _ <&3 || true
  exec 3<&- 3>&-
  echo "${code:-0}"
}

echo "bastion: recording the start-up cache for this JDK and build (once after each build, under a minute)..." >&2
mkdir -p "$work/home"
(cd "$work/home" && exec env -i PATH="${PATH:-/usr/bin:/bin}" HOME="$work/home" ${JAVA_HOME:+JAVA_HOME="$JAVA_HOME"} \
  BASTION_JAVA_OPTS="${BASTION_JAVA_OPTS:-} -XX:AOTCacheOutput=$partial" \
  BASTION_SERVER_WARM_UP_REQUESTS="${BASTION_AOT_WARM_UP_REQUESTS:-1000}" \
  "$launcher" serve --data-dir "$work/data" --port 0 >"$work/out.txt" 2>"$work/err.txt") &
pid=$!
port=""
for ((i = 0; i < 6000; i++)); do
  # || true: out.txt may not exist yet (the run opens it a moment later), and set -e must not end the script then
  port="$(sed -n 's|^listening https\{0,1\}://[^:]*:\([0-9]*\).*|\1|p' "$work/out.txt" 2>/dev/null || true)"
  [[ -n "$port" ]] && break
  kill -0 "$pid" 2>/dev/null || fail "the training run of serve exited before listening"
  sleep 0.1
done
[[ -n "$port" ]] || fail "the training run of serve did not start within 10 minutes"
for ((i = 0; i < 600; i++)); do
  [[ "$(get /readyz 2>/dev/null || true)" == 200 ]] && break
  sleep 0.1
done
(get /v1/models) >/dev/null 2>&1 || true
kill -TERM "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true # 143: stopped by SIGTERM, as asked
pid=""
[[ -s "$partial" ]] || fail "the JVM wrote no cache"
mv -f "$partial" "$out"
rm -f "$out.failed"
echo "bastion: start-up cache written: $out" >&2
