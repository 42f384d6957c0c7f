#!/usr/bin/env python3
"""Round eighteen: benign tool outputs and web documentation for the carried-instruction judgement (issue 14 part 3).

Reads fetched snapshots (git directories without a work tree) and writes JSON lines ({"text": ...}) into OUT:

  trivy-json.jsonl    JSON files of aquasecurity/trivy (test fixtures: scanner reports, SBOMs, lock files, VEX),
                      golden files left out, first 1,500 characters of each file of at least 100 (Apache-2.0)
  scalibr-json.jsonl  JSON files of google/osv-scalibr, same rule (Apache-2.0)
  trivy-docs.jsonl    prose paragraphs of trivy's docs/**/*.md (120-1,500 characters; code blocks, tables, headings,
                      admonition markers and front matter dropped): web documentation (Apache-2.0)

  prepare-carried.py MIRROR_DIR OUT_DIR

Prints the commit of each snapshot and the SHA-256 of each extract. Deterministic (files in path order).
"""
import hashlib
import json
import os
import re
import subprocess
import sys

MAX_FILES = 300


def git(repo, *args):
    return subprocess.run(["git", "--git-dir", repo, *args], check=True, capture_output=True).stdout


def files(repo, suffix, prefix=""):
    names = git(repo, "ls-tree", "-r", "--name-only", "HEAD").decode().splitlines()
    return sorted(n for n in names if n.endswith(suffix) and n.startswith(prefix))


def show(repo, path):
    return git(repo, "show", "HEAD:" + path).decode("utf-8", errors="replace")


def write(out_dir, name, texts):
    path = os.path.join(out_dir, name)
    with open(path, "w") as f:
        for t in texts:
            f.write(json.dumps({"text": t}) + "\n")
    print(name, len(texts), hashlib.sha256(open(path, "rb").read()).hexdigest())


def json_texts(repo):
    texts = []
    for p in files(repo, ".json"):
        if "golden" in p or len(texts) >= MAX_FILES:
            continue
        t = show(repo, p)[:1500]
        if len(t.strip()) >= 100:
            texts.append(t)
    return texts


def paragraphs(md):
    md = re.sub(r"(?s)^---\n.*?\n---\n", "", md)
    md = re.sub(r"(?s)```.*?```", "", md)
    out = []
    for block in re.split(r"\n\s*\n", md):
        lines = [l for l in block.splitlines()
                 if l.strip() and not l.lstrip().startswith(("#", "|", "!!!", "???", "<", "    "))]
        p = " ".join(l.strip() for l in lines)
        if 120 <= len(p) <= 1500:
            out.append(p)
    return out


def main():
    mirror, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    trivy = os.path.join(mirror, "aquasecurity+trivy", "repo")
    scalibr = os.path.join(mirror, "google+osv-scalibr", "repo")
    for repo in (trivy, scalibr):
        print(repo, git(repo, "rev-parse", "HEAD").decode().strip())
    write(out_dir, "trivy-json.jsonl", json_texts(trivy))
    write(out_dir, "scalibr-json.jsonl", json_texts(scalibr))
    docs = []
    for p in files(trivy, ".md", "docs/"):
        docs.extend(paragraphs(show(trivy, p)))
    write(out_dir, "trivy-docs.jsonl", docs[:1000])


if __name__ == "__main__":
    main()
