#!/bin/sh
# bin/bastion of the release archive: runs Bastion on the Java runtime bundled beside it (no JDK needed).
#   bin/bastion serve        run the gateway (127.0.0.1:8080, data in ~/.bastion)
#   bin/bastion --help       every command
# BASTION_JAVA_OPTS adds JVM options (for example -Xmx4g).
set -eu
self="$0"
if command -v readlink >/dev/null 2>&1; then
  self="$(readlink -f "$0")" # a symlink such as /usr/local/bin/bastion finds the installation
fi
home="$(cd "$(dirname "$self")/.." && pwd)"
java="$home/runtime/bin/java"
if [ ! -x "$java" ]; then
  echo "bastion: the bundled runtime is missing ($java); unpack the whole archive again" >&2
  exit 1
fi
# The engine's kernels use the incubating Vector API; the JVM warns whenever that module is added, so it is added
# only for the commands that can run the engine (serve loads local models, chat and generate run them).
# lib/serve.aot and lib/cli.aot are AOT caches (JEP 483) made when the archive was built: classes already loaded and
# linked, a third less CPU to start. A cache this JVM cannot use (other GC or heap flags in BASTION_JAVA_OPTS) is
# skipped silently; the logging flags keep its warnings off standard output, where JSON results go.
case "${1:-}" in
  serve|chat|generate) engine="--add-modules jdk.incubator.vector"; cache="$home/lib/serve.aot" ;;
  *) engine=""; cache="$home/lib/cli.aot" ;;
esac
aot=""
if [ -f "$cache" ]; then
  aot="-XX:AOTCache=$cache -Xlog:aot=off -Xlog:cds=off"
fi
# shellcheck disable=SC2086 # engine, aot and BASTION_JAVA_OPTS are lists of options
exec "$java" $engine $aot --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  ${BASTION_JAVA_OPTS:-} -jar "$home/bastion.jar" "$@"
