#!/usr/bin/env bash
# The streamed first byte against the JIT's warmth, in one gateway: after each step of warm-up (cumulative streams
# per route, default "100 1000 5000"), N requests alternated over the direct path, the route with no output scanner
# (plain) and the default route (dflt: the secrets output scanner), curl's time_starttransfer, min / p25 / median /
# p90 in ms and what the gateway adds over direct at those points. The warm-up streams are run.sh's (3 words, 4 at a
# time); the measured answers are WORDS long (default 2, so requests come ~0.1 s apart). At each step the JIT's tier
# of the stream path's own methods is listed from `jcmd Compiler.codelist` (TIERS=0 to skip): how many of the
# dev.bastion.gateway and io.helidon methods compiled so far sit at C1 (tiers 1-3) and at C2 (tier 4).
#   [BENCH_BASTION_ROOT=tree] [STEPS="100 1000 5000"] [WORDS=2] bench/stream-ttft/warmth.sh [N]   (default N=40)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tree="${BENCH_BASTION_ROOT:-$root}"
n="${1:-40}" words="${WORDS:-2}" steps="${STEPS:-100 1000 5000}"
up_port=18301 port=18300
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
  - {name: dflt, backend: openai, base-url: "http://127.0.0.1:$up_port/v1", location: local, upstream-model: m}
routes:
  - {name: plain, models: [plain], output-scanners: []}
  - {name: dflt, models: [dflt]}
YAML
(cd "$tree" && exec ./bastion serve --config "$work/bastion.yaml" --data-dir "$work/data" --port $port --console-port 0 \
  >"$work/bastion.out" 2>"$work/bastion.err") & pids+=($!)
gw=$!
for _ in $(seq 1 240); do curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.5; done
key="$(cat "$work/data/admin.key")"
ask() { # port key model max_tokens -> time to first byte in seconds
  curl -s -o /dev/null -w '%{time_starttransfer}\n' -H "Content-Type: application/json" ${2:+-H "Authorization: Bearer $2"} \
    -d "{\"model\":\"$3\",\"stream\":true,\"max_tokens\":$4,\"messages\":[{\"role\":\"user\",\"content\":\"report\"}]}" \
    "http://127.0.0.1:$1/v1/chat/completions"
}
export -f ask
done_warm=0
for step in $steps; do
  more=$((step - done_warm))
  for model in plain dflt; do
    ((more > 0)) && seq 1 "$more" | xargs -P 4 -I{} bash -c "ask $port $key $model 3 >/dev/null"
  done
  done_warm=$step
  rm -f "$work"/{direct,plain,dflt}.txt
  for _ in $(seq 1 "$n"); do
    ask $up_port "" m "$words" >> "$work/direct.txt"
    ask $port "$key" plain "$words" >> "$work/plain.txt"
    ask $port "$key" dflt "$words" >> "$work/dflt.txt"
  done
  echo "== $step warm-up streams per route (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  python3 - "$work" <<'PY'
import statistics, sys
w = sys.argv[1]
def points(name):
    xs = sorted(float(x) * 1000 for x in open(f"{w}/{name}.txt"))
    return xs[0], xs[len(xs) // 4], statistics.median(xs), xs[int(0.9 * (len(xs) - 1))]
d = points("direct")
print("time to first byte (ms), min / p25 / median / p90: direct %.1f / %.1f / %.1f / %.1f" % d)
for name in ("plain", "dflt"):
    g = points(name)
    print("%-6s %.1f / %.1f / %.1f / %.1f; added over direct %.1f / %.1f / %.1f / %.1f" % (name, *g, *(b - a for a, b in zip(d, g))))
PY
  if [[ "${TIERS:-1}" != 0 ]]; then
    "$JAVA_HOME/bin/jcmd" "$gw" Compiler.codelist > "$work/codelist-$step.txt" 2>/dev/null || true
    [[ -n "${KEEP:-}" ]] && cp "$work/codelist-$step.txt" "$KEEP-codelist-$step.txt"
    awk '$2 ~ /^[0-4]$/ && ($4 ~ /^dev\.bastion\.gateway/ || $4 ~ /^io\.helidon/) {
           split($4, a, "("); m = a[1]; if (!(m in best) || $2 > best[m]) best[m] = $2 }
         END { for (m in best) { c[best[m]]++; split(m, p, "."); pk = p[1] "." p[2] "." p[3]; if (best[m] == 4) c4[pk]++; else c1[pk]++ }
               printf "methods compiled (dev.bastion.gateway + io.helidon): C1 %d, C2 %d\n", c[1] + c[2] + c[3], c[4] }' \
      "$work/codelist-$step.txt"
  fi
done
