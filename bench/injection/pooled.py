#!/usr/bin/env python3
"""Pooled direct-model figures from a `bastion eval injection --scores-out FILE` table, over all scored sources or
with some left out of the pool, so that runs with different source lists compare on the same sources.
    python3 bench/injection/pooled.py SCORES.tsv [--lexical | --rule N] [--without SOURCE ...]
Columns read: source, role, family, score, flagged at the fold's fixed threshold (with --lexical, the lexical stage's
score and flag, the next two columns of a run with --embeddings; with --rule N, the score and the flag of the Nth
alternative threshold rule, InjectionFit.ALTERNATIVE_RULES, counted from 0, written by runs since round eight). Attacks are role `attack`; benign
texts are roles `benign` and `document` (harmful requests, role `other`, are reported apart by the eval command)."""
import bisect, collections, sys

args = sys.argv[1:]
path, without = args[0], set(args[args.index("--without") + 1:]) if "--without" in args else set()
columns = (5, 6) if "--lexical" in args else (3, 4)
if "--rule" in args:
    columns = (3, 7 + int(args[args.index("--rule") + 1]))
pos, neg, flag_pos, flag_neg = [], [], 0, 0
fam = collections.defaultdict(lambda: [0, 0])
for line in open(path, encoding="utf-8"):
    cells = line.rstrip("\n").split("\t")
    src, role, family, score, flagged = cells[0], cells[1], cells[2], cells[columns[0]], cells[columns[1]]
    if src in without or role not in ("attack", "benign", "document"):
        continue
    if role == "attack":
        pos.append(float(score)); flag_pos += flagged == "1"
    else:
        neg.append(float(score)); flag_neg += flagged == "1"
        fam[family][0] += flagged == "1"; fam[family][1] += 1

def auroc(p, n):
    ns, total = sorted(n), 0.0
    for x in p:
        lo, hi = bisect.bisect_left(ns, x), bisect.bisect_right(ns, x)
        total += lo + 0.5 * (hi - lo)
    return total / (len(p) * len(n))

def tpr_at(p, n, fpr):
    ns = sorted(n, reverse=True)
    t = ns[int(fpr * len(ns))]
    return sum(x > t for x in p) / len(p)

print(f"pooled direct over {len(pos)} attacks, {len(neg)} benign" + (f" (without {', '.join(sorted(without))})" if without else "")
      + f": AUROC {auroc(pos, neg):.4f}; at the fixed thresholds TPR {flag_pos / len(pos):.4f}, FPR {flag_neg / len(neg):.4f};"
      + f" TPR at 2% FPR, post hoc {tpr_at(pos, neg, 0.02):.4f}")
for f, (k, n) in sorted(fam.items()):
    print(f"  benign family {f:<20} FPR {k / n:.4f} ({k} of {n})")
