#!/usr/bin/env python3
"""Merges the two halves of one leave-one-source-out run made by two processes, one with `--reverse-folds`
(`bastion eval injection ... --scores-out F.scores > F.txt`, the same options otherwise), stopped once they have
met. A source counts once, from the first half whose printed table holds its line (a fold prints its line after
all of its texts are scored, so a fold still running when a process was stopped is not counted).
    python3 bench/injection/merge-folds.py OUT.scores FORWARD.txt FORWARD.scores REVERSE.txt REVERSE.scores
Also for N processes that each scored one share of the folds (`--fold-shard K/N`, round twelve): one TXT SCORES pair
per process, in any order (the shares do not overlap).
Writes OUT.scores (for bench/injection/pooled.py) and prints the merged per-source table and the content model's
pooled figures (held-out injected TPR; clean FPR per family, from each line's texts and FPR)."""
import re, sys

out, halves = sys.argv[1], list(zip(sys.argv[2::2], sys.argv[3::2]))
row = re.compile(r"^(\S+)\s+(attack|benign|document|indirect)\s+(\S+)\s+(\d+)\s+([\d.]+)\s+(\S+)\s*(.*)$")
taken, table = {}, []
for txt, scores in halves:
    for line in open(txt, encoding="utf-8"):
        m = row.match(line.rstrip("\n"))
        if m and m.group(1) not in taken:
            taken[m.group(1)] = scores
            table.append(m)
with open(out, "w", encoding="utf-8") as o:
    for txt, scores in halves:
        for line in open(scores, encoding="utf-8"):
            if taken.get(line.split("\t", 1)[0]) == scores:
                o.write(line)
tp = pos = 0
clean = {}
for m in table:
    print(m.group(0))
    texts, family, cell = int(m.group(4)), m.group(3), m.group(7)
    f = re.search(r"FPR ([\d.]+)", cell)
    if f:
        c = clean.setdefault(family, [0.0, 0])
        c[0] += float(f.group(1)) * texts
        c[1] += texts
    t = re.search(r"TPR ([\d.]+) \((\d+)\)", cell)
    if t:
        tp += float(t.group(1)) * int(t.group(2))
        pos += int(t.group(2))
print(f"{len(table)} sources merged; content: injected held-out TPR {tp / max(1, pos):.4f} ({pos} texts)")
for family, (k, n) in sorted(clean.items()):
    print(f"  clean family {family:<19} FPR {k / n:.4f} ({round(k)} of {n})")
