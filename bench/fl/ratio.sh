#!/usr/bin/env bash
# End to end, SecAgg over plain FedAvg on the same code: `fl simulate` on Adult split by occupation into 10 silos,
# --secagg off, then full (fresh signed keys every round), then session (one session's keys for every round), and
# the three again, so a change in the machine's load shows as a disagreement between the passes; no dropout, no
# central baseline. Prints each run's mean per round over rounds 2..R (round 1 carries the JIT's warm-up and, for
# session, the session's key exchange): wall seconds of local training and of aggregation, and the same as the main
# thread's CPU seconds; then the ratios (train + aggregate) of full and session over off, by wall and by CPU.
#   bench/fl/ratio.sh [ROUNDS] [EVAL_DATA_DIR]      (defaults: 10, ../shared/eval-data beside the repository)
#   SKIP_BUILD=1 uses the existing app/target/bastion.jar (JAR=path another build); MODES="off session" runs a subset;
#   CLIENTS=1000 SPLIT=iid deal the rows to that many clients instead of the 10 occupation silos; PASSES=1 runs one
#   pass; EXTRA="--tolerance 0.3 --corrupt 0" adds options to every run
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
rounds="${1:-10}"
data="${2:-$root/../shared/eval-data}"
modes="${MODES:-off full session}"
clients="${CLIENTS:-10}"
split="${SPLIT:-occupation}"
read -r -a extra <<<"${EXTRA:-}"
adult="$data/tabular_fairness_adult_german_compas/fairness__data__raw__adult.csv"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
[ "${SKIP_BUILD:-0}" = 1 ] || ./mvnw -B -q -DskipTests package -pl app -am >&2
bastion=(nice "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -jar "${JAR:-app/target/bastion.jar}")
echo "# $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $clients clients split by $split; ${EXTRA:-}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for pass in $(seq 1 "${PASSES:-2}"); do
  for secagg in $modes; do
    "${bastion[@]}" fl simulate --data "$adult" --label income-per-year --split-by "$split" --clients "$clients" \
      --rounds "$rounds" --secagg "$secagg" --dropout 0 --central-epochs 0 --insecure-seed 1 "${extra[@]}" 2>/dev/null \
      >"$out/$pass-$secagg.log"
    # rounds 2..R: mean train and aggregate seconds (wall, then CPU) from the per-round lines
    awk -v name="pass $pass, secagg $secagg" -v load="$(cut -d' ' -f1 /proc/loadavg)" '
      /^round/ { r++; for (i = 1; i <= NF; i++) { if ($i == "train") t = $(i + 1); if ($i == "aggregate") a = $(i + 1)
                   if ($i == "train-cpu") tc = $(i + 1); if ($i == "aggregate-cpu") ac = $(i + 1) }
                 if (r > 1) { tt += t; aa += a; ttc += tc; aac += ac; n++ } }
      /^federated accuracy/ { acc = $3 }
      END { printf "%s: accuracy %s, rounds 2-%d: wall train %.4f s + aggregate %.4f s = %.4f s a round; cpu train %.4f s + aggregate %.4f s = %.4f s a round (load %s)\n",
                   name, acc, r, tt / n, aa / n, (tt + aa) / n, ttc / n, aac / n, (ttc + aac) / n, load }' \
      "$out/$pass-$secagg.log" | tee "$out/$pass-$secagg.sum"
  done
  for secagg in $modes; do
    [ "$secagg" = off ] && continue
    awk -v p="$pass" -v m="$secagg" '
      { for (i = 1; i <= NF; i++) if ($i == "=") { k++; v[FILENAME, k] = $(i + 1) } k = 0 }
      END { for (key in v) { split(key, part, SUBSEP); if (part[1] ~ /-off\.sum$/) off[part[2]] = v[key]; else on[part[2]] = v[key] }
            printf "pass %s: end to end, secagg %s over off = %.2fx by wall, %.2fx by cpu\n", p, m, on[1] / off[1], on[2] / off[2] }' \
      "$out/$pass-off.sum" "$out/$pass-$secagg.sum"
  done
done
