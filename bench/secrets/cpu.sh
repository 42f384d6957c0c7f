#!/usr/bin/env bash
# Thread CPU per line of two packaged builds' secrets scanners on the same folders, alternating, ROUNDS times:
#   A=path/to/app/target  B=path/to/other/app/target  bench/secrets/cpu.sh FOLDER...
# Each of A and B is a folder holding bastion.jar and lib/ (./mvnw -B -q -DskipTests package, then copy app/target).
set -euo pipefail
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
for round in $(seq 1 "${ROUNDS:-3}"); do
  for side in A B; do
    dir=${!side}
    cp=$(ls "$dir"/lib/*.jar | tr '\n' ':')
    echo "round $round $side ($dir): $("$JAVA" -cp "$cp" bench/secrets/ScanCpu.java "$@")"
  done
done
