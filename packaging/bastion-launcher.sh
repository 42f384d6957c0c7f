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

# serve_runs_local_models ARGS...: lib/local-models.sh
. "$home/lib/local-models.sh"

# The engine's kernels use the incubating Vector API. The module is added only for the commands that run the engine:
# chat, generate, and serve with local models. Two reasons: the JVM warns whenever it is added, and with an incubator
# module resolved the JVM cannot use an AOT cache's linked classes and archived lambdas (JEP 483 needs the archived
# module graph, which is never kept with incubator modules), about a third of the CPU time of a start.
# BASTION_JAVA_OPTS="--add-modules jdk.incubator.vector" adds it to any command.
# lib/serve.aot, lib/engine.aot and lib/cli.aot are AOT caches (JEP 483/514/515) made when the archive was built, for
# serve without the module, the engine's commands with it, and every other command. A cache this JVM cannot use
# (other GC or heap flags in BASTION_JAVA_OPTS) is skipped silently; the logging flags keep its warnings off standard
# output, where JSON results go. An -XX:AOT... option in BASTION_JAVA_OPTS replaces the cache.
engine=no
case "${1:-}" in
  chat|generate) engine=yes ;;
  serve) serve_runs_local_models "$@" && engine=yes ;;
esac
modules=""
case "${BASTION_JAVA_OPTS:-}" in
  *jdk.incubator.vector*) engine=yes ;; # added there
  *) if [ "$engine" = yes ]; then modules="--add-modules jdk.incubator.vector"; fi ;;
esac
# The engine's JIT limits (lib/local-models.sh says why).
jit=""
if [ "$engine" = yes ]; then jit="$ENGINE_JIT_OPTS"; fi
if [ "$engine" = yes ]; then
  cache="$home/lib/engine.aot"
elif [ "${1:-}" = serve ]; then
  cache="$home/lib/serve.aot"
else
  cache="$home/lib/cli.aot"
fi
aot=""
case "${BASTION_JAVA_OPTS:-}" in
  *-XX:AOT*) ;;
  *) if [ -f "$cache" ]; then aot="-XX:AOTCache=$cache -Xlog:aot*=off -Xlog:cds*=off"; fi ;;
esac
# chat and generate: the serial collector (one user, one model; G1 grew a cold generate's heap to two to four
# times its live set: docs/benchmarks.md, round nine), with a young generation of 24 MB (the default one, about
# 120 MB, was all resident: round ten). A GC option in BASTION_JAVA_OPTS replaces both.
gc=""
case "${1:-}" in
  chat|generate) case "${BASTION_JAVA_OPTS:-}" in *-XX:+Use*GC*) ;; *) gc="-XX:+UseSerialGC -Xmn24m" ;; esac ;;
esac
# shellcheck disable=SC2086 # modules, jit, gc, aot and BASTION_JAVA_OPTS are lists of options
exec "$java" $modules $jit $gc $aot --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  ${BASTION_JAVA_OPTS:-} -jar "$home/bastion.jar" "$@"
