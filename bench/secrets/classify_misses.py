#!/usr/bin/env python3
"""Sorts the missed positive lines of `bastion eval secrets --corpus ... --misses` output by kind, with crude
substring and shape tests, for reading (docs/secrets-eval.md, round fourteen): sizes, not labels.

  CORPUS=/work/data/secrets14/corpus [SHOW=1] bench/secrets/classify_misses.py MISSES [SOURCE...]

Bench tooling over the project's own evaluation corpora; Python's re is fine here (no product path reads it).
"""
import os, re, sys, collections
root = os.environ.get('CORPUS', '/work/data/secrets14/corpus')
UNSEEN = ['gitleaks-samples','detect-secrets-plugin-tests','ripsecrets-tests','earlybird-rule-examples','trufflehog-detector-tests',
          'kingfisher-rule-examples','ghas-custom-patterns','betterleaks-samples','trivy-secret-tests','semgrep-secrets-tests','gosec-g101-samples',
          'bandit-hardcoded-passwords','sonar-text-examples','horusec-leaks-tests','osv-scalibr-veles-tests','ibm-detect-secrets-plugin-tests']
SEQ = ['abcdef','123456','234567','345678','456789','567890','987654','876543','qwerty','zyxwv','xxxx','example','your','0000','1111',
       'aaaa','abcd1234','a1b2c3','1a2b3c','xyz','here','dummy','fake','sample','test','placeholder','ghijkl','mnop','klmn','uvwx','opqr','wxyz',
       'bbbb','2222','cccc','dddd','eeee','ffff','asdf','foobar','changeme','letmein','password','p@ss','secret123','123e4567']
def kind(line):
    t = line.lower()
    if re.search(r'<\w+>\{', line): return 'test scaffolding (<name>{...})'
    if any(s in t for s in SEQ) or re.search(r'(?:[a-z]\d){5,}|(?:\d[a-z]){5,}', t): return 'placeholder or typed pattern'
    if re.search(r'(?:_id|id|user|username|account|domain|host|url|name|cloud)\b\s*["\']?\s*[:=]', t) or re.search(r'accessid|client_id|account_id|app_id', t):
        return 'identifier, user or host name'
    if re.search(r'^[\w.-]*\.(?:com|io|net|org|cloud|app)\b', t.strip()) or re.search(r'https?://[^\s:@/]+(?:/|$|\s|\")', t) and '@' not in t:
        return 'host name or URL without credential'
    if re.search(r'-----begin|^\s*[{\[]\s*$|<eof>|^={5,}', t): return 'key header or structure only'
    return 'other (read by hand)'
src_filter = sys.argv[2:] or UNSEEN
counts = collections.defaultdict(collections.Counter)
rest = []
for l in open(sys.argv[1]):
    p = l.split()
    if len(p) != 4 or p[0] != 'miss' or p[2] not in src_filter: continue
    path, n = p[3].rsplit(':', 1)
    with open(os.path.join(root, p[2], 'files', path), encoding='utf-8', errors='replace') as f:
        ls = f.read().split('\n')
    text = ls[int(n)-1] if int(n) <= len(ls) else '<eof>'
    k = kind(text)
    counts[p[2]][k] += 1
    if k.startswith('other'): rest.append(f'{p[2][:10]} {path[:40]}:{n} | {text.strip()[:140]}')
tot = collections.Counter()
for s, c in counts.items():
    tot.update(c)
    print(s, sum(c.values()), dict(c))
print('TOTAL', sum(tot.values()), dict(tot))
if os.environ.get('SHOW'): print('\n'.join(rest))
