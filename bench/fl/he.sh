#!/usr/bin/env bash
# Homomorphic aggregation (threshold Paillier) against plain FedAvg and SecAgg on the Adult census extract, split
# by `occupation` into 10 silos, logistic regression, the same seed and quantisation: prints each run's summary
# lines (accuracy, mean seconds per round, bytes per client) and, for he, the dealer's key generation time.
#   bench/fl/he.sh [ROUNDS] [HE_BITS] [EVAL_DATA_DIR]      (defaults: 30, 3072, ../shared/eval-data)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
rounds="${1:-30}"
bits="${2:-3072}"
data="${3:-$root/../shared/eval-data}"
adult="$data/tabular_fairness_adult_german_compas/fairness__data__raw__adult.csv"
JAVA_HOME="$(bash -c 'source <(sed -n "/^java_major/,/^}/p;/^find_jdk/,/^}/p" ./bastion); find_jdk')"
export JAVA_HOME
[ "${SKIP_BUILD:-0}" = 1 ] || ./mvnw -B -q -DskipTests package -pl app -am >&2
bastion=("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -jar app/target/bastion.jar)
out="$(mktemp -d)"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$out"' EXIT

echo "# machine: $(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg); java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
echo "# Adult split by occupation into 10 silos, $rounds rounds, 1 local epoch, batch 32, learning rate 0.1, seed 1"
for secagg in he off full; do
  "${bastion[@]}" fl simulate --data "$adult" --label income-per-year --split-by occupation --clients 10 \
    --rounds "$rounds" --secagg "$secagg" --he-bits "$bits" --insecure-seed 1 --central-epochs 0 \
    --out "$out/$secagg" >"$out/$secagg.log" 2>/dev/null
  echo "## secagg $secagg"
  grep -E '^(dealer|federated accuracy)' "$out/$secagg.log" | sed 's/^/  /'
done
echo "# reports in $out"
