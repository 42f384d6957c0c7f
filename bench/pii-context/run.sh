#!/usr/bin/env bash
# Contextual PII stage, leave one source out (generated, three GUM groups, WNUT-17), then the unseen sources
# (presidio-research synth, benign prompt sets), then the latency of the shipped model on one core.
#   bench/pii-context/run.sh [EVAL_DATA_DIR] [DATA_DIR]
# EVAL_DATA_DIR: the shared eval data (default ../shared/eval-data); DATA_DIR: the output of fetch-data.sh
# (default ../data). Word vectors are cached in DATA_DIR/pii-ctx-cache. Figures: docs/benchmarks.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
eval_data="$(cd "${1:-$root/../shared/eval-data}" && pwd)"
data="$(cd "${2:-$root/../data}" && pwd)"
./bastion --version >/dev/null 2>&1 || true   # builds the jar when sources are newer
JAVA_HOME="$(bash -c 'source <(sed -n "/^java_major/,/^}/p;/^find_jdk/,/^}/p" ./bastion); find_jdk')"
java=("$JAVA_HOME/bin/java" -Xmx4g --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -jar
  app/target/bastion.jar eval pii-context --gum "$data/gum/dep" --wnut "$data/wnut17" --cache "$data/pii-ctx-cache")
unseen=(--presidio "$eval_data/pii_presidio_research/data__synth_dataset_v2.json"
  --benign "$eval_data/benign_mtbench_vicuna/fastchat__llm_judge__data__mt_bench__question.jsonl"
  "$eval_data/benign_mtbench_vicuna/fastchat__llm_judge__data__vicuna_bench__question.jsonl"
  "$eval_data/xstest/xstest_prompts.csv#label=safe")
nice "${java[@]}" --generated 3000 "${unseen[@]}" --out "$data/pii-context-model.bin.gz" "${@:3}" 2>/dev/null
taskset -c 0 "${java[@]}" --latency 3 "${unseen[@]}" 2>/dev/null
