#!/usr/bin/env bash
# End to end, SecAgg over plain FedAvg on the same code: `fl simulate` on Adult split by occupation into 10 silos,
# --secagg off then full (then off and full again, so a change in the machine's load shows as a disagreement
# between the pairs), no dropout, no central baseline. Prints each run's mean seconds per round (local training plus
# aggregation, wall) and mean aggregation seconds, and the ratios full/off per pair.
#   bench/fl/ratio.sh [ROUNDS] [EVAL_DATA_DIR]      (defaults: 10, ../shared/eval-data beside the repository)
#   SKIP_BUILD=1 uses the existing app/target/bastion.jar
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
rounds="${1:-10}"
data="${2:-$root/../shared/eval-data}"
adult="$data/tabular_fairness_adult_german_compas/fairness__data__raw__adult.csv"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
[ "${SKIP_BUILD:-0}" = 1 ] || ./mvnw -B -q -DskipTests package -pl app -am >&2
bastion=(nice "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -jar app/target/bastion.jar)
echo "# $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for pass in 1 2; do
  for secagg in off full; do
    "${bastion[@]}" fl simulate --data "$adult" --label income-per-year --split-by occupation --clients 10 \
      --rounds "$rounds" --secagg "$secagg" --dropout 0 --central-epochs 0 --insecure-seed 1 2>/dev/null \
      >"$out/$pass-$secagg.log"
    # rounds 2..R (round 1 carries the JIT's warm-up): mean train and aggregate seconds from the per-round lines
    awk -v name="pass $pass, secagg $secagg" -v load="$(cut -d' ' -f1 /proc/loadavg)" '
      /^round/ { r++; for (i = 1; i <= NF; i++) { if ($i == "train") t = $(i + 1); if ($i == "aggregate") a = $(i + 1) }
                 if (r > 1) { tt += t; aa += a; n++ } }
      /^federated accuracy/ { acc = $3 }
      END { printf "%s: accuracy %s, rounds 2-%d: train %.4f s + aggregate %.4f s = %.4f s a round (load %s)\n",
                   name, acc, r, tt / n, aa / n, (tt + aa) / n, load }' "$out/$pass-$secagg.log" | tee "$out/$pass-$secagg.sum"
  done
  awk -v p="$pass" '{ for (i = 1; i <= NF; i++) if ($i == "=") v[FILENAME] = $(i + 1) }
    END { for (f in v) { if (f ~ /full/) full = v[f]; else off = v[f] }
          printf "pass %s: end to end, secagg full over off = %.2fx\n", p, full / off }' \
    "$out/$pass-off.sum" "$out/$pass-full.sum"
done
