#!/usr/bin/env python3
"""Sorts the missed positive lines (and, with FP=1, the false-positive lines) of `bastion eval secrets --corpus ...
--misses` output by kind, with crude substring and shape tests, for reading (docs/secrets-eval.md, rounds fourteen
and twenty-one): sizes, not labels.

  CORPUS=/work/data/secrets21/corpus [SHOW=1] [FP=1] bench/secrets/classify_misses.py MISSES [SOURCE...]

Without SOURCE arguments every source named in MISSES is counted. Misses are summed into issue 14's groups: (a) a
credential shape not known (the "other" lines, read by hand: an upper bound), (b) placeholders and example or
test values, (d) other (scaffolding, identifiers, host names, structure lines). False positives are sorted into
kinds of their own (group (c)).
Bench tooling over the project's own evaluation corpora; Python's re is fine here (no product path reads it).
"""
import os, re, sys, collections
root = os.environ.get('CORPUS', '/work/data/secrets21/corpus')
SEQ = ['abcdef','123456','234567','345678','456789','567890','987654','876543','qwerty','zyxwv','xxxx','example','your','0000','1111',
       'aaaa','abcd1234','a1b2c3','1a2b3c','xyz','here','dummy','fake','sample','test','placeholder','ghijkl','mnop','klmn','uvwx','opqr','wxyz',
       'bbbb','2222','cccc','dddd','eeee','ffff','asdf','foobar','changeme','letmein','password','p@ss','secret123','123e4567']
GROUP = {'placeholder or typed pattern': '(b)', 'other (read by hand)': '(a)?'}
def kind(line):
    t = line.lower()
    if re.search(r'<\w+>\{', line): return 'test scaffolding (<name>{...})'
    if any(s in t for s in SEQ) or re.search(r'(?:[a-z]\d){5,}|(?:\d[a-z]){5,}', t): return 'placeholder or typed pattern'
    if re.search(r'(?:_id|id|user|username|account|domain|host|url|name|cloud)\b\s*["\']?\s*[:=]', t) or re.search(r'accessid|client_id|account_id|app_id', t):
        return 'identifier, user or host name'
    if re.search(r'^[\w.-]*\.(?:com|io|net|org|cloud|app)\b', t.strip()) or re.search(r'https?://[^\s:@/]+(?:/|$|\s|\")', t) and '@' not in t:
        return 'host name or URL without credential'
    if re.search(r'-----begin|^\s*[{\[]\s*$|<eof>|^={5,}|^\s*<[\w.:-]+>\s*$', t): return 'key header or structure only'
    return 'other (read by hand)'
PREFIX = re.compile(r'\b(?:gh[pousr]_|github_pat_|glpat-|gl[a-z]{2,4}-|AIza|xox[a-z]-|xapp-|sk_|rk_|pk_|SG\.|pypi-|eyJ|sntrys_|HRKU-|'
                    r'sq0|AKIA|ASIA|shp[a-z]{2}_|npm_|dop_v1_|hf_|sk-|\d{6,12}:A|pscale_|key-|NRJS-|access-|v1\.0-)')
def fp_kind(line):
    t = line.strip(); low = t.lower()
    if re.match(r'^(#|//|/\*|\*|<!--|--)', t) or 'possible hardcoded' in low: return 'comment or prose'
    if PREFIX.search(t): return 'vendor format: near-miss length or checksum, or a sibling type'
    if re.search(r'://[^\s/:@]+:[^\s/@]+@|(?:pwd|password|user id|uid)\s*=[^;]+;', low): return 'URL or connection-string credential'
    if re.search(r'(?:password|passwd|pwd|pass|secret|token|key|cred|auth)[\w.-]*["\'\]]?\s*(?:[:=]|=>|:=)', low):
        return 'credential-named assignment'
    return 'other'
fp = os.environ.get('FP') == '1'
src_filter = sys.argv[2:]
counts = collections.defaultdict(collections.Counter)
rest = []
for l in open(sys.argv[1]):
    p = l.split()
    if len(p) != 4 or p[0] != ('false-positive' if fp else 'miss') or (src_filter and p[2] not in src_filter): continue
    path, n = p[3].rsplit(':', 1)
    with open(os.path.join(root, p[2], 'files', path), encoding='utf-8', errors='replace') as f:
        ls = f.read().split('\n')
    text = ls[int(n)-1] if int(n) <= len(ls) else '<eof>'
    k = fp_kind(text) if fp else kind(text)
    counts[p[2]][k] += 1
    if k.startswith('other') or os.environ.get('SHOW') == 'all':
        rest.append(f'{p[2][:10]} {path[:40]}:{n} | {k[:12]} | {text.strip()[:140]}')
tot = collections.Counter()
for s, c in sorted(counts.items()):
    tot.update(c)
    print(s, sum(c.values()), dict(c))
print('TOTAL', sum(tot.values()), dict(tot))
if not fp:
    groups = collections.Counter()
    for k, v in tot.items():
        groups[GROUP.get(k, '(d)')] += v
    print('GROUPS', dict(groups))
if os.environ.get('SHOW'): print('\n'.join(rest))
