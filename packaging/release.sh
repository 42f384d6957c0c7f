#!/usr/bin/env bash
# Builds the release archive bastion-<version>-linux-x64.tar.gz from the packaged jar and its lib/:
#   a jlink runtime of just the modules the jars need (so the target machine needs no JDK), the jar, lib/ (native
#   libraries for other platforms removed), bin/bastion, LICENSE, NOTICE and README.md.
#
# The one documented command runs it after the jar is built:
#   ./mvnw -B -Prelease -DskipTests package -pl app -am
# It can also be run by hand after `./mvnw -B -DskipTests package -pl app -am`:
#   packaging/release.sh [VERSION]
# Needs a JDK 25 (JAVA_HOME, or the one ./bastion would pick), tar, gzip and zip.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$root/app/target"
jar="$target/bastion.jar"
[[ -f "$jar" && -d "$target/lib" ]] || { echo "release: build the jar first: ./mvnw -B -DskipTests package -pl app -am" >&2; exit 1; }
: "${JAVA_HOME:?release: set JAVA_HOME to a JDK 25}"
for tool in jlink jdeps jar; do
  [[ -x "$JAVA_HOME/bin/$tool" ]] || { echo "release: $JAVA_HOME/bin/$tool is missing (a JDK, not a JRE, is needed)" >&2; exit 1; }
done
command -v zip >/dev/null || { echo "release: zip is needed to thin the native jars (apt-get install zip)" >&2; exit 1; }

version="${1:-$(unzip -p "$jar" META-INF/MANIFEST.MF | sed -n 's/^Implementation-Version: *\([^[:space:]]*\).*/\1/p')}"
[[ -n "$version" ]] || { echo "release: no version given and none in the jar's manifest" >&2; exit 1; }
commit="$(git -C "$root" rev-parse --short=12 HEAD 2>/dev/null || true)"
if [[ -n "$commit" && -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
  commit="$commit-modified"
fi
name="bastion-$version-linux-x64"
work="$target/release"
stage="$work/$name"
archive="$target/$name.tar.gz"
rm -rf "$work" "$archive"
mkdir -p "$stage/bin" "$stage/lib"

# Every third-party jar must be named in NOTICE with its licence: a new dependency fails the release until it is.
missing=()
for lib in "$target"/lib/*.jar; do
  base="$(basename "$lib" .jar)"
  [[ "$base" == bastion-* ]] && continue
  artifact="${base%%-[0-9]*}"
  grep -q ":$artifact:${base#"$artifact"-} " "$root/NOTICE" || missing+=("$base")
done
if (( ${#missing[@]} )); then
  echo "release: NOTICE does not list these runtime jars (add groupId:artifactId:version and licence): ${missing[*]}" >&2
  exit 1
fi

echo "release: modules the jars need (jdeps)..." >&2
modules="$("$JAVA_HOME/bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps \
  --class-path "$target/lib/*" "$jar" "$target"/lib/*.jar 2>/dev/null | tail -n 1)"
[[ "$modules" == java.base* ]] || { echo "release: jdeps did not print a module list: $modules" >&2; exit 1; }
# Not visible to jdeps: the Vector API (added at run time by bin/bastion for serve/chat/generate), elliptic-curve
# TLS, zip file systems, extra charsets for scanned files, and the JVM's own metrics.
modules="$modules,jdk.incubator.vector,jdk.crypto.ec,jdk.zipfs,jdk.charsets,jdk.management"
echo "release: jlink --add-modules $modules" >&2
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=zip-6 --output "$stage/runtime"

cp "$jar" "$stage/bastion.jar"
if [[ -n "$commit" ]]; then
  printf 'Bastion-Commit: %s\n' "$commit" > "$work/commit.mf"
  "$JAVA_HOME/bin/jar" --update --file "$stage/bastion.jar" --manifest "$work/commit.mf"
fi
cp "$target"/lib/*.jar "$stage/lib/"

# Native libraries for other systems: ONNX Runtime, the tokenizers, SQLite and JNA each carry every platform's.
thin() { # jar, then zip patterns to delete; a pattern that matches nothing is fine
  local file="$1"; shift
  [[ -f "$file" ]] || return 0
  zip -q -d "$file" "$@" >/dev/null 2>&1 || [[ $? -eq 12 ]] # 12: nothing matched
}
thin "$stage"/lib/onnxruntime-*.jar 'ai/onnxruntime/native/osx-*' 'ai/onnxruntime/native/win-*' \
  'ai/onnxruntime/native/linux-aarch64/*'
thin "$stage"/lib/tokenizers-*.jar 'native/lib/osx-*' 'native/lib/win-*' 'native/lib/linux-aarch64/*'
thin "$stage"/lib/sqlite-jdbc-*.jar 'org/sqlite/native/Windows/*' 'org/sqlite/native/Mac/*' \
  'org/sqlite/native/FreeBSD/*' 'org/sqlite/native/Linux-Android/*' 'org/sqlite/native/Linux/[!x]*' \
  'org/sqlite/native/Linux/x86/*' 'org/sqlite/native/Linux-Musl/[!x]*' 'org/sqlite/native/Linux-Musl/x86/*'
thin "$stage"/lib/jna-*.jar 'com/sun/jna/win32-*' 'com/sun/jna/darwin-*' 'com/sun/jna/aix-*' 'com/sun/jna/sunos-*' \
  'com/sun/jna/freebsd-*' 'com/sun/jna/openbsd-*' 'com/sun/jna/dragonflybsd-*' \
  'com/sun/jna/linux-[!x]*' 'com/sun/jna/linux-x86/*'

install -m 0755 "$root/packaging/bastion-launcher.sh" "$stage/bin/bastion"
install -m 0644 "$root/packaging/local-models.sh" "$stage/lib/local-models.sh"
cp "$root/LICENSE" "$root/NOTICE" "$root/README.md" "$stage/"

# AOT caches (JEP 483, made the one-step way of JEP 514, with JEP 515's method profiles): one training run of each
# kind of start, through bin/bastion itself so the JVM options match. serve: packaging/aot-train.sh (start on a fresh
# data directory, wait until /readyz answers, ask /v1/models, stop; the cache is written at exit), also used by
# ./bastion in a source checkout. engine: the same with the Vector API module. cli: one command that loads the config
# and the store.
echo "release: AOT cache training runs (about a minute)..." >&2
train="$work/train"
mkdir -p "$train"
env -i PATH=/usr/bin:/bin HOME="$train" BASTION_JAVA_OPTS="-XX:AOTCacheOutput=$stage/lib/cli.aot" \
  "$stage/bin/bastion" keys list --data-dir "$train/data" >"$train/cli.out" 2>"$train/cli.err" \
  || { echo "release: the cli training run failed:" >&2; cat "$train/cli.err" >&2; exit 1; }
env -i PATH=/usr/bin:/bin "$root/packaging/aot-train.sh" "$stage/lib/serve.aot" "$stage/bin/bastion" \
  || { echo "release: the serve training run failed" >&2; exit 1; }
# engine: the same run with the Vector API module, which bin/bastion adds for chat, generate and serve with local
# models; the JVM refuses a cache made with other modules, and keeps no linked classes in one made with this one.
# Without the warm-up requests (their upstream is not a local model; ~2 MB of the archive's headroom each).
env -i PATH=/usr/bin:/bin BASTION_AOT_WARM_UP_REQUESTS=0 BASTION_JAVA_OPTS="--add-modules jdk.incubator.vector" "$root/packaging/aot-train.sh" \
  "$stage/lib/engine.aot" "$stage/bin/bastion" || { echo "release: the engine training run failed" >&2; exit 1; }
for cache in cli serve engine; do
  [[ -s "$stage/lib/$cache.aot" ]] || { echo "release: lib/$cache.aot was not written" >&2; exit 1; }
done
rm -f "$stage"/lib/*.aot.config
printf '%s\n' "$version${commit:+ ($commit)}" > "$stage/VERSION"

# gzip -9: about 0.5% smaller than the default -6 with three AOT caches inside (149.6 against 150.2 MB), for a
# minute more of build time.
tar -C "$work" --owner=0 --group=0 --numeric-owner -cf - "$name" | gzip -9 > "$archive"
size_mb=$(( ($(stat -c %s "$archive") + 524287) / 1048576 ))
echo "release: $archive ($size_mb MiB; unpacked $(du -sm "$stage" | cut -f1) MiB, runtime $(du -sm "$stage/runtime" | cut -f1) MiB)" >&2
