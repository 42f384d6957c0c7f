#!/usr/bin/env bash
# Where a proxied request's CPU and allocation go: Bastion in front of nginx (one-gateway.sh), a JFR recording with
# the profile settings over SECS seconds (default 20) paced at ~1,000 requests/s, then JFR's own views of it: the hot
# methods (top frames of the execution samples), the allocation by site, and the CPU per request from
# /proc/PID/stat over the same window. Keeps the recording as OUT (default /tmp/bastion-gateway.jfr) for
# `jfr view` or `jfr print`. Needs wrk, nginx and JDK 25.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/one-gateway.sh"
jdk="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
out="${OUT:-/tmp/bastion-gateway.jfr}"
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14+$15}' "/proc/$jpid/stat"; }
# shellcheck disable=SC2086 # JFR_OPTS is a list of words, e.g. jdk.CPUTimeSample#enabled=true
"$jdk/bin/jcmd" "$jpid" JFR.start name=profile settings=profile ${JFR_OPTS:-} filename="$out" >/dev/null
t0=$(ticks); line=$(chat_wrk 10 1 10 "${SECS:-20}"); t1=$(ticks)
"$jdk/bin/jcmd" "$jpid" JFR.stop name=profile >/dev/null
echo "$line"
python3 -c "import re, sys; r = int(re.search(r'requests=([0-9]+)', sys.argv[1]).group(1)); c = ($t1 - $t0) / $hz
print(f'{r} requests, process CPU {c:.2f} s, CPU per request {c / r * 1e6:.0f} us (JFR on)')" "$line"
"$jdk/bin/jfr" view --width 200 hot-methods "$out"
"$jdk/bin/jfr" view --width 200 allocation-by-site "$out"
echo "recording: $out"
