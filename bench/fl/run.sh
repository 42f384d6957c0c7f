#!/usr/bin/env bash
# Federated learning on the Adult census extract (32,561 rows, 80/20 split), split by `occupation` into 10 silos:
# FedAvg of logistic regression with the sum in the clear, by SecAgg (Bonawitz et al.) and by SecAgg+, without and
# with 30% dropout, each beside centralised training with the same SGD. Prints each run's summary lines; the per-round
# JSON reports go to a temporary directory (kept when KEEP=1).
#   bench/fl/run.sh [ROUNDS] [EVAL_DATA_DIR]      (defaults: 30, ../shared/eval-data beside the repository)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
rounds="${1:-30}"
data="${2:-$root/../shared/eval-data}"
adult="$data/tabular_fairness_adult_german_compas/fairness__data__raw__adult.csv"
JAVA_HOME="$(bash -c 'source <(sed -n "/^java_major/,/^}/p;/^find_jdk/,/^}/p" ./bastion); find_jdk')"
export JAVA_HOME
./mvnw -B -q -DskipTests package -pl app -am >&2
bastion=("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -jar app/target/bastion.jar)
out="$(mktemp -d)"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$out"' EXIT

echo "# machine: $(nproc) cores, $(uname -r); java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
echo "# Adult split by occupation into 10 silos, $rounds rounds, 1 local epoch, batch 32, learning rate 0.1, seed 1"
for secagg in off full plus; do
  for dropout in 0 0.3; do
    name="$secagg-dropout$dropout"
    "${bastion[@]}" fl simulate --data "$adult" --label income-per-year --split-by occupation --clients 10 \
      --rounds "$rounds" --secagg "$secagg" --dropout "$dropout" --insecure-seed 1 --out "$out/$name" \
      >"$out/$name.log" 2>/dev/null
    echo "## secagg $secagg, dropout $dropout"
    grep -E '^(federated|central) accuracy' "$out/$name.log" | sed 's/^/  /'
    awk '/^round/ {n++; if ($0 ~ /attempts [2-9]/) retried++} END {print "  rounds retried after an abort: " retried+0 " of " n}' "$out/$name.log"
  done
done
echo "# reports in $out"
