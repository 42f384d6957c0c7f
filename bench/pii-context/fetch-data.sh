#!/usr/bin/env bash
# Extracts the training corpora of the contextual PII stage from fetched git snapshots into DATA_DIR (outside the
# repository), with their licences and SHA-256 sums. Nothing here is committed.
#   bench/pii-context/fetch-data.sh GUM_GIT_DIR WNUT_GIT_DIR [DATA_DIR]
# GUM_GIT_DIR: a clone or bare git directory of amir-zeldes/gum (72ce5ac14978a324c2fd18d49484e65292cbe316 was used);
# WNUT_GIT_DIR: of leondz/emerging_entities_17 (e52a2d2a71ac1a051ca2d532eef28653c5c02603). DATA_DIR default ../data.
# Only GUM genres whose text licence allows commercial use: academic, bio, court, interview, news, voyage.
set -euo pipefail
gum="$1"
wnut="$2"
data="${3:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)/data}"
mkdir -p "$data/gum/dep" "$data/wnut17"
for f in $(git --git-dir="$gum" ls-tree --name-only HEAD:dep | grep -E '^GUM_(academic|bio|court|interview|news|voyage)_'); do
  git --git-dir="$gum" show "HEAD:dep/$f" > "$data/gum/dep/$f"
done
git --git-dir="$gum" show HEAD:LICENSE.txt > "$data/gum/LICENSE.txt"
(cd "$data/gum/dep" && sha256sum *.conllu) > "$data/gum/SHA256SUMS"
for f in wnut17train.conll emerging.dev.conll emerging.test.annotated README.md; do
  git --git-dir="$wnut" show "HEAD:$f" > "$data/wnut17/$f"
done
(cd "$data/wnut17" && sha256sum wnut17train.conll emerging.dev.conll emerging.test.annotated) > "$data/wnut17/SHA256SUMS"
echo "GUM files: $(ls "$data/gum/dep" | wc -l); listing sha256: $(sha256sum < "$data/gum/SHA256SUMS" | cut -c1-64)"
cat "$data/wnut17/SHA256SUMS"
