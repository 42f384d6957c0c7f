#!/usr/bin/env bash
# PII scanner accuracy and speed, pinned to one CPU core (taskset -c 0): token-level precision/recall/F2 and
# sentences per second on presidio-research's synth_dataset_v2.json, and bulk MB/s with all recognisers on, over
# ordinary text made by concatenating the benign MT-Bench and Vicuna prompt sets until it reaches SIZE_MB; and, per
# pii mode, the share of characters flagged on the benign prompt sets (MT-Bench, Vicuna, XSTest safe prompts).
#   bench/pii/run.sh [EVAL_DATA_DIR] [SIZE_MB]     (defaults: ../shared/eval-data beside the repository, 24)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
data="$(cd "${1:-$root/../shared/eval-data}" && pwd)"
size_mb="${2:-24}"
./bastion --version >/dev/null 2>&1 || true   # builds the jar when sources are newer
JAVA_HOME="$(bash -c 'source <(sed -n "/^java_major/,/^}/p;/^find_jdk/,/^}/p" ./bastion); find_jdk')"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 - "$data/benign_mtbench_vicuna" "$work/ordinary.txt" "$size_mb" <<'PY'
import json, pathlib, sys
src, out, size = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), int(sys.argv[3]) * 1_000_000
texts = []
for f in sorted(src.glob("*.jsonl")):
    for line in f.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            texts.extend(t for t in row.get("turns", []) if isinstance(t, str))
            texts.extend(r for r in row.get("reference", []) or [] if isinstance(r, str))
block = "\n".join(texts) + "\n"
with out.open("w", encoding="utf-8") as w:
    n = 0
    while n < size:
        w.write(block)
        n += len(block)
print(f"ordinary text: {len(texts)} prompts concatenated to {n / 1e6:.1f} MB", file=sys.stderr)
PY
echo "== taskset -c 0 bastion eval pii --data synth_dataset_v2.json --bulk ordinary.txt --benign ..."
taskset -c 0 "$JAVA_HOME/bin/java" -jar app/target/bastion.jar eval pii \
  --data "$data/pii_presidio_research/data__synth_dataset_v2.json" --bulk "$work/ordinary.txt" \
  --benign "$data"/benign_mtbench_vicuna/*.jsonl "$data/xstest/xstest_prompts.csv#label=safe" 2>/dev/null
