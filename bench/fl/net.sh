#!/usr/bin/env bash
# Federated learning over the network on one machine: `fl init` a federation of SITES sites, split the Adult
# census extract (no quoted fields) into a test file (every 5th row) and SITES site files (the other rows, dealt
# round-robin), start `fl serve` and SITES `fl join` processes on loopback (mutual TLS), run ROUNDS rounds and print
# the coordinator's per-round lines (sites summed, bytes on the wire, seconds, test accuracy). Then the same FedAvg
# in one JVM (`fl simulate --split-by iid --clients SITES`) for comparison.
#   bench/fl/net.sh [ROUNDS] [SITES] [SECAGG] [EVAL_DATA_DIR]   (defaults: 5, 10, full, ../shared/eval-data)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
rounds="${1:-5}"
sites="${2:-10}"
secagg="${3:-full}"
data="${4:-$root/../shared/eval-data}"
adult="$data/tabular_fairness_adult_german_compas/fairness__data__raw__adult.csv"
JAVA_HOME="${JAVA_HOME:-$(bash -c 'source <(sed -n "/^java_major/,/^}/p;/^find_jdk/,/^}/p" ./bastion); find_jdk')}"
export JAVA_HOME
[ "${SKIP_BUILD:-0}" = 1 ] || ./mvnw -B -q -DskipTests package -pl app -am >&2
bastion=("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -jar app/target/bastion.jar)
out="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; [ "${KEEP:-0}" = 1 ] || rm -rf "$out"; }
trap cleanup EXIT

echo "# machine: $(nproc) cores, $(uname -r); java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
echo "# Adult, $sites sites over loopback (mutual TLS), secagg $secagg, $rounds rounds, 1 local epoch, batch 32, lr 0.1"
names=$(seq -s, -f 'site-%g' 1 "$sites")
"${bastion[@]}" fl init --federation bench --sites "$names" --out "$out/fed" >/dev/null 2>&1
awk -F, -v out="$out" -v n="$sites" 'NR == 1 { for (i = 1; i <= n; i++) print > (out "/site-" i ".csv"); print > (out "/test.csv"); next }
  (NR - 2) % 5 == 0 { print > (out "/test.csv"); next }
  { k++; print > (out "/site-" ((k - 1) % n + 1) ".csv") }' "$adult"
"${bastion[@]}" fl schema --data "$adult" --label income-per-year --out "$out/schema.json" 2>/dev/null
"${bastion[@]}" fl serve --roster "$out/fed/roster.txt" --key "$out/fed/coordinator" --schema "$out/schema.json" \
  --rounds "$rounds" --secagg "$secagg" --test "$out/test.csv" --insecure-seed 1 --out "$out/run" \
  >"$out/serve.log" 2>"$out/serve.err" &
pids+=($!)
for _ in $(seq 1 240); do grep -q '^listening' "$out/serve.log" 2>/dev/null && break; sleep 0.5; done
server=$(sed -n 's/^listening //p' "$out/serve.log")
for i in $(seq 1 "$sites"); do
  "${bastion[@]}" fl join --server "$server" --roster "$out/fed/roster.txt" --key "$out/fed/sites/site-$i" \
    --data "$out/site-$i.csv" --label income-per-year >"$out/join-$i.log" 2>&1 &
  pids+=($!)
done
wait "${pids[0]}"
echo "## network: fl serve + $sites fl join processes"
sed 's/^/  /' "$out/serve.log"
awk '/^round/ { for (i = 1; i <= NF; i++) { if ($i == "bytes") b += $(i - 1); if ($i == "s,") s += $(i - 1) } n++ }
  END { printf "  mean per round: %.2f s, %.0f bytes on the wire (%.0f per site)\n", s / n, b / n, b / n / '"$sites"' }' "$out/serve.log"
echo "## in one JVM: fl simulate --split-by iid --clients $sites"
"${bastion[@]}" fl simulate --data "$adult" --label income-per-year --split-by iid --clients "$sites" \
  --rounds "$rounds" --secagg "$secagg" --insecure-seed 1 --central-epochs 0 2>/dev/null | sed 's/^/  /'
echo "# reports in $out"
