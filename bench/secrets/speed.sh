#!/usr/bin/env bash
# Scanner throughput of this checkout's guard module, and of OTHER_GUARD_JAR (e.g. main's
# app/target/lib/bastion-guard-*.jar) when given, on the same folders, alternating runs.
#   bench/secrets/speed.sh FOLDER...
set -euo pipefail
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
./mvnw -B -q -pl guard -am compile
# the guard module's dependencies, from the packaged app (./mvnw -B -q -DskipTests package -pl app -am first):
# dependency:build-classpath cannot resolve the sibling modules without `mvn install`, which this project avoids
deps=$(ls app/target/lib/*.jar | grep -v bastion-guard | tr '\n' ':')
here="guard/target/classes:$deps"
for round in 1 2; do
  if [ -n "${OTHER_GUARD_JAR:-}" ]; then
    echo "other ($OTHER_GUARD_JAR):"; nice "$JAVA" -cp "$OTHER_GUARD_JAR:$deps" bench/secrets/ScanSpeed.java "$@"
  fi
  echo "this checkout:"; nice "$JAVA" -cp "$here" bench/secrets/ScanSpeed.java "$@"
done
