#!/usr/bin/env bash
# DP query error, DP-SGD accuracy against epsilon, and DP-SGD throughput next to non-private training, same run.
#   bench/dp-utility/run.sh [EVAL_DATA_DIR]     (default: ../shared/eval-data beside the repository)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
data="${1:-$root/../shared/eval-data}"
JAVA_HOME="$(bash -c 'source <(sed -n "/^java_major/,/^}/p;/^find_jdk/,/^}/p" ./bastion); find_jdk')"
export JAVA_HOME
./mvnw -B -q -DskipTests install -pl bench -am >&2
./mvnw -B -q dependency:build-classpath -pl bench -Dmdep.outputFile=target/bench.classpath >&2
"$JAVA_HOME/bin/java" -cp "bench/target/classes:$(cat bench/target/bench.classpath)" dev.bastion.bench.DpUtilityBench \
  "$data/tabular_fairness_adult_german_compas/fairness__data__raw__adult.csv" \
  "$data/images_fashion_mnist/t10k-images-idx3-ubyte.gz" "$data/images_fashion_mnist/t10k-labels-idx1-ubyte.gz"
