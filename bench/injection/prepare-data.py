#!/usr/bin/env python3
"""Extracts the fetched third-party prompt sets named in docs/injection-model.md from their git mirrors into
/work/data/inject/<source>.jsonl ({"text": ...} per line), and prints the SHA-256 of every input file so the
recipe can be checked. Nothing here is committed data: it only reads mirrors and writes under /work/data.
    python3 bench/injection/prepare-data.py [MIRROR_ROOT] [OUT_DIR]"""
import hashlib, json, os, random, subprocess, sys

mirrors = sys.argv[1] if len(sys.argv) > 1 else "/work/.mirror"
out = sys.argv[2] if len(sys.argv) > 2 else "/work/data/inject"
os.makedirs(out, exist_ok=True)

def show(repo, path, quiet=False):
    git = os.path.join(mirrors, repo.replace("/", "+"), "repo")
    commit = subprocess.check_output(["git", "--git-dir", git, "rev-parse", "HEAD"], text=True).strip()
    data = subprocess.check_output(["git", "--git-dir", git, "show", f"{commit}:{path}"])
    if not quiet:
        print(f"{repo}\t{commit}\t{path}\tsha256={hashlib.sha256(data).hexdigest()}")
    return data

def ls(repo, prefix):
    git = os.path.join(mirrors, repo.replace("/", "+"), "repo")
    names = subprocess.check_output(["git", "--git-dir", git, "ls-tree", "-r", "--name-only", "HEAD", prefix], text=True)
    return sorted(n for n in names.splitlines() if n)

def write(name, texts):
    seen, rows = set(), []
    for t in texts:
        t = t.strip()
        if len(t) >= 8 and t not in seen:
            seen.add(t)
            rows.append(t)
    with open(os.path.join(out, name + ".jsonl"), "w") as f:
        for t in rows:
            f.write(json.dumps({"text": t}) + "\n")
    print(f"# {name}: {len(rows)} texts")

alpaca = "gururise/AlpacaDataCleaned"
rp = json.loads(show(alpaca, "dataset_extensions/GPTeacher/Roleplay/roleplay-simple-deduped-roleplay-dataset.json"))
write("gpteacher-roleplay", [r["instruction"] + ("\n" + r["input"] if r["input"] else "") for r in rp])
write("gpteacher-roleplay-outputs", [r["output"] for r in rp])
tf = json.loads(show(alpaca, "dataset_extensions/GPTeacher/Toolformer/toolformer-similarity-0.6-dataset.json"))
write("gpteacher-toolformer", [r["instruction"].split("\n")[-1] + ("\n" + r["input"] if r["input"] else "") for r in tf])
gsm = json.loads(show(alpaca, "dataset_extensions/gsm_8k/gsm_8k_train.json"))
random.Random(7).shuffle(gsm)
write("gsm8k", [r["instruction"] for r in gsm[:2000]])
write("gsm8k-solutions", [r["output"] for r in gsm[2000:3000]])

ps = "Neural-alchemy/promptshield"
attacks, benign, indirect = [], [], []
for p in ls(ps, "openclay/shields/attack_db"):
    if "/crescendo/" in p:  # multi-turn: single turns are harmless on their own
        continue
    for r in json.loads(show(ps, p)):
        text = r.get("text") or r.get("prompt")
        (benign if "/benign/" in p else indirect if "indirect" in p else attacks).append(text)
write("promptshield-attacks", attacks)
write("promptshield-indirect", indirect)
write("promptshield-benign", benign)

enron = "tbahng/ist664-NLP-and-Classification"
ham = [n for n in ls(enron, "corpus/ham") if n.endswith(".txt")][:1500]
mails = [show(enron, n, quiet=True) for n in ham]
print(f"{enron}\tcorpus/ham: first {len(ham)} files by name, sha256 of their concatenation="
      f"{hashlib.sha256(b''.join(mails)).hexdigest()}")
write("enron-ham", [m.decode("utf-8", "replace") for m in mails])

# Code: the Python sources of the fetched repositories, cut into blocks of about 30 lines.
blocks = []
for repo, prefix in [(alpaca, "."), ("databrickslabs/dolly", "."), (enron, "classifySPAM.py")]:
    for n in ls(repo, prefix):
        if n.endswith(".py"):
            lines = show(repo, n).decode("utf-8", "replace").splitlines()
            blocks += ["\n".join(lines[i:i + 30]) for i in range(0, len(lines), 30)]
write("python-code", blocks)
