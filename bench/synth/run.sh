#!/usr/bin/env bash
# DP synthetic data (issue 19): MST and AIM speed on the whole Adult table, then fidelity, utility and attack figures
# against epsilon for MST and AIM beside the independent-marginals baseline (train on a seeded 80% split, evaluate on
# the other 20%), and the 2-way TV of independent columns drawn from the exact 1-way marginals (bench/synth/tv_gap.py).
#   bench/synth/run.sh [EVAL_DATA_DIR]     (default: ../shared/eval-data beside the repository)
# Work files (split, synthetic tables, a throwaway data directory and ledger) go to a temporary directory.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
data="${1:-$root/../shared/eval-data}"
adult="$data/tabular_fairness_adult_german_compas/fairness__data__raw__adult.csv"
JAVA_HOME="$(bash -c 'source <(sed -n "/^java_major/,/^}/p;/^find_jdk/,/^}/p" ./bastion); find_jdk')"
export JAVA_HOME
./mvnw -B -q -o -DskipTests package -pl app -am >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bastion() { "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -jar app/target/bastion.jar "$@" 2>/dev/null; }
dd="$work/data"
bastion dp budget --data-dir "$dd" --dataset adult-bench --set-total 10000000,1e-3 >/dev/null

for method in mst aim; do
  echo "## speed: $method at epsilon 1, delta 1e-6 on all of Adult ($(($(wc -l < "$adult") - 1)) rows), 32561 rows sampled"
  /usr/bin/time -f "wall clock of the whole command (JVM start, CSV read, ledger charge, synthesis, signing, audit): %e s, max RSS %M KB" \
    "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -jar app/target/bastion.jar synth --data-dir "$dd" \
    --data "$adult" --epsilon 1 --delta 1e-6 --method "$method" --dataset adult-bench --seed 1 --rows 32561 \
    --out "$work/speed.csv" 2>&1 | grep -v "incubator"
done
echo
echo "## 2-way TV of independent columns drawn from the exact 1-way marginals (the issue's 0.077 reference)"
python3 bench/synth/tv_gap.py "$adult"

awk -v out="$work" 'BEGIN{srand(19)} NR==1{print > out"/train.csv"; print > out"/holdout.csv"; next}
  {if (rand() < 0.8) print > out"/train.csv"; else print > out"/holdout.csv"}' "$adult"
echo
echo "## fidelity, utility and risk against epsilon (train $(($(wc -l < "$work/train.csv") - 1)) rows, holdout $(($(wc -l < "$work/holdout.csv") - 1)) rows; seed 1)"
echo "| method | epsilon | TV 1-way | TV 2-way | TV 3-way | acc. trained on synthetic (real: see below) | singling-out risk | exact copies | marginals measured | fit s | sample s |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
m() { jq -r --arg n "$1" --arg s "${2:-}" '[.metrics[] | select(.name == $n and (.slice // "") == $s)][0].value' <<< "$e"; }
for eps in 0.1 0.3 1 3 10 1000000; do
  for method in mst aim independent; do
    s="$(bastion synth --data-dir "$dd" --data "$work/train.csv" --epsilon "$eps" --delta 1e-6 --method "$method" \
      --dataset adult-bench --seed 1 --out "$work/$method-$eps.csv" --format json)"
    e="$(bastion synth eval --real "$work/train.csv" --synthetic "$work/$method-$eps.csv" \
      --holdout "$work/holdout.csv" --format json)"
    printf '| %s | %s | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %s | %.2f | %.2f |\n' "$method" "$eps" \
      "$(m tv_1way)" "$(m tv_2way)" "$(m tv_3way)" "$(m accuracy trained_on_synthetic)" "$(m singling_out_risk)" \
      "$(m exact_copies training)" "$(jq '.record.marginals | length' <<< "$s")" "$(jq .fit_seconds <<< "$s")" \
      "$(jq .sample_seconds <<< "$s")"
    last="$e"
  done
done
echo
e="$last"
echo "holdout accuracy trained on the real training rows: $(m accuracy trained_on_real), majority class $(m accuracy majority_class)"
