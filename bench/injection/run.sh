#!/usr/bin/env bash
# Injection detector, leave-one-source-out: each source is scored by models trained on every other source, at
# thresholds fixed before scoring; per source and pooled. Then the latency of the shipped model on every text of the
# sources, pinned to one CPU core (taskset -c 0).
#   bench/injection/run.sh [EVAL_DATA_DIR] [DATA_DIR]
# EVAL_DATA_DIR: the shared eval data (default ../shared/eval-data beside the repository); DATA_DIR: the output of
# bench/injection/prepare-data.py (default ../data/inject). Sources: bench/injection/sources.tsv.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
eval_data="$(cd "${1:-$root/../shared/eval-data}" && pwd)"
data="$(cd "${2:-$root/../data/inject}" && pwd)"
./bastion --version >/dev/null 2>&1 || true   # builds the jar when sources are newer
JAVA_HOME="$(bash -c 'source <(sed -n "/^java_major/,/^}/p;/^find_jdk/,/^}/p" ./bastion); find_jdk')"
args=(--sources bench/injection/sources.tsv --eval-data "$eval_data" --data "$data")
nice "$JAVA_HOME/bin/java" -jar app/target/bastion.jar eval injection "${args[@]}" --no-latency "${@:3}" 2>/dev/null
taskset -c 0 "$JAVA_HOME/bin/java" -jar app/target/bastion.jar eval injection "${args[@]}" --latency-only 2>/dev/null
