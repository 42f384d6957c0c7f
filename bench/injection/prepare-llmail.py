#!/usr/bin/env python3
"""Round fifteen: the e-mail source `llmail-clean` from the LLMail-Inject challenge's clean e-mails
(microsoft/llmail-inject-challenge, src/agent/data/fp_tests.json, MIT; here read from the verbatim copy
realArcherL/llmail-inject-challenge @ 941367958b2b, modal/msref/fp_tests.json). The file repeats the same 20 project
e-mails under several project names; the extract keeps the first 20 ("Project Zenith"), the 25 business e-mails that
follow the "Project Helios" block, and the first 20 distinct "Project Aurora" ones, in file order.
    python3 bench/injection/prepare-llmail.py fp_tests.json OUT_DIR
Prints the SHA-256 of the input and of the output (docs/injection-model.md, round fifteen)."""
import hashlib, json, re, sys

raw = open(sys.argv[1], "rb").read()
print("fp_tests.json sha256", hashlib.sha256(raw).hexdigest())
emails = json.loads(raw)["emails"]
zenith = [e for e in emails if "Project Zenith" in e][:20]
projects = re.compile(r"Project (Zenith|Orion|Apollo|Helios|Aurora)")
business = [e for e in emails if not projects.search(e.split("Body:")[0])][:25]
aurora = []
for e in emails:
    if "Project Aurora" in e and e not in aurora and len(aurora) < 20:
        aurora.append(e)
out = f"{sys.argv[2]}/llmail-clean.jsonl"
with open(out, "w", encoding="utf-8") as f:
    for t in zenith + business + aurora:
        f.write(json.dumps({"text": t}) + "\n")
print(f"llmail-clean.jsonl: {len(zenith + business + aurora)} e-mails, sha256",
      hashlib.sha256(open(out, "rb").read()).hexdigest())
