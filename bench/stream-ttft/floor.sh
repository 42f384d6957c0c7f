#!/usr/bin/env bash
# The streamed first byte against its floors, interleaved request by request: the loopback upstream of run.sh (one
# word every 20 ms), reached (a) directly, (b) through FloorProxy's `stream` mode (Helidon's WebServer and WebClient
# copying the upstream's bytes as they arrive, nothing else: bench/gateway-overhead/FloorProxy.java), (c) through its
# `stream-jdk` mode (no framework: a ServerSocket relaying bytes over a new socket to the upstream) and (d) through
# Bastion's route with no output scanner (every input control on, padding on, as run.sh's `plain`). Each round sends
# one request to each target in turn (the order rotates every round), so drift and idle periods fall on all alike.
# Prints curl's time to first byte, median and p90 per target, and what each adds over the direct path. Measured
# answers are 5 words long (the first byte comes before any of the rest, and short answers keep a round short).
#   bench/stream-ttft/floor.sh [N]      (N rounds, default 40; WARM requests per target first, default 300)
# TREE (default: this repository) is the build used for both Bastion and the floor's class path.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tree="$(cd "${TREE:-$root}" && pwd)"
jdk="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
n="${1:-40}"
up_port=18291 bastion_port=18290 floor_port=18292 jdk_port=18293
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
python3 "$here/upstream.py" $up_port & pids+=($!)
(cd "$tree" && ./bastion --version >/dev/null)
"$jdk/bin/javac" -cp "$tree/app/target/lib/*" -d "$work/classes" "$root/bench/gateway-overhead/FloorProxy.java"
"$jdk/bin/java" -cp "$work/classes:$tree/app/target/lib/*" FloorProxy stream $floor_port "http://127.0.0.1:$up_port/v1" \
  >"$work/floor.out" 2>"$work/floor.err" & pids+=($!)
"$jdk/bin/java" -cp "$work/classes:$tree/app/target/lib/*" FloorProxy stream-jdk $jdk_port "http://127.0.0.1:$up_port/v1" \
  >"$work/floor-jdk.out" 2>"$work/floor-jdk.err" & pids+=($!)
cat > "$work/bastion.yaml" <<YAML
guard:
  stream-padding: true
abuse:
  min-requests: 0
models:
  - {name: plain, backend: openai, base-url: "http://127.0.0.1:$up_port/v1", location: local, upstream-model: m}
routes:
  - {name: plain, models: [plain], output-scanners: []}
YAML
(cd "$tree" && exec ./bastion serve --config "$work/bastion.yaml" --data-dir "$work/data" --port $bastion_port --console-port 0 \
  >"$work/bastion.out" 2>"$work/bastion.err") & pids+=($!)
for _ in $(seq 1 120); do
  curl -sf -o /dev/null "http://127.0.0.1:$bastion_port/healthz" && curl -sf -o /dev/null "http://127.0.0.1:$floor_port/healthz" \
    && curl -sf -o /dev/null "http://127.0.0.1:$jdk_port/healthz" && break
  sleep 0.5
done
key="$(cat "$work/data/admin.key")"
declare -A url auth
url[direct]="http://127.0.0.1:$up_port/v1/chat/completions"; auth[direct]=""
url[floor]="http://127.0.0.1:$floor_port/v1/chat/completions"; auth[floor]=""
url[floor-jdk]="http://127.0.0.1:$jdk_port/v1/chat/completions"; auth[floor-jdk]=""
url[bastion]="http://127.0.0.1:$bastion_port/v1/chat/completions"; auth[bastion]="$key"
ask() { # target max_tokens -> curl's time to first byte in seconds
  curl -s -o /dev/null -w '%{time_starttransfer}\n' -H "Content-Type: application/json" \
    ${auth[$1]:+-H "Authorization: Bearer ${auth[$1]}"} \
    -d "{\"model\":\"plain\",\"stream\":true${2:+,\"max_tokens\":$2},\"messages\":[{\"role\":\"user\",\"content\":\"report\"}]}" \
    "${url[$1]}"
}
warm="${WARM:-300}"
for t in floor floor-jdk bastion; do
  for _ in $(seq 1 "$warm"); do echo "$t"; done | xargs -P 4 -I{} bash -c "$(declare -f ask); $(declare -p url auth); ask {} 3" >/dev/null
done
order=(direct floor floor-jdk bastion)
for r in $(seq 1 "$n"); do
  for i in 0 1 2 3; do
    t="${order[$(( (i + r) % 4 ))]}"
    ask "$t" 5 >> "$work/$t.txt"
  done
done
python3 - "$work" "$n" <<'PY'
import statistics, sys
w, n = sys.argv[1], sys.argv[2]
def stats(name):
    xs = sorted(float(x) * 1000 for x in open(f"{w}/{name}.txt"))
    return statistics.median(xs), xs[int(0.9 * (len(xs) - 1))]
d, f, j, b = stats("direct"), stats("floor"), stats("floor-jdk"), stats("bastion")
print(f"time to first byte (ms), median / p90 over {n} interleaved rounds: direct {d[0]:.2f} / {d[1]:.2f}; "
      f"floor (Helidon server + WebClient, bytes copied) {f[0]:.2f} / {f[1]:.2f}; floor-jdk (ServerSocket, bytes "
      f"relayed) {j[0]:.2f} / {j[1]:.2f}; Bastion, no output scanner {b[0]:.2f} / {b[1]:.2f}")
print(f"added over the direct path (median): floor {f[0] - d[0]:.2f} ms; floor-jdk {j[0] - d[0]:.2f} ms; "
      f"Bastion {b[0] - d[0]:.2f} ms; Bastion over the Helidon floor {b[0] - f[0]:.2f} ms")
PY
