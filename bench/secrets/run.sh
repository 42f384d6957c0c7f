#!/usr/bin/env bash
# Line-level recall and precision of Bastion's secrets scanner and of secretlint's recommended preset, on the
# same labelled files, in one table (per source and pooled).
#
#   bench/secrets/run.sh [CORPUS_ROOT] [SOURCE...]
#
# CORPUS_ROOT (default /work/data/secrets-corpus) is what bench/secrets/build_corpus.py writes: one folder per
# source with files/ and labels.tsv. secretlint is installed with npm into a temporary folder outside the
# repository and removed afterwards. Run from the repository root after
# `./mvnw -B -q -DskipTests package -pl app -am`. With BEFORE_JAR=path/to/older/bastion.jar, that jar's
# `bastion scan --secrets` hits (informational ones left out) are scored in the same table as "before".
set -euo pipefail
ROOT=${1:-/work/data/secrets-corpus}
shift || true
SOURCES=("$@")
if [ ${#SOURCES[@]} -eq 0 ]; then
  SOURCES=(noseyparker-rule-examples detect-secrets-testdata secretlint-fixtures gitleaks-samples detect-secrets-plugin-tests)
fi
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
JAR=${JAR:-app/target/bastion.jar}
SECRETLINT_VERSION=${SECRETLINT_VERSION:-12.0.0}

TMP=$(mktemp -d /tmp/bastion-secretlint.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund \
  "secretlint@$SECRETLINT_VERSION" "@secretlint/secretlint-rule-preset-recommend@$SECRETLINT_VERSION" >/dev/null)
echo '{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}' > "$TMP/secretlintrc.json"
mkdir -p "$TMP/hits" "$TMP/before"

corpus_args=()
for s in "${SOURCES[@]}"; do
  dir="$ROOT/$s"
  corpus_args+=(--corpus "$dir")
  # every labelled file, dotfiles included, as literal paths
  mapfile -t files < <(grep -v '^#' "$dir/labels.tsv" | cut -f1 | sort -u | sed "s|^|$dir/files/|")
  start=$(date +%s%N)
  (cd "$dir/files" && "$TMP/node_modules/.bin/secretlint" --no-glob --no-color --format json \
      --secretlintrc "$TMP/secretlintrc.json" "${files[@]}" > "$TMP/$s.json") || true  # exit 1 = found something
  end=$(date +%s%N)
  node -e '
    const [json, base] = process.argv.slice(1);
    const results = JSON.parse(require("fs").readFileSync(json, "utf8") || "[]");
    for (const r of results) for (const m of r.messages || [])
      console.log(require("path").relative(base, r.filePath) + "\t" + m.loc.start.line);
  ' "$TMP/$s.json" "$dir/files" > "$TMP/hits/$s.tsv"
  echo "secretlint $SECRETLINT_VERSION on $s: ${#files[@]} files in $(( (end - start) / 1000000 )) ms (process start included)" >&2
  if [ -n "${BEFORE_JAR:-}" ]; then
    (cd "$dir/files" && "$JAVA" --add-modules jdk.incubator.vector -jar "$BEFORE_JAR" scan --secrets . 2>/dev/null || true) \
      | grep -v '(informational)' | sed -E 's|^\./||; s|^(.+):([0-9]+):[0-9]+ [A-Z_]+ score=.*|\1\t\2|' > "$TMP/before/$s.tsv"
  fi
done
peers=(--peer "secretlint=$TMP/hits")
if [ -n "${BEFORE_JAR:-}" ]; then
  peers+=(--peer "before=$TMP/before")
fi

"$JAVA" --add-modules jdk.incubator.vector -jar "$JAR" eval secrets "${corpus_args[@]}" "${peers[@]}" \
  2> >(grep -v '^WARNING' >&2)
