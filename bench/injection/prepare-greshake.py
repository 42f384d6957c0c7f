#!/usr/bin/env python3
"""Round fifteen: extracts greshake/llm-security (Greshake et al. 2023, "Not what you've signed up for"; MIT) into
two sources of one collection, for `bastion eval injection` and `train injection`:

  greshake-injected.jsonl  the injected web pages, e-mails, memory notes and code files of its demonstration scenarios
                           (scenarios/gpt4, gpt3langchain, puzzle/puzzles, code-completion): the injection strings,
                           read with `ast` (never imported or run), and the Wikipedia page with the multi-stage payload
                           placed in its middle as the scenario does; puzzle placeholders ({{clue}}) filled with a
                           fixed value.
  greshake-clean.jsonl     the clean counterparts: the paragraphs of the Wikipedia page (scenarios/common/
                           albert_einstein.md), the "birds" web page of the remote-control scenarios, and the Flask
                           blog code that needle.py copies before its injection.

    python3 bench/injection/prepare-greshake.py /work/.mirror/greshake+llm-security/repo OUT_DIR
Prints the commit, the SHA-256 of each input file and of each output."""
import ast, hashlib, json, subprocess, sys

repo, out = sys.argv[1], sys.argv[2]
commit = subprocess.run(["git", "-C", repo, "rev-parse", "HEAD"], capture_output=True, text=True,
                        check=True).stdout.strip()
print("greshake/llm-security @", commit)


def show(path):
    data = subprocess.run(["git", "-C", repo, "show", f"HEAD:{path}"], capture_output=True, check=True).stdout
    print(f"  {hashlib.sha256(data).hexdigest()}  {path}")
    return data.decode("utf-8")


def strings(path, names):
    """The string values assigned to `names` (module level or class level) in a Python file."""
    tree = ast.parse(show(path))
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            v = node.value
            if name in names:
                if isinstance(v, ast.Constant) and isinstance(v.value, str):
                    found[name] = v.value
                elif isinstance(v, ast.JoinedStr):  # an f-string without fields in these files
                    found[name] = "".join(p.value for p in v.values if isinstance(p, ast.Constant))
                elif isinstance(v, ast.BinOp):  # implicit concatenation split over lines with +
                    found[name] = ast.literal_eval(v)
    return [found[n] for n in names if n in found]


def dedent(t):
    lines = t.split("\n")
    indents = [len(l) - len(l.lstrip()) for l in lines if l.strip()]
    cut = min(indents) if indents else 0
    return "\n".join(l[cut:] for l in lines).strip()


einstein = show("scenarios/common/albert_einstein.md")
injected, clean = [], []
s = "scenarios/gpt4/"
injected += strings(s + "data_exfiltration.py", ["injection"])
primary, secondary = strings(s + "multi_stage.py", ["primary_payload", "secondary_payload"])
injected.append(einstein[:len(einstein) // 2] + primary + einstein[len(einstein) // 2:])
injected.append(secondary)
injected += strings(s + "persistence.py", ["instructions"])
website, original, second = strings(s + "remote-control.py", ["current_website", "original_injection",
                                                               "secondary_injection"])
injected += [original, second]
injected += strings(s + "spread.py", ["malicious_email"])
s = "scenarios/gpt3langchain/"
injected += strings(s + "data_exfiltration.py", ["attacker_social_media_injection"])
injected += strings(s + "persistence.py", ["instructions"])
website2, original2 = strings(s + "remote-control.py", ["current_website", "original_injection"])
injected.append(original2)
injected += strings(s + "spread.py", ["text"])
primary2, secondary2 = strings(s + "multi_stage.py", ["primary_payload", "secondary_payload"])
injected.append(einstein[:len(einstein) // 2] + primary2 + einstein[len(einstein) // 2:])
injected.append(secondary2)
for p in ["ai-box", "cnc", "leave-a-message", "monkeypawdan", "rickroll", "social-engineer", "sqlserver",
          "terminal-musk"]:
    t = show("scenarios/puzzle/puzzles/" + p)
    injected.append(t.replace("{{clue}}", "QX-4471").replace("{{message}}", "hello from the other side"))
injected.append(show("scenarios/code-completion/advanced-example/injection/leftpad.py"))
needle = show("scenarios/code-completion/advanced-example/injection/needle.py")
injected.append(needle)

clean += [p.strip() for p in einstein.split("\n\n") if len(p.strip()) >= 200]
clean.append(dedent(website))
flask = needle.split("#### END OF COPIED CODE")[0].split("####\n", 1)[-1]
clean.append(flask.strip())

seen, inj = set(), []
for t in injected:
    t = dedent(t)
    if t and t not in seen:
        seen.add(t)
        inj.append(t)


def write(name, texts):
    path = f"{out}/{name}"
    with open(path, "w", encoding="utf-8") as f:
        for t in texts:
            f.write(json.dumps({"text": t}) + "\n")
    print(f"{name}: {len(texts)} texts, sha256 {hashlib.sha256(open(path, 'rb').read()).hexdigest()}")


write("greshake-injected.jsonl", inj)
write("greshake-clean.jsonl", clean)
