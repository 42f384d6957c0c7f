"""How often each attack family's marker words occur in each source of the injection manifest (round seventeen's
diagnosis, docs/injection-model.md; the rule was declared at 13:27 UTC before any count). FamilyMarkers.java holds
the override and authority patterns as RE2 (run there over normalised text); this script reads the manifest's
sources as prepared by prepare-data.py and the shared eval data it names, and counts with Python regexes over
lower-cased raw text.

    python3 bench/injection/family-counts.py bench/injection/sources.tsv EVAL_DATA_DIR DATA_DIR
"""
import json, csv, glob, re, sys, collections
FAM = {
 'override': r"\b(ignore|disregard|forget|override|bypass|set aside)\b.{0,40}\b(instructions?|rules?|guidelines?|directives?|prompts?|programming|polic(y|ies)|restrictions?)\b",
 'hypothetical': r"\b(hypothetical|hypothetically|imagine|fictional|fiction|thought experiment|suppose|pretend)\b|\bin a (story|novel|film|movie|fictional world|parallel universe)\b",
 'authority': r"\b(i am|i'm|this is) (your|the|an?) (developer|creator|admin|administrator|owner|operator|engineer|supervisor|system administrator)\b|\bauthori[sz](ed|ation)\b|\bclearance\b|\b(admin|administrator|developer|root|sudo) (access|mode|privileges?|override|command)\b|\bon behalf of (openai|anthropic|the developers?)\b|\b(openai|anthropic) (staff|team|employee)",
}
SOURCES, EVAL, DATA = sys.argv[1], sys.argv[2], sys.argv[3]
def texts(spec):
    out=[]
    for part in spec.split():
        part=part.replace('${EVAL}',EVAL).replace('${DATA}',DATA)
        if part.startswith('gen:'): return None
        path,_,filt=part.partition('#')
        for f in sorted(glob.glob(path)):
            if f.endswith('.jsonl'):
                for l in open(f):
                    l=l.strip()
                    if l:
                        o=json.loads(l); out.append(o.get('text') or o.get('prompt') or o.get('turns',[''])[0] if isinstance(o,dict) else str(o))
            elif f.endswith('.json'):
                d=json.load(open(f))
                if isinstance(d,dict): d=d.get('prompts') or d.get('payloads') or list(d.values())
                for x in d: out.append(x if isinstance(x,str) else json.dumps(x))
            elif f.endswith('.csv'):
                rows=list(csv.DictReader(open(f)))
                k,_,v=filt.partition('=')
                for r in rows:
                    if k and r.get(k)!=v: continue
                    out.append(r.get('prompt') or r.get('goal') or r.get('text') or list(r.values())[0])
            else:
                out+= [l.strip() for l in open(f) if l.strip()]
    return out
for line in open(SOURCES):
    if line.startswith('#') or not line.strip(): continue
    name,role,fam,spec=line.split(None,3)
    t=texts(spec.strip())
    if t is None: print(f"{name:28s} {role:8s} (generated)"); continue
    c={k:sum(1 for x in t if re.search(p,(x or '').lower())) for k,p in FAM.items()}
    print(f"{name:28s} {role:8s} n={len(t):5d} " + " ".join(f"{k}={v}({v/max(1,len(t)):.2f})" for k,v in c.items()))
