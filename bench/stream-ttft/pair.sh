#!/usr/bin/env bash
# Time to first byte of a stream through two builds of Bastion side by side, interleaved request by request with the
# direct path, so that both see the same load (the machine is shared: round nine measured at load averages of 20+).
# One loopback upstream (upstream.py: the first event after 20 ms), a route with no output scanner, and two gateways:
# BEFORE (a tree holding `bastion`, packaging and app/target of an older build) and this tree. Each gateway first
# answers WARM short streams. Prints min / p25 / median / p90 of curl's time_starttransfer (ms) per target and what
# each gateway adds over the direct path at those points. AFTER names another tree than this one for the second
# gateway (so that this tree can be rebuilt while a run goes on). WORDS is the measured answers' length (default 2:
# the requests come ~0.1 s apart); WORDS=60 makes them as long as run.sh's (1.2 s each, so each gateway sees a
# request every ~3.6 s, as a chat client asking again after an answer would, and as run.sh's requests did).
#   BEFORE=/path/to/old/tree [AFTER=/path/to/new/tree] [WORDS=2] bench/stream-ttft/pair.sh [N]     (default N=60)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
before="${BEFORE:?BEFORE must name the tree of the build to compare with}"
after="${AFTER:-$root}"
n="${1:-60}" warm="${WARM:-200}" words="${WORDS:-2}"
up_port=18291 before_port=18290 after_port=18292
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
python3 "$here/upstream.py" $up_port & pids+=($!)
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
for side in before after; do
  tree="$after"; port=$after_port
  if [[ $side == before ]]; then tree="$before"; port=$before_port; fi
  (cd "$tree" && exec ./bastion serve --config "$work/bastion.yaml" --data-dir "$work/data-$side" --port $port \
    --console-port 0 >"$work/$side.out" 2>"$work/$side.err") & pids+=($!)
done
for port in $before_port $after_port; do
  for _ in $(seq 1 240); do curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.5; done
done
key_before="$(cat "$work/data-before/admin.key")" key_after="$(cat "$work/data-after/admin.key")"
ask() { # port key max_tokens -> time to first byte in seconds
  curl -s -o /dev/null -w '%{time_starttransfer}\n' -H "Content-Type: application/json" ${2:+-H "Authorization: Bearer $2"} \
    -d "{\"model\":\"plain\",\"stream\":true,\"max_tokens\":$3,\"messages\":[{\"role\":\"user\",\"content\":\"report\"}]}" \
    "http://127.0.0.1:$1/v1/chat/completions"
}
for _ in $(seq 1 "$warm"); do ask $before_port "$key_before" 3 >/dev/null; ask $after_port "$key_after" 3 >/dev/null; done
for _ in $(seq 1 "$n"); do
  ask $up_port "" "$words" >> "$work/direct.txt"
  ask $before_port "$key_before" "$words" >> "$work/before.txt"
  ask $after_port "$key_after" "$words" >> "$work/after.txt"
done
python3 - "$work" <<'PY'
import statistics, sys
w = sys.argv[1]
def points(name):
    xs = sorted(float(x) * 1000 for x in open(f"{w}/{name}.txt"))
    return xs[0], xs[len(xs) // 4], statistics.median(xs), xs[int(0.9 * (len(xs) - 1))]
d = points("direct")
print("time to first byte (ms), min / p25 / median / p90: direct %.1f / %.1f / %.1f / %.1f" % d)
for name in ("before", "after"):
    g = points(name)
    print("%-6s %.1f / %.1f / %.1f / %.1f; added over direct %.1f / %.1f / %.1f / %.1f" % (name, *g, *(b - a for a, b in zip(d, g))))
PY
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
