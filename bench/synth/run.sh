#!/usr/bin/env bash
# DP synthetic data (issue 19): MST and AIM (2-way and 3-way workloads) speed on the whole Adult table, then
# fidelity, utility and attack figures at epsilon 0.1, 1 and 10, seeds 1-3, for MST, AIM (2-way workload) and the
# independent-marginals baseline (train on a seeded 80% split, evaluate on the other 20%), with the mean over seeds,
# and the 2-way TV of independent columns drawn from the exact 1-way marginals (bench/synth/tv_gap.py).
#   bench/synth/run.sh [EVAL_DATA_DIR]     (default: ../shared/eval-data beside the repository)
#   EPSILONS="0.1 1 10" SEEDS="1 2 3" METHODS="mst aim independent" bench/synth/run.sh   (the defaults)
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

for method in mst aim aim3; do
  workload=2
  if [ "$method" = aim3 ]; then method=aim; workload=3; fi
  echo "## speed: $method (workload $workload) at epsilon 1, delta 1e-6 on all of Adult ($(($(wc -l < "$adult") - 1)) rows), 32561 rows sampled"
  /usr/bin/time -f "wall clock of the whole command (JVM start, CSV read, ledger charge, synthesis, signing, audit): %e s, CPU %U s user + %S s system, max RSS %M KB" \
    "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -jar app/target/bastion.jar synth --data-dir "$dd" \
    --data "$adult" --epsilon 1 --delta 1e-6 --method "$method" $([ "$method" = aim ] && echo --workload "$workload") --dataset adult-bench --seed 1 \
    --rows 32561 --out "$work/speed.csv" 2>&1 | grep -v "incubator"
done
echo
echo "## 2-way TV of independent columns drawn from the exact 1-way marginals (the issue's 0.077 reference)"
python3 bench/synth/tv_gap.py "$adult"

awk -v out="$work" 'BEGIN{srand(19)} NR==1{print > out"/train.csv"; print > out"/holdout.csv"; next}
  {if (rand() < 0.8) print > out"/train.csv"; else print > out"/holdout.csv"}' "$adult"
echo
echo "## fidelity, utility and risk against epsilon (train $(($(wc -l < "$work/train.csv") - 1)) rows, holdout $(($(wc -l < "$work/holdout.csv") - 1)) rows)"
echo "| method | epsilon | seed | TV 1-way | TV 2-way | TV 3-way | acc. trained on synthetic (real: see below) | singling-out risk | exact copies | marginals measured | fit s | sample s |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
m() { jq -r --arg n "$1" --arg s "${2:-}" '[.metrics[] | select(.name == $n and (.slice // "") == $s)][0].value' <<< "$e"; }
rows="$work/rows.txt"
: > "$rows"
for seed in ${SEEDS:-1 2 3}; do
  for eps in ${EPSILONS:-0.1 1 10}; do
    for method in ${METHODS:-mst aim independent}; do
      s="$(bastion synth --data-dir "$dd" --data "$work/train.csv" --epsilon "$eps" --delta 1e-6 --method "$method" \
        --dataset adult-bench --seed "$seed" --out "$work/$method-$eps.csv" --format json)"
      e="$(bastion synth eval --real "$work/train.csv" --synthetic "$work/$method-$eps.csv" \
        --holdout "$work/holdout.csv" --format json)"
      printf '| %s | %s | %s | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %s | %.2f | %.2f |\n' "$method" "$eps" "$seed" \
        "$(m tv_1way)" "$(m tv_2way)" "$(m tv_3way)" "$(m accuracy trained_on_synthetic)" "$(m singling_out_risk)" \
        "$(m exact_copies training)" "$(jq '.record.marginals | length' <<< "$s")" "$(jq .fit_seconds <<< "$s")" \
        "$(jq .sample_seconds <<< "$s")" | tee -a "$rows"
      last="$e"
    done
  done
done
echo
echo "## mean over seeds"
echo "| method | epsilon | runs | TV 2-way | TV 3-way | acc. trained on synthetic | fit s |"
echo "|---|---|---|---|---|---|---|"
awk -F'|' '{k = $2 "|" $3; if (!(k in n)) order[++c] = k; n[k]++; t2[k] += $6; t3[k] += $7; a[k] += $8; f[k] += $12}
  END {for (i = 1; i <= c; i++) {k = order[i]; printf "|%s| %d | %.4f | %.4f | %.4f | %.2f |\n", k, n[k], t2[k] / n[k],
    t3[k] / n[k], a[k] / n[k], f[k] / n[k]}}' "$rows"
echo
e="$last"
echo "holdout accuracy trained on the real training rows: $(m accuracy trained_on_real), majority class $(m accuracy majority_class)"
