#!/usr/bin/env bash
# Start-to-ready time of an unpacked release: starts `bin/bastion serve` on a fresh temporary data directory (no
# config, no local models), polls /readyz every 10 ms until it answers 200, stops the server; N runs (default 5),
# prints each and the median, with the CPU time the server used until ready (user + system, from /proc: on a busy
# machine the wall time mostly measures waiting for a core) and the load average. Every run is a first start: it
# creates the data directory's keys.
#   packaging/start-time.sh DIR [N]     DIR: the unpacked bastion-<version>-linux-x64 folder (runs bin/bastion),
#                                       or a source checkout (runs ./bastion, which finds a JDK in /usr/lib/jvm)
# BASTION_JAVA_OPTS, when set, is passed on (BASTION_JAVA_OPTS=-XX:+UseG1GC times serve under G1); nothing else is.
set -euo pipefail
dir="$(cd "${1:?usage: packaging/start-time.sh UNPACKED_RELEASE_DIR|CHECKOUT [RUNS]}" && pwd)"
launcher="$dir/bin/bastion"
[[ -x "$launcher" ]] || launcher="$dir/bastion"
runs="${2:-5}"
port=$(( 20000 + RANDOM % 20000 ))
command -v curl >/dev/null || { echo "start-time: curl is needed" >&2; exit 1; }
times=()
cpus=()
for ((i = 1; i <= runs; i++)); do
  data="$(mktemp -d)"
  start=$(date +%s%N)
  env -i PATH=/usr/bin:/bin HOME="$data" ${BASTION_JAVA_OPTS:+BASTION_JAVA_OPTS="$BASTION_JAVA_OPTS"} "$launcher" serve --data-dir "$data/data" --port "$port" --console-port 0 \
    >"$data/out.txt" 2>"$data/err.txt" &
  pid=$!
  ready=""
  for ((t = 0; t < 3000; t++)); do
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)" == 200 ]]; then
      ready=$(date +%s%N)
      cpu_ms=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$pid/stat")
      rss_mb=$(awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status")
      break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [[ -z "$ready" ]]; then
    echo "start-time: run $i never became ready; stderr:" >&2; cat "$data/err.txt" >&2; rm -rf "$data"; exit 1
  fi
  ms=$(( (ready - start) / 1000000 ))
  echo "run $i: ready in $ms ms (server CPU $cpu_ms ms, RSS $rss_mb MB when ready; load average $(cut -d' ' -f1 /proc/loadavg))"
  times+=("$ms")
  cpus+=("$cpu_ms")
  rm -rf "$data"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
cpu_median=$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
echo "median start to ready: $median ms (server CPU $cpu_median ms) over $runs runs on $(nproc) cores"
