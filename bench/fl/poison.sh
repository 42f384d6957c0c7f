#!/usr/bin/env bash
# Poisoning on the Adult census extract (80/20 split, logistic regression, seed 1): FedAvg and the robust rules,
# without attackers and with malicious clients sending their update x10 (scale10), x-1 (signflip) or x-10
# (signflip-scale10), in two settings:
#   silos:  split by occupation into 10 silos, 1 malicious, 30 rounds, 1 local epoch, learning rate 0.1; rules over
#           single updates in the clear, and median / norm-bound / fltrust over SecAgg sums of random groups of >= 3.
#   users:  1,000 users (random rows), 50 malicious (5%), 30 rounds, 2 local epochs, learning rate 0.5; rules over
#           single updates, and over sums of random groups of >= 10 taken in the clear (the numbers SecAgg would
#           output; running 100 SecAgg groups per round is left out for time).
# Prints one line per run: setting, rule, grouping, attack, final accuracy. The attackers are drawn from a stream of
# their own, so each rule trains on the same draws with and without them.
#   bench/fl/poison.sh [silos|users|all] [EVAL_DATA_DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
which="${1:-all}"
data="${2:-$root/../shared/eval-data}"
adult="$data/tabular_fairness_adult_german_compas/fairness__data__raw__adult.csv"
JAVA_HOME="$(bash -c 'source <(sed -n "/^java_major/,/^}/p;/^find_jdk/,/^}/p" ./bastion); find_jdk')"
export JAVA_HOME
[ "${SKIP_BUILD:-0}" = 1 ] || ./mvnw -B -q -DskipTests package -pl app -am >&2
bastion=("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -jar "${FL_JAR:-app/target/bastion.jar}")
run() { # setting rule group secagg attack args...
  local setting="$1" rule="$2" group="$3" secagg="$4" attack="$5"
  shift 5
  local mal=()
  [ "$attack" = none ] || mal=(--malicious "$attack")
  acc="$("${bastion[@]}" fl simulate --data "$adult" --label income-per-year --rounds 30 --insecure-seed 1 \
    --central-epochs 0 --robust "$rule" --group-size "$group" --secagg "$secagg" "${mal[@]}" "$@" 2>/dev/null \
    | awk '/^federated accuracy/ {print $3}')"
  printf '%-6s %-13s group %-3s secagg %-4s %-22s accuracy %s\n' "$setting" "$rule" "$group" "$secagg" "$attack" "$acc"
}
echo "# machine: $(nproc) cores; Adult, logistic regression, 30 rounds, seed 1"
if [ "$which" = silos ] || [ "$which" = all ]; then
  silos=(--split-by occupation --clients 10 --learning-rate 0.1 --local-epochs 1)
  for attack in none 1:scale10 1:signflip 1:signflip-scale10; do
    for rule in mean median trimmed-mean multi-krum norm-bound fltrust; do
      run silos "$rule" 1 off "$attack" "${silos[@]}"
    done
  done
  for attack in none 1:signflip-scale10 1:scale10; do
    for rule in median norm-bound fltrust; do
      run silos "$rule" 3 full "$attack" "${silos[@]}"
    done
  done
fi
if [ "$which" = users ] || [ "$which" = all ]; then
  users=(--split-by iid --clients 1000 --learning-rate 0.5 --local-epochs 2)
  for attack in none 0.05:scale10 0.05:signflip 0.05:signflip-scale10; do
    for rule in mean median trimmed-mean multi-krum norm-bound fltrust; do
      run users "$rule" 1 off "$attack" "${users[@]}"
    done
  done
  for attack in none 0.05:signflip-scale10; do
    for rule in median trimmed-mean multi-krum norm-bound fltrust; do
      run users "$rule" 10 off "$attack" "${users[@]}"
    done
  done
fi
