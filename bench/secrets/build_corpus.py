#!/usr/bin/env python3
"""Builds the line-level secrets corpora that `bastion eval secrets --corpus` and secretlint both read.

Every source becomes OUT/<source>/files/... (plain files) and OUT/<source>/labels.tsv with rows
`path<TAB>line<TAB>label`, label 1 (a credential starts on this line), 0 (not a credential), skip (not scored)
or cont (a later line of the multi-line example whose first line is 1: a finding there counts for that example).
Lines of a listed file that have no row are 0. Nothing here is copied into the repository: the inputs are the
shared eval-data folder and git mirrors fetched outside the repository (see docs/secrets-eval.md).

Usage: build_corpus.py EVAL_DATA MIRRORS OUT
  EVAL_DATA  /work/shared/eval-data
  MIRRORS    folder holding <owner>+<name>/repo git dirs (gitleaks, secretlint, detect-secrets)
  OUT        output folder, e.g. /work/data/secrets-corpus
"""
import ast
import base64
import binascii
import collections
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys

import yaml


INPUTS = []  # (repository or folder, commit, path, sha256) of every input file read, for docs/secrets-eval.md


def record(origin, commit, path, data):
    INPUTS.append((origin, commit, path, hashlib.sha256(data).hexdigest()))
    return data


def write(out, rel, text, encoding="utf-8"):
    path = os.path.join(out, "files", rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as f:
        f.write(text)


def examples_file(out, rel, positives, negatives):
    """One example a block: the first line of a positive is 1 and its other lines are cont (a finding on them counts
    for the example); negative lines are 0."""
    lines, labels = [], []
    for text, label in [(p, 1) for p in positives] + [(n, 0) for n in negatives]:
        parts = text.rstrip("\n").split("\n")
        for i, part in enumerate(parts):
            lines.append(part.replace("\r", ""))
            labels.append(str(label) if (i == 0 or label == 0) else "cont")
    if not lines:
        return []
    write(out, rel, "\n".join(lines) + "\n")
    return [(rel, i + 1, lab) for i, lab in enumerate(labels)]


def save_labels(out, rows, source):
    with open(os.path.join(out, "labels.tsv"), "w") as f:
        f.write(f"# source: {source}\n")
        for rel, line, label in rows:
            f.write(f"{rel}\t{line}\t{label}\n")


def git_show(mirror, commit, path):
    data = subprocess.run(["git", f"--git-dir={mirror}", "show", f"{commit}:{path}"], check=True,
                          capture_output=True).stdout
    return record(os.path.basename(os.path.dirname(mirror.rstrip("/"))).replace("+", "/"), commit, path, data)


def git_ls(mirror, commit, prefix):
    out = subprocess.run(["git", f"--git-dir={mirror}", "ls-tree", "-r", "--name-only", commit] + ([prefix] if prefix else []),
                         check=True,
                         capture_output=True, text=True).stdout
    return [p for p in out.splitlines() if p]


def head(mirror):
    return subprocess.run(["git", f"--git-dir={mirror}", "rev-parse", "HEAD"], check=True, capture_output=True,
                          text=True).stdout.strip()


def noseyparker(eval_data, out):
    base = os.path.join(eval_data, "secrets_noseyparker_rule_examples", "files")
    rows = []
    for root, _, names in os.walk(base):
        for name in sorted(names):
            if not name.endswith((".yml", ".yaml")):
                continue
            path = os.path.join(root, name)
            doc = yaml.safe_load(record("eval-data", "-", os.path.relpath(path, eval_data), open(path, "rb").read()))
            pos, neg = [], []
            for rule in doc.get("rules", []):
                pos += [str(e) for e in rule.get("examples", []) or []]
                neg += [str(e) for e in rule.get("negative_examples", []) or []]
            rows += examples_file(out, name.rsplit(".", 1)[0] + ".txt", pos, neg)
    return rows


def detect_secrets_testdata(eval_data, labels_file, out):
    base = os.path.join(eval_data, "secrets_detect_secrets_testdata", "files", "test_data")
    rows = []
    for line in open(labels_file):
        if line.startswith("#") or not line.strip():
            continue
        rel, num, label = line.rstrip("\n").split("\t")
        if not os.path.exists(os.path.join(out, "files", rel)):
            os.makedirs(os.path.dirname(os.path.join(out, "files", rel)), exist_ok=True)
            shutil.copyfile(os.path.join(base, rel), os.path.join(out, "files", rel))
            record("eval-data", "-", os.path.relpath(os.path.join(base, rel), eval_data), open(os.path.join(base, rel), "rb").read())
        rows.append((rel, int(num), label))
    return rows


SECRETLINT_PRESET = {"1password", "anthropic", "aws", "basicauth", "cloudflare", "database-connection-string",
                     "databricks", "docker", "figma", "gcp", "github", "gitlab", "grafana", "groq", "hashicorp-vault",
                     "huggingface", "linear", "notion", "npm", "openai", "privatekey", "sendgrid", "shopify", "slack",
                     "stripe", "tailscale", "vercel"}


def secretlint_fixtures(mirror, out):
    """Each snapshot's input file; the lines secretlint's own expected output.json reports are 1, the rest 0."""
    commit = head(mirror)
    rows = []
    paths = git_ls(mirror, commit, "packages/@secretlint")
    snaps = sorted({p.rsplit("/", 1)[0] for p in paths if re.search(r"secretlint-rule-[^/]+/test/snapshots/[^/]+/output\.json$", p)})
    for snap in snaps:
        rule = re.search(r"secretlint-rule-([^/]+)/", snap).group(1)
        if rule not in SECRETLINT_PRESET:
            continue
        try:
            expected = json.loads(git_show(mirror, commit, snap + "/output.json"))
        except (subprocess.CalledProcessError, json.JSONDecodeError):
            continue
        name = os.path.basename(expected.get("filePath", ""))
        if not name or snap + "/" + name not in paths:
            continue
        data = git_show(mirror, commit, snap + "/" + name)
        if b"\0" in data[:2000]:
            continue  # binary fixtures (.p12)
        rel = rule + "/" + re.sub(r"[^A-Za-z0-9._-]", "_", snap.rsplit("/", 1)[1]) + "/" + name
        path = os.path.join(out, "files", rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, "wb").write(data)
        hits = {m["loc"]["start"]["line"] for m in expected.get("messages", [])
                if m.get("ruleId", "").rsplit("-rule-", 1)[-1] in SECRETLINT_PRESET | {"preset-recommend"}}
        n = data.decode("utf-8", "replace").count("\n") + 1
        rows += [(rel, i, "1" if i in hits else "0") for i in range(1, n + 1)]
    return rows


GO_TOKEN = re.compile(r'`[^`]*`|"(?:\\.|[^"\\\n])*"|//[^\n]*|/\*.*?\*/|[{}(),+]|[A-Za-z_][\w.]*|\S', re.S)


def go_string(tok):
    if tok.startswith("`"):
        return tok[1:-1]
    return ast.literal_eval(tok)  # Go's common escapes (\n, \t, \", \\, \x..) read the same in Python


def go_literals(tokens, start):
    """Literal strings that are whole elements of the list opened at tokens[start] ('{' or '(')."""
    depth, out, prev = 0, [], None
    i = start
    while i < len(tokens):
        t = tokens[i]
        if t in "{(":
            depth += 1
        elif t in "})":
            depth -= 1
            if depth == 0:
                break
        elif depth == 1 and (t.startswith("`") or t.startswith('"')):
            nxt = next((tokens[j] for j in range(i + 1, len(tokens)) if not tokens[j].startswith("//")), "")
            if prev in ("{", "(", ",") and nxt in (",", "}", ")"):
                try:
                    out.append(go_string(t))
                except (ValueError, SyntaxError):
                    pass
        if not t.startswith("//") and not t.startswith("/*"):
            prev = t
        i += 1
    return out


def gitleaks_samples(mirror):
    """Literal true- and false-positive samples of gitleaks' rule generators (generated ones are skipped), as
    {rule file: (positives, negatives)}."""
    commit = head(mirror)
    samples = {}
    for path in git_ls(mirror, commit, "cmd/generate/config/rules"):
        if not path.endswith(".go") or path.endswith("_test.go"):
            continue
        tokens = [t for t in GO_TOKEN.findall(git_show(mirror, commit, path).decode()) if not t.startswith("/*")]
        pos, neg = [], []
        for i, t in enumerate(tokens):
            if t in ("tps", "fps") and i + 3 < len(tokens):
                target = pos if t == "tps" else neg
                # tps := []string{ ... } or tps = append(tps, ...)
                j = i + 1
                while j < len(tokens) and j < i + 8 and tokens[j] not in ("{", "("):
                    j += 1
                if j < len(tokens) and tokens[j] == "{" and "string" in tokens[i + 1:j]:
                    target += go_literals(tokens, j)
                elif j < len(tokens) and tokens[j] == "(" and tokens[j - 1] == "append":
                    target += go_literals(tokens, j)
            if t in ("utils.GenerateSampleSecret", "utils.GenerateSampleSecrets") and i + 5 < len(tokens):
                # (identifier, literal) -> one assignment line, written the way a config file would hold it
                if tokens[i + 1] == "(" and tokens[i + 3] == "," and tokens[i + 5] == ")" and tokens[i + 4][0] in "`\"":
                    try:
                        ident, secret = go_string(tokens[i + 2]), go_string(tokens[i + 4])
                    except (ValueError, SyntaxError):
                        continue
                    pos.append(f'{ident}_api_token = "{secret}"')
        samples[path] = ([p for p in pos if p.strip()], [n for n in neg if n.strip()])
    return samples


def gitleaks(mirror, out):
    """Literal true- and false-positive samples of gitleaks' rule generators (generated ones are skipped)."""
    rows = []
    for path, (pos, neg) in gitleaks_samples(mirror).items():
        rows += examples_file(out, os.path.basename(path)[:-3] + ".txt", pos, neg)
    return rows


def detect_secrets_plugin_tests(mirror, out):
    """The (line, should_flag) cases of detect-secrets' plugin tests: True is 1, False is 0."""
    commit = head(mirror)
    rows = []
    for path in git_ls(mirror, commit, "tests/plugins"):
        if not path.endswith("_test.py"):
            continue
        tree = ast.parse(git_show(mirror, commit, path).decode())
        pos, neg = [], []
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "parametrize" and len(node.args) >= 2):
                continue
            try:
                names = ast.literal_eval(node.args[0])
                cases = ast.literal_eval(node.args[1])
            except ValueError:
                continue
            names = [n.strip() for n in (names.split(",") if isinstance(names, str) else names)]
            if len(names) != 2 or not isinstance(cases, (list, tuple)):
                continue
            for case in cases:
                if isinstance(case, tuple) and len(case) == 2 and isinstance(case[0], str) and isinstance(case[1], bool):
                    (pos if case[1] else neg).append(case[0])
        rows += examples_file(out, os.path.basename(path)[:-3] + ".txt", pos, neg)
    return rows


def ripsecrets(mirror, out):
    """ripsecrets' test files: every line of test/one_per_line/* is a secret (its test counts one finding a line),
    each test/one_per_file/* holds exactly one (first line 1, the rest cont), and test/none holds none."""
    commit = head(mirror)
    rows = []
    for path in git_ls(mirror, commit, "test"):
        data = git_show(mirror, commit, path).decode("utf-8")
        rel = path[len("test/"):]
        write(out, rel, data)
        lines = data.split("\n")
        n = len(lines) - 1 if data.endswith("\n") else len(lines)
        if path.startswith("test/one_per_line/"):
            rows += [(rel, i, "1") for i in range(1, n + 1)]
        elif path.startswith("test/one_per_file/"):
            rows += [(rel, i, "1" if i == 1 else "cont") for i in range(1, n + 1)]
        elif path == "test/none":
            rows += [(rel, i, "0") for i in range(1, n + 1)]
    return rows


# whispers' messages that name a credential; the others (comments, CORS, credit cards, dangerous functions, paths,
# sensitive file names, base64 text) are not scored here
WHISPERS_CREDENTIAL = {"API key", "AWS Access Key ID", "AWS Secret Access Key", "AWS Session Token", "Dockercfg",
                       "Github token", ".htpasswd Hash", ".npmrc authToken", "Password", "pip.conf Password",
                       "Private key", ".pypirc Password", "Secret", "URI", "Webhook"}


def whispers_hardcoded(value):
    """whispers' own test assertion for a finding of test_detection_by_value: the value says 'hardcoded'."""
    if "hardcoded" in value.lower():
        return True
    try:
        return b"hardcoded" in base64.b64decode(value)
    except (ValueError, binascii.Error):
        return False


def whispers(mirror, runner, out):
    """Skyscanner/whispers' fixtures, labelled by whispers itself run with its tests' configs (runner: a script that
    runs the fetched whispers source on one file and prints its findings as JSON lines). test_detection_by_value
    fixtures: a credential finding whose value passes that test's assertion is 1; test_detection_by_key fixtures: a
    finding whose key is in that test's expected list is 1. Other findings, and unreported lines that say
    'hardcoded' (whispers' mark for a planted secret), are skip; every other line is 0. Later lines of a multi-line
    value are cont."""
    commit = head(mirror)
    test = git_show(mirror, commit, "tests/unit/test_secrets.py").decode()
    tree = ast.parse(test)
    by_value, by_key = {}, {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name in ("test_detection_by_value", "test_detection_by_key"):
            for dec in node.decorator_list:
                if isinstance(dec, ast.Call) and getattr(dec.func, "attr", "") == "parametrize":
                    for src, exp in ast.literal_eval(dec.args[1]):
                        (by_value if node.name == "test_detection_by_value" else by_key)[src] = exp
    by_value.pop("creditcards.yml", None)  # card numbers: not credentials
    work = os.path.join(out, "..", ".whispers-work")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    subprocess.run(f"git --git-dir={mirror} archive {commit} tests | tar x -C {work}", shell=True, check=True)
    rows = []
    for src in sorted(set(by_value) | set(by_key)):
        fixture = os.path.join(work, "tests", "fixtures", src)
        data = git_show(mirror, commit, "tests/fixtures/" + src)
        config = os.path.join(work, "tests", "configs", "detection_by_value.yml") if src in by_value else "-"
        found = subprocess.run(["/usr/bin/python3", runner, config, fixture], check=True, capture_output=True,
                               text=True).stdout
        labels = {}
        for line in found.splitlines():
            f = json.loads(line)
            if f["line"] is None or f["line"] < 1:
                continue
            good = (src in by_value and f["message"] in WHISPERS_CREDENTIAL and whispers_hardcoded(f["value"])) or \
                   (src in by_key and f["key"] in by_key[src])
            if good:
                labels[f["line"]] = "1"
                for k in range(1, f["value"].count("\n") + 1):
                    labels.setdefault(f["line"] + k, "cont")
            else:
                labels.setdefault(f["line"], "skip")
        text = data.decode("utf-8", "replace")
        lines = text.split("\n")
        n = len(lines) - 1 if text.endswith("\n") else len(lines)
        for i in range(1, n + 1):
            if i not in labels and "hardcoded" in lines[i - 1].lower():
                labels[i] = "skip"
        write(out, src, text)
        rows += [(src, i, labels.get(i, "0")) for i in range(1, n + 1)]
    shutil.rmtree(work, ignore_errors=True)
    return rows


EARLYBIRD_CATEGORIES = {"key", "password-secret"}


def earlybird(mirror, out):
    """americanexpress/earlybird's rule files: the Example of every rule of the key and password-secret categories
    is a positive (the rules carry no negative examples, so this source measures recall only)."""
    commit = head(mirror)
    rows = []
    for name in ("content", "password-secret"):
        doc = yaml.safe_load(git_show(mirror, commit, f"config/rules/{name}.yaml"))
        pos = [str(r["Example"]) for r in doc.get("rules", [])
               if r.get("Category") in EARLYBIRD_CATEGORIES and str(r.get("Example") or "").strip()]
        rows += examples_file(out, name + ".txt", pos, [])
    return rows


def go_constants(tokens):
    """Identifiers assigned a string literal exactly once in the file (`name = "..."` in a var or const block, or a
    struct field `name: "..."`; a short declaration `name := "..."` is not read, since the tokenizer splits ':=')."""
    seen = {}
    for i in range(1, len(tokens) - 2):
        if tokens[i] in ("=", ":") and tokens[i - 1][:1].isalpha() and tokens[i + 1][:1] in "`\"":
            try:
                value = go_string(tokens[i + 1])
            except (ValueError, SyntaxError):
                continue
            if tokens[i + 2] in (",", ")", "}") or tokens[i + 2][:1].isalpha() or tokens[i + 2] == "]":
                seen.setdefault(tokens[i - 1], []).append(value)
    return {k: v[0] for k, v in seen.items() if len(v) == 1}


def go_value(tok, consts):
    if tok[:1] in "`\"":
        try:
            return go_string(tok)
        except (ValueError, SyntaxError):
            return None
    return consts.get(tok)


def go_values(tokens, start, consts):
    """The elements of the list opened at tokens[start], each a literal or a known constant; [] if any is not."""
    out, i = [], start + 1
    while i < len(tokens) and tokens[i] != "}":
        if tokens[i] != ",":
            if tokens[i + 1] not in (",", "}"):
                return []
            v = go_value(tokens[i], consts)
            if v is None:
                return []
            out.append(v)
        i += 1
    return out


def go_text(tokens, i, consts):
    """An `input:` value: a literal, a known constant, or fmt.Sprintf of a %s/%v format over literals and constants.
    Returns (text, index after it) or (None, i)."""
    if tokens[i] == "fmt.Sprintf" and tokens[i + 1] == "(":
        args, j = [], i + 2
        while j < len(tokens) and tokens[j] != ")":
            if tokens[j] != ",":
                if tokens[j + 1] not in (",", ")"):
                    return None, i
                v = go_value(tokens[j], consts)
                if v is None:
                    return None, i
                args.append(v)
            j += 1
        if not args:
            return None, i
        fmt, values = args[0], args[1:]
        if re.search(r"%[^sv%]", fmt) or len(re.findall(r"%[sv]", fmt)) != len(values):
            return None, i
        it = iter(values)
        text = re.sub(r"%[sv]", lambda m: next(it), fmt).replace("%%", "%")
        return text, j + 1
    v = go_value(tokens[i], consts) if tokens[i + 1] in (",", "}") else None
    return (v, i + 1) if v is not None else (None, i)


def composite(wanted, text):
    """trufflehog joins a credential's parts into one result ("key:email", "id:secret"): when every ':'-separated part
    occurs in the text, the longest part (the secret, as the tests write them) is the one to find; else None."""
    parts = [p for p in wanted.split(":") if p]
    if len(parts) < 2 or not all(p in text for p in parts):
        return None
    return max(parts, key=len)


def trufflehog(mirror, out):
    """trufflesecurity/trufflehog's detector pattern tests (pkg/detectors/*/*_test.go, integration tests left out):
    each table case whose `input` is one literal string and whose `want` lists literal strings that all occur in it
    verbatim. The first line holding each wanted string is a positive; every other line is skip, because trufflehog's
    negative cases are its own detector's limits (a keyword too far away, one character too many), not text without a
    credential. So this source measures recall only. Cases built with fmt.Sprintf or variables are left out. A wanted
    result joined from parts ("key:email") counts the line of its longest part."""
    commit = head(mirror)
    rows = []
    for path in git_ls(mirror, commit, "pkg/detectors"):
        if not path.endswith("_test.go") or path.endswith("_integration_test.go"):
            continue
        tokens = [t for t in GO_TOKEN.findall(git_show(mirror, commit, path).decode(errors="replace"))
                  if not t.startswith("/*") and not t.startswith("//")]
        consts = go_constants(tokens)
        cases = []
        for i, t in enumerate(tokens[:-3]):
            if t != "input" or tokens[i + 1] != ":":
                continue
            text, j = go_text(tokens, i + 2, consts)
            if text is None:
                continue
            while j < len(tokens) - 6 and tokens[j] != "input" and tokens[j] != "want":
                j += 1
            if tokens[j] != "want" or tokens[j + 1] != ":":
                continue
            if tokens[j + 2:j + 6] == ["[", "]", "string", "{"]:
                wanted = go_values(tokens, j + 5, consts)
            else:
                continue  # nil (no finding expected) or a computed list
            if wanted and all(w and (w in text or composite(w, text)) for w in wanted):
                cases.append((text, [w if w in text else composite(w, text) for w in wanted]))
        if not cases:
            continue
        lines, labels = [], []
        for text, wanted in cases:
            body = [ln.replace("\r", "") for ln in text.strip("\n").split("\n")]
            marks = ["skip"] * len(body)
            for w in wanted:
                at = next((k for k, ln in enumerate(body) if w in ln), None)
                if at is None:  # the wanted string spans lines
                    marks = None
                    break
                marks[at] = "1"
            if marks is None:
                continue
            lines += body + [""]
            labels += marks + ["skip"]
        if not lines:
            continue
        rel = path.split("/")[2] + ".txt"
        write(out, rel, "\n".join(lines) + "\n")
        rows += [(rel, k + 1, lab) for k, lab in enumerate(labels)]
    return rows


def kingfisher(mirror, eval_data, out):
    """mongodb/kingfisher's rule files (data/rules/*.yml): `examples` are positives, `negative_examples` negatives.
    Kingfisher's rules began as Nosey Parker's, so an example whose text is also one of Nosey Parker's (a seen
    source) is left out: what remains is what this source adds."""
    commit = head(mirror)
    seen = set()
    base = os.path.join(eval_data, "secrets_noseyparker_rule_examples", "files")
    for root, _, names in os.walk(base):
        for name in names:
            if name.endswith((".yml", ".yaml")):
                for rule in (yaml.safe_load(open(os.path.join(root, name))) or {}).get("rules", []):
                    for key in ("examples", "negative_examples"):
                        seen.update(str(e).strip() for e in rule.get(key, []) or [])
    rows = []
    for path in git_ls(mirror, commit, "data/rules"):
        if not path.endswith((".yml", ".yaml")):
            continue
        doc = yaml.safe_load(git_show(mirror, commit, path)) or {}
        pos, neg = [], []
        for rule in doc.get("rules", []):
            pos += [str(e) for e in rule.get("examples", []) or [] if str(e).strip() not in seen]
            neg += [str(e) for e in rule.get("negative_examples", []) or [] if str(e).strip() not in seen]
        rows += examples_file(out, os.path.basename(path).rsplit(".", 1)[0] + ".txt", pos, neg)
    return rows


# advanced-security/secret-scanning-custom-patterns: the pattern types that name a credential (left out: PII, common
# password lists, IP addresses, internal e-mail addresses and URLs, image-name typos, action SHAs, UUIDs, public keys)
GHAS_NOT_CREDENTIAL = {"common_passwords_shortlist", "any_ipv4_addresses", "hardcoded_internal_emails",
                       "hardcoded_internal_urls", "ghcr_typos", "github_actions_sha_checker", "uuids", "ssh_public_key"}
GHAS_DEFAULT_START, GHAS_DEFAULT_END = r"\A|[^0-9A-Za-z]", r"\z|[^0-9A-Za-z]"


def ghas_custom_patterns(mirror, out):
    """GitHub's advanced-security/secret-scanning-custom-patterns: each credential pattern's `test.data` (the secret
    at test.start_offset) and the `expected` locations in the fixture files next to each patterns.yml (byte offsets
    of the secret; the repository's test fails on an unexpected match of a pattern that lists any). The line where a
    secret starts is 1 and the rest of its span cont. In the fixture files, a line that no pattern of the source
    matches (compiled here with the `regex` module) and that holds no expected location is 0; a line some pattern
    matches without an expected location there is skip (the source does not say)."""
    import regex
    commit = head(mirror)
    paths = git_ls(mirror, commit, "")
    rows, tests, fixtures = [], [], {}
    for pfile in [p for p in paths if p.endswith("patterns.yml") and not p.startswith(("pii/", "common/"))]:
        folder = pfile.rsplit("/", 1)[0]
        doc = yaml.safe_load(git_show(mirror, commit, pfile)) or {}
        compiled = []
        for pat in doc.get("patterns", []):
            rx = pat.get("regex", {})
            try:
                compiled.append(regex.compile("(?:%s)(%s)(?:%s)" % (rx.get("start") or GHAS_DEFAULT_START,
                                                                    rx["pattern"], rx.get("end") or GHAS_DEFAULT_END)))
            except regex.error:
                pass
            if pat.get("type") in GHAS_NOT_CREDENTIAL:
                continue
            t = pat.get("test") or []
            for case in (t if isinstance(t, list) else [t]):
                if case.get("data"):
                    tests.append((case["data"], case.get("start_offset", 0), case.get("end_offset", len(case["data"]))))
            for e in pat.get("expected", []) or []:
                fixtures.setdefault(folder + "/" + e["name"], {"expected": [], "patterns": compiled})
                fixtures[folder + "/" + e["name"]]["expected"].append((e["start_offset"], e["end_offset"]))
        for p in paths:
            if p.startswith(folder + "/") and "/" not in p[len(folder) + 1:] and not p.endswith((".md", ".yml.bak")) \
                    and p != pfile and "__snapshots__" not in p:
                fixtures.setdefault(p, {"expected": [], "patterns": compiled})
                fixtures[p]["patterns"] = compiled
    for rel, info in sorted(fixtures.items()):
        data = git_show(mirror, commit, rel)
        if b"\0" in data[:2000]:
            continue  # binary (a Java keystore)
        text = data.decode("utf-8", "replace")
        nl = [i for i, b in enumerate(data) if b == 10]
        line_of = lambda off: sum(1 for i in nl if i < off) + 1
        n = len(nl) + (0 if data.endswith(b"\n") else 1)
        labels = {}
        for rx in info["patterns"]:
            try:
                for m in rx.finditer(text, timeout=5):
                    labels[line_of(len(text[:m.start(1)].encode()))] = "skip"
            except TimeoutError:
                pass
        for s, e in info["expected"]:
            first, last = line_of(s), line_of(max(s, e - 1))
            labels[first] = "1"
            for k in range(first + 1, last + 1):
                labels.setdefault(k, "cont") if labels.get(k) != "1" else None
        write(out, rel, text)
        rows += [(rel, i, labels.get(i, "0")) for i in range(1, n + 1)]
    lines, marks = [], []
    for data, s, e in tests:
        body = data.replace("\r", "").rstrip("\n").split("\n")
        first = data[:s].count("\n")
        last = data[:max(s, e - 1)].count("\n")
        for k, ln in enumerate(body):
            lines.append(ln)
            marks.append("1" if k == first else "cont" if first < k <= last else "skip")
        lines.append("")
        marks.append("skip")
    write(out, "pattern_tests.txt", "\n".join(lines) + "\n")
    rows += [("pattern_tests.txt", k + 1, m) for k, m in enumerate(marks)]
    return rows


def betterleaks(mirror, gitleaks_mirror, out):
    """betterleaks (a gitleaks fork with more rules): the literal samples of its rule generators, read as gitleaks'
    are, minus every sample whose text is also one of gitleaks' own (a seen source): what remains is what it adds."""
    seen_dir = out + ".gitleaks-tmp"
    shutil.rmtree(seen_dir, ignore_errors=True)
    gitleaks_rows = gitleaks(gitleaks_mirror, seen_dir)
    seen = set()
    for rel in {r[0] for r in gitleaks_rows}:
        with open(os.path.join(seen_dir, "files", rel), encoding="utf-8") as f:
            seen.update(line.strip() for line in f)
    shutil.rmtree(seen_dir, ignore_errors=True)
    INPUTS.clear()  # the gitleaks files were read only to leave their samples out
    all_rows = gitleaks(mirror, out)
    rows = []
    for rel in sorted({r[0] for r in all_rows}):
        labels = {line: lab for r, line, lab in all_rows if r == rel}
        with open(os.path.join(out, "files", rel), encoding="utf-8") as f:
            lines = f.read().split("\n")
        for i, text in enumerate(lines[:len(labels)]):
            lab = labels[i + 1]
            # a sample gitleaks already had is not scored; a `cont` line follows its first line's fate
            if text.strip() in seen and lab in ("1", "0"):
                lab = "skip"
            elif lab == "cont" and i > 0 and rows and rows[-1][0] == rel and rows[-1][2] == "skip":
                lab = "skip"
            rows.append((rel, i + 1, lab))
    return rows


PEM_BEGIN_AS_START = os.environ.get("TRIVY_PEM_AS_TRIVY") != "1"  # TRIVY_PEM_AS_TRIVY=1 rebuilds the first scoring's labels
TRIVY_FINDING = re.compile(r'RuleID:\s*"([^"]+)"[^{}]*?StartLine:\s*(\d+),\s*EndLine:\s*(\d+)', re.S)


def trivy(mirror, out):
    """aquasecurity/trivy's secret scanner tests (pkg/fanal/secret/scanner_test.go): each case scans a testdata file
    and wants a list of findings (RuleID, StartLine, EndLine), written as variables or inline. A line that any case
    wants a built-in rule to find is 1 (its later lines cont); a line only custom rules of a test config find is
    skip; every other line of a scanned file is 0."""
    commit = head(mirror)
    test = git_show(mirror, commit, "pkg/fanal/secret/scanner_test.go").decode()
    builtin = set(re.findall(r'^\s*ID:\s*"([^"]+)"', git_show(mirror, commit, "pkg/fanal/secret/builtin-rules.go").decode(), re.M))
    findings = {}  # variable name -> (rule, start, end)
    for m in re.finditer(r'(\w+)\s*:=\s*types\.SecretFinding\{', test):
        body = test[m.end():m.end() + 400]
        f = TRIVY_FINDING.search("RuleID:" + body.split("RuleID:", 1)[1]) if "RuleID:" in body else None
        if f:
            findings[m.group(1)] = (f.group(1), int(f.group(2)), int(f.group(3)))
    # the OpenAI findings come from a helper whose findings are all on line 1: name := openAIFinding("rule", ...)
    for m in re.finditer(r'(\w+)\s*:=\s*openAIFinding\("([^"]+)"', test):
        findings[m.group(1)] = (m.group(2), 1, 1)
    wanted = {}  # file -> {line: label}
    cases = re.split(r'\n\t\t\{\n', test)
    for case in cases:
        src = re.search(r'inputFilePath:\s*(?:filepath\.Join\("testdata",\s*"([^"]+)"\)|"testdata/([^"]+)")', case)
        if not src:
            continue
        name = src.group(1) or src.group(2)
        marks = wanted.setdefault(name, {})
        hits = [findings[w] for w in re.findall(r'\b(\w+)\s*[,}]', case) if w in findings]
        hits += [(f.group(1), int(f.group(2)), int(f.group(3))) for f in TRIVY_FINDING.finditer(case)]
        for rule, start, end in hits:
            if rule in builtin:
                marks[start] = "1"
                for k in range(start + 1, end + 1):
                    marks.setdefault(k, "cont")
            else:
                marks.setdefault(start, "skip")
    rows = []
    for name in sorted(wanted):
        data = git_show(mirror, commit, "pkg/fanal/secret/testdata/" + name)
        path = os.path.join(out, "files", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        text_lines = data.decode("utf-8", errors="replace").split("\n")
        n = len(text_lines)
        marks = wanted[name]
        # trivy reports a PEM private key from its first base64 line; a scanner that reports the block from its BEGIN
        # line finds the same key. Round 6 (after the first scoring, said in docs/secrets-eval.md): the BEGIN line is
        # the key's first line (1) and the body cont.
        for k in sorted(marks):
            if marks[k] == "1" and k >= 2 and "-----BEGIN" in text_lines[k - 2] and marks.get(k - 1, "0") == "0" \
                    and PEM_BEGIN_AS_START:
                marks[k - 1], marks[k] = "1", "cont"
        rows += [(name, k, marks.get(k, "0")) for k in range(1, n + 1)]
    return rows


SEMGREP_MARK = re.compile(r'(todoruleid|ruleid|todook|ok)\s*:')
SEMGREP_COMMENT_START = re.compile(r'^\s*(#|//|/\*|<!--|;|--)')
SEEN_TOKEN = re.compile(r'[A-Za-z0-9+/=_.-]{16,}')


def seen_tokens(seen_root):
    """Value-like tokens (16+ characters holding a letter and a digit) of every file of the sources already built
    under seen_root: a semgrep test line that carries one of them is not unseen, so it is skip."""
    tokens = set()
    for source in sorted(os.listdir(seen_root)) if os.path.isdir(seen_root) else []:
        files = os.path.join(seen_root, source, "files")
        for root, _, names in os.walk(files):
            for name in names:
                with open(os.path.join(root, name), "rb") as f:
                    text = f.read().decode("utf-8", errors="replace")
                tokens.update(t for t in SEEN_TOKEN.findall(text) if re.search(r"\d", t) and re.search(r"[A-Za-z]", t))
    return tokens


def semgrep_rules(mirror, seen_root, out):
    """semgrep/semgrep-rules' secrets rules (generic/secrets/**): each rule's test file marks the line it must match
    with a `ruleid: <rule>` comment and the line it must not match with `ok: <rule>` (todoruleid / todook: the
    same intent, not yet met by the rule). A comment alone on its line marks the next non-blank line; a comment
    after code marks its own line. Marked-must-match lines are 1 (a PEM block's later lines cont), marked-ok lines
    and every other line 0. A line holding a value token that a seen source's files also hold is skip."""
    commit = head(mirror)
    seen = seen_tokens(seen_root)
    rows = []
    for path in git_ls(mirror, commit, "generic/secrets"):
        if path.endswith((".yaml", ".yml")) and not path.endswith(".test.yaml"):
            continue
        data = git_show(mirror, commit, path)
        text = data.decode("utf-8", errors="replace")
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines = lines[:-1]
        labels = ["0"] * len(lines)
        for i, line in enumerate(lines):
            m = SEMGREP_MARK.search(line)
            if not m or not re.search(r'(#|//|<!--|/\*)\s*(todoruleid|ruleid|todook|ok)\s*:', line):
                continue
            want = "1" if m.group(1).endswith("ruleid") else "0"
            target = i
            if SEMGREP_COMMENT_START.match(line):
                target = i + 1
                while target < len(lines) and not lines[target].strip():
                    target += 1
                if target >= len(lines):
                    continue
            labels[target] = want
            if want == "1" and "-----BEGIN" in lines[target]:
                k = target + 1
                while k < len(lines) and "-----END" not in lines[k - 1]:
                    labels[k] = "cont"
                    k += 1
        rel = path[len("generic/secrets/"):]
        out_path = os.path.join(out, "files", rel)
        os.makedirs(os.path.dirname(out_path), exist_ok=True)
        with open(out_path, "wb") as f:
            f.write(data)
        for i, line in enumerate(lines):
            lab = labels[i]
            toks = [t for t in SEEN_TOKEN.findall(line) if t in seen]
            if toks and lab in ("0", "1"):
                lab = "skip"
            elif lab == "cont" and rows and rows[-1][0] == rel and rows[-1][2] == "skip":
                lab = "skip"
            rows.append((rel, i + 1, lab))
    return rows


GOSEC_SAMPLE = re.compile(r'\{\[\]string\{`([^`]*)`\}, (\d+), gosec\.NewConfig\(\)\}')
GOSEC_LIST = re.compile(r'(SampleCodeG101\w*) = \[\]CodeSample\{')
# gosec's own G101 name pattern (rules/hardcoded_credentials.go), a fact read from the source
GOSEC_NAME = re.compile(r'(?i)passwd|pass|password|pwd|secret|token|pw|apikey|bearer|cred')
GO_LITERAL = re.compile(r'"(?:[^"\\\n]|\\.)*"|`[^`]*`')


def gosec_candidate(line, by_value):
    """A line gosec's G101 would report: a string literal with a credential-named identifier to its left (an
    assignment, a struct or map field, a comparison) or compared with one (`"..." == password`), not an import;
    in the value list (by_value), also a literal of 16 or more characters without white space."""
    if re.match(r'\s*(import\b|"[^"]*"\s*$|//)', line):
        return False
    m = GO_LITERAL.search(line)
    while m:
        left = line[:m.start()]
        names = re.findall(r'[A-Za-z_][A-Za-z0-9_]*', left)
        if names and GOSEC_NAME.search(names[-1]) and re.search(r'(:=|=|:|==|!=)\s*$', left):
            return True
        right = re.match(r'\s*(==|!=)\s*([A-Za-z_][A-Za-z0-9_]*)', line[m.end():])
        if right and GOSEC_NAME.search(right.group(2)):
            return True
        if by_value and len(m.group(0)) >= 18 and not re.search(r'\s', m.group(0)):
            return True
        m = GO_LITERAL.search(line, m.end())
    return False


def gosec_g101(mirror, seen_root, out):
    """securego/gosec's G101 (hard-coded credentials) test samples, testutils/g101_samples.go: every sample is a Go
    program and the number of G101 issues gosec's test expects in it. A sample expecting 0 is all 0 (suppressed
    samples, `#nosec G101`, included: the author says not to report). In a sample expecting k >= 1, the lines that
    hold a string literal assigned to or compared with a credential-named identifier (gosec's own name pattern),
    or, in the SampleCodeG101Values list, any literal of 16+ characters without white space, are 1, every
    other line 0, when there are exactly k of them; otherwise the whole sample is skip (the rule cannot say which
    line gosec means). A line holding a value token that a seen source's files also hold is skip."""
    commit = head(mirror)
    seen = seen_tokens(seen_root)
    text = git_show(mirror, commit, "testutils/g101_samples.go").decode("utf-8")
    starts = [(m.start(), m.group(1)) for m in GOSEC_LIST.finditer(text)]
    rows, skipped = [], 0
    for n, m in enumerate(GOSEC_SAMPLE.finditer(text)):
        group = [name for pos, name in starts if pos < m.start()][-1]
        code, want = m.group(1), int(m.group(2))
        lines = code.split("\n")
        labels = ["0"] * len(lines)
        if want > 0:
            hits = [i for i, line in enumerate(lines) if gosec_candidate(line, group.endswith("Values"))]
            if len(hits) == want:
                for i in hits:
                    labels[i] = "1"
            else:
                labels = ["skip"] * len(lines)
                skipped += 1
        rel = f"{group}/{n:02d}.go"
        write(out, rel, code)
        for i, line in enumerate(lines):
            lab = labels[i]
            if lab in ("0", "1") and any(t in seen for t in SEEN_TOKEN.findall(line)):
                lab = "skip"
            rows.append((rel, i + 1, lab))
    print(f"gosec-g101-samples: {skipped} samples skip (candidate lines != expected count)", file=sys.stderr)
    return rows


BANDIT_MARK = re.compile(r"^\s*#\s*Possible hardcoded password:\s*(.*)$")


def bandit_examples(mirror, seen_root, out):
    """PyCQA/bandit's examples/hardcoded-passwords.py, which labels itself: a comment `# Possible hardcoded password:
    '<value>'` (and a severity line) stands before each line bandit must report, and bandit's functional test expects
    that many issues. The first line after such a comment block that is not blank, not a comment and holds a string
    literal (a `class X:` header before the assignment is passed over) is 1; a block that
    says `None` (bandit must report nothing there) and every other line are 0. A line holding a value token that a seen
    source's files also hold is skip."""
    commit = head(mirror)
    seen = seen_tokens(seen_root)
    text = git_show(mirror, commit, "examples/hardcoded-passwords.py").decode("utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines = lines[:-1]
    labels = ["0"] * len(lines)
    for i, line in enumerate(lines):
        m = BANDIT_MARK.match(line)
        if not m or m.group(1).strip() == "None":
            continue
        j = i + 1
        while j < len(lines) and (not lines[j].strip() or lines[j].lstrip().startswith("#")
                                  or not re.search(r"[\"']", lines[j])):
            j += 1
        if j < len(lines):
            labels[j] = "1"
    rel = "hardcoded-passwords.py"
    write(out, rel, text)
    rows = []
    for i, line in enumerate(lines):
        lab = labels[i]
        if lab in ("0", "1") and any(t in seen for t in SEEN_TOKEN.findall(line)):
            lab = "skip"
        rows.append((rel, i + 1, lab))
    return rows


SONAR_COMMIT = "da21f3d7a51144c0a4a33ae6d7a74c5a26c344ad"  # the last commit under LGPL-3.0 that holds all 86 rule specs
SONAR_SPECS = "sonar-text-plugin/src/main/resources/org/sonar/plugins/secrets/configuration/"
WHISPERS_FIXTURES = "tests/fixtures/"


def whispers_seen_tokens(mirror):
    """Value tokens of whispers' fixtures (a seen source whose built folder is gone), read from its mirror."""
    tokens = set()
    if not os.path.isdir(mirror):
        return tokens
    commit = "5832bf74dcb127128ba653ed87601c927124b5aa"
    for path in git_ls(mirror, commit, WHISPERS_FIXTURES):
        data = subprocess.run(["git", f"--git-dir={mirror}", "show", f"{commit}:{path}"], check=True,
                              capture_output=True).stdout.decode("utf-8", errors="replace")
        tokens.update(t for t in SEEN_TOKEN.findall(data) if re.search(r"\d", t) and re.search(r"[A-Za-z]", t))
    return tokens


def sonar_text(mirror, seen_root, whispers_mirror, out):
    """SonarSource/sonar-text's secrets rule specifications (one YAML file a provider, LGPL-3.0 at SONAR_COMMIT):
    every rule carries `examples`, each a `text`, `containsSecret` and, for a positive, the `match` its test wants a
    finding on (sonar's test runs that one rule on the text and asserts a finding covering `match`, or no finding).
    Each example becomes its own file, `<spec>/<rule id>/<n>/<fileName or file.txt>`. In a positive example the line
    where `match` first starts is 1 (the later lines of a multi-line match cont) and every other line skip (the
    source says nothing of them); a negative example's lines are all 0, except that a negative example with a
    `fileName` is all skip (the file name is there to test a path or extension filter, documentation or templates,
    not to say the text holds no credential). A line holding a value token that a seen source also holds is skip."""
    seen = seen_tokens(seen_root) | whispers_seen_tokens(whispers_mirror)
    rows = []
    for path in git_ls(mirror, SONAR_COMMIT, SONAR_SPECS):
        if not path.endswith(".yaml") or "/" in path[len(SONAR_SPECS):]:
            continue
        spec = yaml.safe_load(git_show(mirror, SONAR_COMMIT, path))
        name = os.path.basename(path)[:-len(".yaml")]
        for rule in spec["provider"]["rules"]:
            for n, example in enumerate(rule.get("examples") or [], start=1):
                text = example["text"]
                rel = f"{name}/{rule['id']}/{n}/{example.get('fileName') or 'file.txt'}"
                write(out, rel, text)
                lines = text.split("\n")
                if lines and lines[-1] == "":
                    lines = lines[:-1]
                if example["containsSecret"]:
                    labels = ["skip"] * len(lines)
                    match = (example.get("match") or "").rstrip()
                    at = text.find(match) if match else -1
                    if at < 0:
                        raise ValueError(f"{rel}: the example's match is not in its text")
                    first = text.count("\n", 0, at)
                    labels[first] = "1"
                    for k in range(first + 1, first + 1 + match.count("\n")):
                        labels[k] = "cont"
                else:
                    labels = ["skip" if example.get("fileName") else "0"] * len(lines)
                for i, line in enumerate(lines):
                    lab = labels[i]
                    if lab in ("0", "1") and any(t in seen for t in SEEN_TOKEN.findall(line)):
                        lab = "skip"
                    elif lab == "cont" and rows and rows[-1][0] == rel and rows[-1][2] == "skip":
                        lab = "skip"
                    rows.append((rel, i + 1, lab))
    return rows


HORUSEC_COMMIT = "873d4104a6aa89be8f86d93db8e416909d9add87"  # ZupIT/horusec, Apache-2.0, the newest snapshot (2023-08-07)
HORUSEC_ENGINES = "internal/services/engines/"
HORUSEC_CLIENT_IDS = {"Facebook Client ID", "Twitter Client ID", "LinkedIn Client ID"}


def horusec_cases(test_go, function):
    """(rule id, Src identifier, expected lines, code samples) of each case of `function` in a horusec rules_test.go."""
    start = test_go.index(f"func {function}(")
    end = test_go.find("\nfunc ", start + 1)
    body = test_go[start:end if end > 0 else len(test_go)]
    marks = list(re.finditer(r'\bName:\s*"([^"]+)"', body))
    cases = []
    for k, m in enumerate(marks):
        case = body[m.start():marks[k + 1].start() if k + 1 < len(marks) else len(body)]
        src = re.search(r"\bSrc:\s*(\w+)\s*,", case)
        if not src:
            raise ValueError(f"{function} {m.group(1)}: Src is not a plain identifier")
        lines = [int(n) for n in re.findall(r"\bLine:\s*(\d+)", case)]
        samples = [go_string(t) for t in re.findall(r'CodeSample:\s*(`[^`]*`|"(?:\\.|[^"\\])*")', case)]
        cases.append((m.group(1), src.group(1), lines, samples))
    return cases


def horusec(mirror, seen_root, whispers_mirror, out):
    """ZupIT/horusec's rule tests for its leaks engine (all 28 rules) and for the rules of its other engines whose
    name says hard-coded credentials (three JavaScript rules). Each case of TestRulesVulnerableCode runs one rule on
    one sample (a Go constant of samples.go) and asserts exactly the findings it lists, each with its line; each
    case of TestRulesSafeCode asserts no finding on a safe sample. Every sample becomes its own file,
    `<engine>/<rule id>/<vulnerable|safe>/<rule id>.test`, written verbatim (horusec numbers its lines from the
    first character of the constant). Labels: a line a vulnerable case lists is 1, except the lines of the three
    Client ID rules, which are skip (an OAuth client id is an identifier, not a credential, in issue 14); every
    other line of a vulnerable sample is 0; every line of a safe sample is 0. A line holding a value token that a
    seen source also holds is skip."""
    seen = seen_tokens(seen_root) | whispers_seen_tokens(whispers_mirror)
    commit = HORUSEC_COMMIT
    rows = []
    for engine in ("leaks", "javascript"):
        base = HORUSEC_ENGINES + engine + "/"
        rules_go = git_show(mirror, commit, base + "rules.go").decode()
        names = dict(re.findall(r'\bID:\s*"([^"]+)",\s*Name:\s*"([^"]+)"', rules_go))
        wanted = {i for i, n in names.items() if engine == "leaks" or re.search(r"(?i)hard-?coded credential", n)}
        consts = go_constants(GO_TOKEN.findall(git_show(mirror, commit, base + "samples.go").decode()))
        test_go = git_show(mirror, commit, base + "rules_test.go").decode()
        for kind, function in (("vulnerable", "TestRulesVulnerableCode"), ("safe", "TestRulesSafeCode")):
            for rule, src, lines, samples in horusec_cases(test_go, function):
                if rule not in wanted:
                    continue
                text = consts[src]
                rel = f"{engine}/{rule}/{kind}/{rule}.test"
                write(out, rel, text)
                file_lines = text.split("\n")
                for n, sample in zip(lines, samples):
                    if sample.strip() not in file_lines[n - 1]:
                        raise ValueError(f"{rel}: line {n} does not hold the test's code sample")
                hit = "skip" if names[rule] in HORUSEC_CLIENT_IDS else "1"
                if file_lines and file_lines[-1] == "":
                    file_lines = file_lines[:-1]
                for i, line in enumerate(file_lines, start=1):
                    lab = hit if i in lines else "0"
                    if lab in ("0", "1") and any(t in seen for t in SEEN_TOKEN.findall(line)):
                        lab = "skip"
                    rows.append((rel, i, lab))
    return rows

VELES_COMMIT = "c2094f2d68e3994551d9998a54e2e97985a18a39"  # google/osv-scalibr, Apache-2.0, the newest snapshot (2026-08-19)
VELES_TOKEN = re.compile(r'`[^`]*`|"(?:\\.|[^"\\\n])*"|//[^\n]*|/\*.*?\*/|[{}()\[\],+:=]|[A-Za-z_][\w.]*|\d+|\S', re.S)
VELES_IDENTIFIER = re.compile(r'(?i)(id|email|user|username|url|host|region|project|projectref|name|account)$|^public')
VELES_URL_CREDENTIAL = re.compile(r'://[^/@\s:]+:[^/@\s]+@')


def veles_expr(tokens, i, consts):
    """A Go string expression at tokens[i]: terms (a literal, a known constant, strings.Repeat(term, n), fmt.Sprintf
    of %s/%v over terms, a parenthesised expression) joined by '+'. Returns (text, index after it) or (None, i)."""
    def term(k):
        t = tokens[k]
        if t[:1] in "`\"":
            try:
                return go_string(t), k + 1
            except (ValueError, SyntaxError):
                return None, k
        if t == "(":
            v, j = veles_expr(tokens, k + 1, consts)
            return (v, j + 1) if v is not None and tokens[j] == ")" else (None, k)
        if t == "strings.Repeat" and tokens[k + 1] == "(":
            v, j = veles_expr(tokens, k + 2, consts)
            if v is None or tokens[j] != "," or not tokens[j + 1].isdigit() or tokens[j + 2] != ")":
                return None, k
            return v * int(tokens[j + 1]), j + 3
        if t == "fmt.Sprintf" and tokens[k + 1] == "(":
            args, j = [], k + 2
            while True:
                v, j = veles_expr(tokens, j, consts)
                if v is None:
                    return None, k
                args.append(v)
                if tokens[j] == ")":
                    break
                if tokens[j] != ",":
                    return None, k
                j += 1
            fmt, values = args[0], args[1:]
            if re.search(r"%[^sv%]", fmt) or len(re.findall(r"%[sv]", fmt)) != len(values):
                return None, k
            it = iter(values)
            return re.sub(r"%[sv]", lambda m: next(it), fmt).replace("%%", "%"), j + 1
        if t in ("strings.ToLower", "strings.ToUpper") and tokens[k + 1] == "(":
            v, j = veles_expr(tokens, k + 2, consts)
            if v is None or tokens[j] != ")":
                return None, k
            return (v.lower() if t.endswith("Lower") else v.upper()), j + 1
        if t == "strings.ReplaceAll" and tokens[k + 1] == "(":
            args, j = [], k + 2
            for sep in (",", ",", ")"):
                v, j = veles_expr(tokens, j, consts)
                if v is None or tokens[j] != sep:
                    return None, k
                args.append(v)
                j += 1
            return args[0].replace(args[1], args[2]), j
        if t in consts and tokens[k + 1] not in ("(", "{", "."):
            if tokens[k + 1] == "[":  # a slice: x[a:b], a and b integers, len(x) or len(x) - n
                return veles_slice(tokens, k + 1, consts[t])
            return consts[t], k + 1
        return None, k
    value, j = term(i)
    if value is None:
        return None, i
    while j < len(tokens) and tokens[j] == "+":
        more, k = term(j + 1)
        if more is None:
            return None, i
        value, j = value + more, k
    return value, j


def veles_slice(tokens, k, value):
    """value[a:b] for the slice expression opening at tokens[k] ('['); (None, k) when it is not a plain slice."""
    def bound(j, stop):
        if tokens[j] == stop:
            return None, j
        if tokens[j].isdigit():
            n, j = int(tokens[j]), j + 1
        elif tokens[j] == "len" and tokens[j + 1] == "(" and tokens[j + 3] == ")":
            n, j = len(value), j + 4
        else:
            raise ValueError
        while tokens[j] in ("+", "-") and tokens[j + 1].isdigit():
            n, j = (n + int(tokens[j + 1]) if tokens[j] == "+" else n - int(tokens[j + 1])), j + 2
        return n, j
    try:
        a, j = bound(k + 1, ":")
        if tokens[j] != ":":
            return None, k
        b, j = bound(j + 1, "]")
        if tokens[j] != "]":
            return None, k
    except (ValueError, IndexError):
        return None, k
    return value[a or 0:len(value) if b is None else b], j + 1


def veles_constants(tokens):
    """Identifiers assigned a string expression (`name = expr`, `name := expr`) with one value in the file."""
    consts = {}
    for _ in range(3):  # constants built from other constants
        seen = {}
        for i in range(1, len(tokens) - 1):
            if tokens[i] != "=" or not re.fullmatch(r"[A-Za-z_]\w*", tokens[i - 1] if tokens[i - 1] != ":" else tokens[i - 2]):
                continue
            name = tokens[i - 1] if tokens[i - 1] != ":" else tokens[i - 2]
            value, _ = veles_expr(tokens, i + 1, consts)
            if value is not None:
                seen.setdefault(name, set()).add(value)
        consts = {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}
    return consts


def veles_matching(tokens, k):
    """Index of the bracket that closes the one at tokens[k]."""
    depth = 0
    for j in range(k, len(tokens)):
        if tokens[j] in "{([":
            depth += 1
        elif tokens[j] in "})]":
            depth -= 1
            if depth == 0:
                return j
    return len(tokens) - 1


def veles_case(tokens, i, consts):
    """(input text, wanted [(field, value)], [] for no finding or None for a case without a want key), or None when
    the input or the want is not readable, of the table case whose `input` key is at tokens[i]."""
    text, _ = veles_expr(tokens, i + 2, consts)
    if text is None:
        return None
    depth, start = 0, i
    while start > 0:
        start -= 1
        if tokens[start] in "})]":
            depth += 1
        elif tokens[start] in "{([":
            if depth == 0:
                break
            depth -= 1
    end = veles_matching(tokens, start)
    depth, want = 0, None
    for j in range(start + 1, end):
        if tokens[j] in "{([":
            depth += 1
        elif tokens[j] in "})]":
            depth -= 1
        elif depth == 0 and tokens[j] in ("want", "expected") and tokens[j + 1] == ":":
            want = j + 2
    if want is None:
        return text, None
    if tokens[want] == "nil":
        return text, []
    if tokens[want:want + 3] != ["[", "]", "veles.Secret"] or tokens[want + 3] != "{":
        return None
    close = veles_matching(tokens, want + 3)
    if close == want + 4:
        return text, []
    fields = []
    for j in range(want + 4, close):
        if tokens[j] == ":" and re.fullmatch(r"[A-Za-z_]\w*", tokens[j - 1]) and tokens[j - 2] in ("{", ","):
            value, _ = veles_expr(tokens, j + 1, consts)
            if value:
                fields.append((tokens[j - 1], value))
    return (text, fields) if fields else None


def veles(mirror, seen_root, whispers_mirror, out):
    """google/osv-scalibr's secret detectors (veles/secrets/**/*detector_test.go): every table case of a test function
    (the Acceptance functions left out: they repeat the same values through a harness) whose `input` evaluates
    statically becomes its own file, `<detector>/<function>/<nn>.txt`. A case whose `want` (or `expected`) is nil or
    an empty list, or that has none in a function with no want at all, asserts no finding: all its lines 0; a case
    without one in a function that keeps its want elsewhere (per scenario) or is named for false negatives (inputs
    the detector is known to miss) is skip. A case that wants secrets: every line where a wanted value starts is 1 (later
    lines of a multi-line value cont), unless the value is an identifier field (name ending in ID, Email, User, URL,
    Host, Region, Project, ProjectRef, Name, Account, or starting with Public), whose line is skip (a URL field is a
    credential when it holds `scheme://user:password@`); every other line 0; a case none of whose wanted
    non-identifier values is in the input is skip. A line holding a value token that a seen source also holds is
    skip."""
    seen = seen_tokens(seen_root) | whispers_seen_tokens(whispers_mirror)
    commit = VELES_COMMIT
    rows = []
    for path in git_ls(mirror, commit, "veles/secrets"):
        if not path.endswith("detector_test.go"):
            continue
        source = git_show(mirror, commit, path).decode()
        tokens = [t for t in VELES_TOKEN.findall(source) if not t.startswith("//") and not t.startswith("/*")]
        consts = veles_constants(tokens)
        funcs = [k for k, t in enumerate(tokens) if t == "func" and re.fullmatch(r"Test\w*", tokens[k + 1])]
        for n, f in enumerate(funcs):
            name = tokens[f + 1]
            if "Acceptance" in name:
                continue
            stop = funcs[n + 1] if n + 1 < len(funcs) else len(tokens)
            wants_elsewhere = any(tokens[k] in ("want", "expected") and tokens[k + 1] == ":" for k in range(f, stop - 1))
            count = 0
            for i in range(f, stop - 2):
                if tokens[i] != "input" or tokens[i + 1] != ":":
                    continue
                case = veles_case(tokens, i, consts)
                if case is None:
                    continue
                text, wanted = case
                no_want = wanted is None
                if no_want:
                    wanted = []
                count += 1
                rel = f"{path[len('veles/secrets/'):-len('_test.go')]}/{name}/{count:02d}.txt"
                write(out, rel, text)
                lines = text.split("\n")
                if len(lines) > 1 and lines[-1] == "":
                    lines = lines[:-1]
                labels = ["0"] * len(lines)
                found = False
                for field, value in wanted:
                    for at in [m.start() for m in re.finditer(re.escape(value), text)]:
                        first = text.count("\n", 0, at)
                        if VELES_IDENTIFIER.search(field) and not (field.lower().endswith("url")
                                                                   and VELES_URL_CREDENTIAL.search(value)):
                            if labels[first] == "0":
                                labels[first] = "skip"
                            continue
                        found = True
                        labels[first] = "1"
                        for k in range(first + 1, first + 1 + value.rstrip("\n").count("\n")):
                            if labels[k] != "1":
                                labels[k] = "cont"
                if (wanted and not found) or (no_want and (wants_elsewhere or "falsenegative" in name.lower())):
                    labels = ["skip"] * len(lines)
                for k, line in enumerate(lines):
                    lab = labels[k]
                    if lab in ("0", "1") and any(t in seen for t in SEEN_TOKEN.findall(line)):
                        lab = "skip"
                    elif lab == "cont" and rows and rows[-1][0] == rel and rows[-1][2] == "skip":
                        lab = "skip"
                    rows.append((rel, k + 1, lab))
    return rows


class Unevaluable(Exception):
    pass


def py_static(node, consts):
    """A Python expression evaluated without running it: literals, module names assigned once, +, %, str.format,
    f-strings, list/tuple/dict literals and dict.get(key); Unevaluable for anything else."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple)):
        return [py_static(e, consts) for e in node.elts] if isinstance(node, ast.List) else \
            tuple(py_static(e, consts) for e in node.elts)
    if isinstance(node, ast.Dict):
        return {py_static(k, consts): py_static(v, consts) for k, v in zip(node.keys, node.values)}
    if isinstance(node, ast.Name):
        if node.id in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[node.id]
        if node.id not in consts:
            raise Unevaluable(node.id)
        return py_static(consts[node.id], consts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        left, right = py_static(node.left, consts), py_static(node.right, consts)
        if isinstance(node.op, ast.Add) and type(left) is type(right) and isinstance(left, (str, list, tuple)):
            return left + right
        if isinstance(node.op, ast.Mod) and isinstance(left, str):
            return left % (tuple(right) if isinstance(right, list) else right)
        raise Unevaluable("binop")
    if isinstance(node, ast.JoinedStr):
        parts = []
        for v in node.values:
            if isinstance(v, ast.Constant):
                parts.append(str(v.value))
            elif isinstance(v, ast.FormattedValue) and v.format_spec is None and v.conversion == -1:
                parts.append(str(py_static(v.value, consts)))
            else:
                raise Unevaluable("f-string")
        return "".join(parts)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        target = py_static(node.func.value, consts)
        args = [py_static(a, consts) for a in node.args]
        kwargs = {k.arg: py_static(k.value, consts) for k in node.keywords if k.arg}
        if isinstance(target, str) and node.func.attr == "format" and len(kwargs) == len(node.keywords):
            return target.format(*args, **kwargs)
        if isinstance(target, dict) and node.func.attr == "get" and len(args) in (1, 2) and not kwargs:
            return target.get(*args)
    raise Unevaluable(type(node).__name__)


def py_module_constants(tree):
    """Module-level names assigned exactly once (`NAME = expr`), as expressions."""
    seen, consts = {}, {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign):
            for t in stmt.targets:
                if isinstance(t, ast.Name):
                    seen[t.id] = seen.get(t.id, 0) + 1
                    consts[t.id] = stmt.value
    return {k: v for k, v in consts.items() if seen[k] == 1}


def py_length_assertion(function):
    """1 when a test function asserts `len(...) == 1` (or >= 1), 0 when `len(...) == 0`, else None."""
    found = set()
    for node in ast.walk(function):
        if (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.left, ast.Call)
                and getattr(node.left.func, "id", "") == "len" and isinstance(node.comparators[0], ast.Constant)):
            n, op = node.comparators[0].value, node.ops[0]
            if isinstance(op, ast.Eq) and n in (0, 1):
                found.add(n)
            elif isinstance(op, ast.GtE) and n == 1:
                found.add(1)
    return found.pop() if len(found) == 1 else None


IBM_PAYLOAD_NAMES = ("line", "payload", "file_content")


def ibm_cases(tree, counts):
    """(payload, flag) of every parametrize case of a detect-secrets-style test module that the rule reads."""
    consts = py_module_constants(tree)
    out = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef):
            continue
        for deco in function.decorator_list:
            if not (isinstance(deco, ast.Call) and getattr(deco.func, "attr", "") == "parametrize" and len(deco.args) >= 2):
                continue
            try:
                names = py_static(deco.args[0], consts)
            except Unevaluable:
                continue
            names = [n.strip().lower() for n in (names.split(",") if isinstance(names, str) else names)]
            if len(names) == 2 and names[0] in IBM_PAYLOAD_NAMES and names[1] == "should_flag":
                pick, flag_at = 0, 1
            elif len(names) == 3 and names[0] == "token" and names[1] in IBM_PAYLOAD_NAMES and names[2] == "should_flag":
                pick, flag_at = 1, 2
            elif len(names) == 1 and names[0] in ("payload", "file_content"):
                pick, flag_at = 0, None
            else:
                continue
            fixed = py_length_assertion(function) if flag_at is None else None
            if flag_at is None and fixed is None:
                counts["left out: no length assertion"] += 1
                continue
            try:
                cases = py_static(deco.args[1], consts)
            except Unevaluable:
                counts["left out: case list not static"] += 1
                continue
            for case in cases:
                case = case if isinstance(case, (list, tuple)) else (case,)
                if len(case) != len(names):
                    counts["left out: case shape"] += 1
                    continue
                flag = bool(fixed) if flag_at is None else case[flag_at]
                if isinstance(case[pick], str) and isinstance(flag, bool):
                    out.append((case[pick], flag))
                else:
                    counts["left out: case not a string and a flag"] += 1
    return out


def ibm_detect_secrets(mirror, yelp_mirror, seen_root, whispers_mirror, out):
    """IBM/detect-secrets (a fork of Yelp's with more plugins): the parametrize cases of tests/plugins/*_test.py
    (common/ and base_test.py left out) whose names are (P, should_flag), (token, P, should_flag) with P one of
    line, payload, file_content, or a single payload/file_content whose test asserts len(...) == 1 or == 0. A flagged
    payload's first line is 1 (later lines cont), an unflagged one 0. A payload that is also a case of Yelp's plugin
    tests (a seen source) is left out, and so is a line holding a value token of a seen source (docs/secrets-eval.md)."""
    commit = head(mirror)
    yelp_commit = "5e141933554a0b74e7341841f318be21e895339c"
    yelp_payloads = set()
    for path in git_ls(yelp_mirror, yelp_commit, "tests/plugins"):
        if path.endswith("_test.py"):
            yelp_tree = ast.parse(subprocess.run(["git", f"--git-dir={yelp_mirror}", "show", f"{yelp_commit}:{path}"],
                                                 check=True, capture_output=True).stdout.decode())
            for node in ast.walk(yelp_tree):
                if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "parametrize" and len(node.args) >= 2:
                    try:
                        for case in ast.literal_eval(node.args[1]):
                            for part in (case if isinstance(case, tuple) else (case,)):
                                if isinstance(part, str):
                                    yelp_payloads.add(part.strip())
                    except ValueError:
                        pass
    seen = seen_tokens(seen_root) | whispers_seen_tokens(whispers_mirror)
    counts = collections.Counter()
    rows = []
    for path in git_ls(mirror, commit, "tests/plugins"):
        if not path.endswith("_test.py") or "/common/" in path or path.endswith("/base_test.py"):
            continue
        cases = ibm_cases(ast.parse(git_show(mirror, commit, path).decode()), counts)
        pos = [p for p, f in cases if f and p.strip() not in yelp_payloads]
        neg = [p for p, f in cases if not f and p.strip() not in yelp_payloads]
        counts["left out: also a Yelp case"] += sum(1 for p, _ in cases if p.strip() in yelp_payloads)
        rel = os.path.basename(path)[:-3] + ".txt"
        file_rows = examples_file(out, rel, pos, neg)
        text_lines = open(os.path.join(out, "files", rel), encoding="utf-8").read().split("\n") if file_rows else []
        for rel_, line, label in file_rows:
            toks = [t for t in SEEN_TOKEN.findall(text_lines[line - 1]) if re.search(r"\d", t) and re.search(r"[A-Za-z]", t)]
            if label != "skip" and any(t in seen for t in toks):
                counts["skip: seen value token"] += 1
                label = "skip"
            rows.append((rel_, line, label))
    for k, v in sorted(counts.items()):
        print(f"  {k}: {v}", file=sys.stderr)
    return rows


TWOMS_COMMIT = "e2fafb4a9738d0f2984b0570f056e70a72ad55cb"  # Checkmarx/2ms, Apache-2.0, the newest snapshot (2026-03-11)
TWOMS_LISTS = {"truePositives": 1, "falsePositives": 0}


def twoms_elements(tokens, start, counts):
    """The elements of the []string list opened at tokens[start] ('{'): each a string literal or a + concatenation of
    literals; any other element is left out and counted."""
    out, element, depth, i = [], [], 0, start
    while i < len(tokens):
        t = tokens[i]
        if t.startswith("//"):
            i += 1
            continue
        if t in "{(":
            depth += 1
            if depth > 1:
                element.append(t)
        elif t in "})":
            depth -= 1
            if depth == 0:
                break
            element.append(t)
        elif t == "," and depth == 1:
            out.append(element)
            element = []
        else:
            element.append(t)
        i += 1
    if element:
        out.append(element)
    values = []
    for element in out:
        parts = element[0::2]
        if (parts and all(p[0] in "`\"" for p in parts) and all(op == "+" for op in element[1::2])
                and len(element) % 2 == 1):
            try:
                values.append("".join(go_string(p) for p in parts))
                continue
            except (ValueError, SyntaxError):
                pass
        counts["left out: element not a literal"] += 1
    return values


def twoms(mirror, gitleaks_mirror, betterleaks_mirror, seen_root, whispers_mirror, out):
    """Checkmarx/2ms' rule tests (engine/rules/ruledefine/*_test.go), which freeze gitleaks-style samples as literals:
    every element of a `truePositives: []string{...}` list is a positive example (first line 1, later lines cont),
    every element of `falsePositives: []string{...}` a negative (all lines 0); elements that are not literals or
    + concatenations of literals are left out. An example that is also a literal sample of gitleaks or betterleaks
    (seen sources) is skip, and so is a line holding a value token of a seen source (docs/secrets-eval.md)."""
    seen_samples = set()
    for m in (gitleaks_mirror, betterleaks_mirror):
        for pos, neg in gitleaks_samples(m).values():
            seen_samples.update(x.strip() for x in pos + neg)
    INPUTS.clear()  # gitleaks' and betterleaks' files were read only to leave their samples out
    seen = seen_tokens(seen_root) | whispers_seen_tokens(whispers_mirror)
    counts = collections.Counter()
    rows = []
    for path in git_ls(mirror, TWOMS_COMMIT, "engine/rules/ruledefine"):
        if not path.endswith("_test.go"):
            continue
        tokens = [t for t in GO_TOKEN.findall(git_show(mirror, TWOMS_COMMIT, path).decode()) if not t.startswith("/*")]
        cases = {1: [], 0: []}
        for i, t in enumerate(tokens):
            if t in TWOMS_LISTS and tokens[i + 1:i + 5] == [":", "[", "]", "string"] and tokens[i + 5] == "{":
                cases[TWOMS_LISTS[t]] += twoms_elements(tokens, i + 5, counts)
        pos = [p for p in cases[1] if p.strip() and p.strip() not in seen_samples]
        neg = [n for n in cases[0] if n.strip() and n.strip() not in seen_samples]
        counts["skip: a gitleaks or betterleaks sample"] += sum(1 for x in cases[1] + cases[0] if x.strip() in seen_samples)
        rel = os.path.basename(path)[:-3] + ".txt"
        file_rows = examples_file(out, rel, pos, neg)
        text_lines = open(os.path.join(out, "files", rel), encoding="utf-8").read().split("\n") if file_rows else []
        for rel_, line, label in file_rows:
            toks = [t for t in SEEN_TOKEN.findall(text_lines[line - 1]) if re.search(r"\d", t) and re.search(r"[A-Za-z]", t)]
            if label == "cont" and rows and rows[-1][0] == rel_ and rows[-1][2] == "skip":
                label = "skip"
            elif label != "skip" and any(t in seen for t in toks):
                counts["skip: seen value token"] += 1
                label = "skip"
            rows.append((rel_, line, label))
    for k, v in sorted(counts.items()):
        print(f"  {k}: {v}", file=sys.stderr)
    return rows


def main():
    eval_data, mirrors, out_root = sys.argv[1:4]
    labels = os.environ.get("DS_LABELS", "/work/data/secrets-labels/detect_secrets_testdata.tsv")
    sources = {
        "noseyparker-rule-examples": lambda o: noseyparker(eval_data, o),
        "detect-secrets-testdata": lambda o: detect_secrets_testdata(eval_data, labels, o),
        "secretlint-fixtures": lambda o: secretlint_fixtures(os.path.join(mirrors, "secretlint+secretlint", "repo"), o),
        "gitleaks-samples": lambda o: gitleaks(os.path.join(mirrors, "gitleaks+gitleaks", "repo"), o),
        "detect-secrets-plugin-tests": lambda o: detect_secrets_plugin_tests(os.path.join(mirrors, "Yelp+detect-secrets", "repo"), o),
        "ripsecrets-tests": lambda o: ripsecrets(os.path.join(mirrors, "sirwart+ripsecrets", "repo"), o),
        "whispers-fixtures": lambda o: whispers(os.path.join(mirrors, "Skyscanner+whispers", "repo"),
                                                os.environ.get("WHISPERS_RUNNER", "/work/data/whispers-stubs/run_whispers.py"), o),
        "earlybird-rule-examples": lambda o: earlybird(os.path.join(mirrors, "americanexpress+earlybird", "repo"), o),
        "trufflehog-detector-tests": lambda o: trufflehog(os.path.join(mirrors, "trufflesecurity+trufflehog", "repo"), o),
        "kingfisher-rule-examples": lambda o: kingfisher(os.path.join(mirrors, "mongodb+kingfisher", "repo"), eval_data, o),
        "ghas-custom-patterns": lambda o: ghas_custom_patterns(
            os.path.join(mirrors, "advanced-security+secret-scanning-custom-patterns", "repo"), o),
        "betterleaks-samples": lambda o: betterleaks(os.path.join(mirrors, "betterleaks+betterleaks", "repo"),
                                                     os.path.join(mirrors, "gitleaks+gitleaks", "repo"), o),
        "trivy-secret-tests": lambda o: trivy(os.path.join(mirrors, "aquasecurity+trivy", "repo"), o),
        "semgrep-secrets-tests": lambda o: semgrep_rules(os.path.join(mirrors, "semgrep+semgrep-rules", "repo"),
                                                         os.environ.get("SEEN_CORPUS", "/work/data/secrets-corpus"), o),
        "bandit-hardcoded-passwords": lambda o: bandit_examples(os.path.join(mirrors, "PyCQA+bandit", "repo"),
                                                                os.environ.get("SEEN_CORPUS", "/work/data/secrets-corpus"), o),
        "gosec-g101-samples": lambda o: gosec_g101(os.path.join(mirrors, "securego+gosec", "repo"),
                                                   os.environ.get("SEEN_CORPUS", "/work/data/secrets-corpus"), o),
        "sonar-text-examples": lambda o: sonar_text(os.path.join(mirrors, "SonarSource+sonar-text", "repo"),
                                                    os.environ.get("SEEN_CORPUS", "/work/data/secrets-corpus"),
                                                    os.path.join(mirrors, "Skyscanner+whispers", "repo"), o),
        "horusec-leaks-tests": lambda o: horusec(os.path.join(mirrors, "ZupIT+horusec", "repo"),
                                                 os.environ.get("SEEN_CORPUS", "/work/data/secrets-corpus"),
                                                 os.path.join(mirrors, "Skyscanner+whispers", "repo"), o),
        "osv-scalibr-veles-tests": lambda o: veles(os.path.join(mirrors, "google+osv-scalibr", "repo"),
                                                   os.environ.get("SEEN_CORPUS", "/work/data/secrets-corpus"),
                                                   os.path.join(mirrors, "Skyscanner+whispers", "repo"), o),
        "ibm-detect-secrets-plugin-tests": lambda o: ibm_detect_secrets(
            os.path.join(mirrors, "IBM+detect-secrets", "repo"), os.path.join(mirrors, "Yelp+detect-secrets", "repo"),
            os.environ.get("SEEN_CORPUS", "/work/data/secrets-corpus"), os.path.join(mirrors, "Skyscanner+whispers", "repo"), o),
        "twoms-rule-tests": lambda o: twoms(
            os.path.join(mirrors, "Checkmarx+2ms", "repo"), os.path.join(mirrors, "gitleaks+gitleaks", "repo"),
            os.path.join(mirrors, "betterleaks+betterleaks", "repo"),
            os.environ.get("SEEN_CORPUS", "/work/data/secrets-corpus"), os.path.join(mirrors, "Skyscanner+whispers", "repo"), o),
    }
    only = set(sys.argv[4:])
    for name, build in sources.items():
        if only and name not in only:
            continue
        out = os.path.join(out_root, name)
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(os.path.join(out, "files"))
        INPUTS.clear()
        rows = build(out)
        save_labels(out, rows, name)
        with open(os.path.join(out, "sources.tsv"), "w") as f:
            for origin, commit, path, digest in sorted(set(INPUTS)):
                f.write(f"{origin}\t{commit}\t{path}\t{digest}\n")
        pos = sum(1 for r in rows if r[2] == "1")
        neg = sum(1 for r in rows if r[2] == "0")
        assert all(r[2] in ("0", "1", "skip", "cont") for r in rows)
        print(f"{name}: {pos} positive lines, {neg} labelled negative lines")


if __name__ == "__main__":
    main()
