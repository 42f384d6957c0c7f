#!/usr/bin/env bash
# Time to first token added by streaming output scanners, side by side in one run: a loopback upstream streaming
# one word every 20 ms, measured directly, through Bastion with no output scanner (output-scanners: []), with the
# default route's (secrets), with secrets and exfiltration (both release word by word), and through Bastion with the pii,
# secrets output scanners (256-character hold-back window), and with exfiltration added (which holds about 2 KB). Reports the median and p90 of curl's
# time to first byte (the first SSE event) over N requests each. Before measuring, the gateway answers WARM short
# streams (3 words each, 4 at a time, on every route; default 300 per route) so that the JIT has compiled the path
# (the runs before round eight measured a fresh JVM; warming did not remove the ~10 ms added, docs/benchmarks.md).
#   bench/stream-ttft/run.sh [N]     (default 20; WARM=0 to measure a cold gateway)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
n="${1:-20}"
up_port=18281 bastion_port=18280
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
python3 "$here/upstream.py" $up_port & pids+=($!)
bastion_root="${BENCH_BASTION_ROOT:-$root}"  # another build's tree (bastion, packaging, app/target) for before/after
(cd "$bastion_root" && ./bastion --version >/dev/null)
cat > "$work/bastion.yaml" <<YAML
guard:
  stream-padding: true
abuse:
  min-requests: 0
models:
  - {name: plain, backend: openai, base-url: "http://127.0.0.1:$up_port/v1", location: local, upstream-model: m}
  - {name: scanned, backend: openai, base-url: "http://127.0.0.1:$up_port/v1", location: local, upstream-model: m}
  - {name: pii, backend: openai, base-url: "http://127.0.0.1:$up_port/v1", location: local, upstream-model: m}
  - {name: dflt, backend: openai, base-url: "http://127.0.0.1:$up_port/v1", location: local, upstream-model: m}
  - {name: links, backend: openai, base-url: "http://127.0.0.1:$up_port/v1", location: local, upstream-model: m}
routes:
  - {name: scanned, models: [scanned], output-scanners: [pii, secrets, exfiltration]}
  - {name: pii, models: [pii], output-scanners: [pii, secrets]}
  - {name: plain, models: [plain], output-scanners: []}
  - {name: dflt, models: [dflt]}
  - {name: links, models: [links], output-scanners: [secrets, exfiltration]}
YAML
(cd "$bastion_root" && exec ./bastion serve --config "$work/bastion.yaml" --data-dir "$work/data" --port $bastion_port --console-port 0 \
  >"$work/bastion.out" 2>"$work/bastion.err") & pids+=($!)
for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$bastion_port/healthz" && break; sleep 0.5; done
key="$(cat "$work/data/admin.key")"
warm="${WARM:-300}"
for model in plain dflt links pii scanned; do
  seq 1 "$warm" | xargs -P 4 -I{} curl -s -o /dev/null -H "Content-Type: application/json" -H "Authorization: Bearer $key" \
    -d "{\"model\":\"$model\",\"stream\":true,\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\"report\"}]}" \
    "http://127.0.0.1:$bastion_port/v1/chat/completions"
done
measure() { # url model auth -> prints ttfb seconds per line
  for _ in $(seq 1 "$n"); do
    curl -s -o /dev/null -w '%{time_starttransfer}\n' -H "Content-Type: application/json" ${3:+-H "Authorization: Bearer $3"} \
      -d "{\"model\":\"$2\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"report\"}]}" "$1"
  done
}
measure "http://127.0.0.1:$up_port/v1/chat/completions" m "" > "$work/direct.txt"
measure "http://127.0.0.1:$bastion_port/v1/chat/completions" plain "$key" > "$work/plain.txt"
measure "http://127.0.0.1:$bastion_port/v1/chat/completions" dflt "$key" > "$work/dflt.txt"
measure "http://127.0.0.1:$bastion_port/v1/chat/completions" links "$key" > "$work/links.txt"
measure "http://127.0.0.1:$bastion_port/v1/chat/completions" pii "$key" > "$work/pii.txt"
measure "http://127.0.0.1:$bastion_port/v1/chat/completions" scanned "$key" > "$work/scanned.txt"
python3 - "$work" <<'PY'
import statistics, sys
w = sys.argv[1]
def stats(name):
    xs = sorted(float(x) * 1000 for x in open(f"{w}/{name}.txt"))
    return statistics.median(xs), xs[int(0.9 * (len(xs) - 1))]
d, p, f, l, q, s = stats("direct"), stats("plain"), stats("dflt"), stats("links"), stats("pii"), stats("scanned")
print(f"time to first event (ms), median / p90: direct {d[0]:.1f} / {d[1]:.1f}; Bastion, no output scanner "
      f"{p[0]:.1f} / {p[1]:.1f}; default route (secrets output scanner) {f[0]:.1f} / {f[1]:.1f}; secrets+exfiltration {l[0]:.1f} / {l[1]:.1f}; pii+secrets output scanners {q[0]:.1f} / {q[1]:.1f}; "
      f"pii+secrets+exfiltration {s[0]:.1f} / {s[1]:.1f}")
print(f"added over the direct path (median): gateway alone {p[0] - d[0]:.1f} ms; default route {f[0] - d[0]:.1f} ms; secrets+exfiltration {l[0] - d[0]:.1f} ms; with pii+secrets {q[0] - d[0]:.1f} ms; "
      f"with exfiltration too {s[0] - d[0]:.1f} ms (the whole 60-word answer takes about 1,200 ms)")
PY
