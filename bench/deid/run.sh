#!/usr/bin/env bash
# De-identification on the Adult census extract (32,561 rows): bastion deid risk with 6 quasi-identifiers and
# bastion deid anonymize --k 5 with the six hierarchies in bench/deid/hierarchies/adult, each run ROUNDS times in a
# fresh JVM; prints the wall-clock median and the command's own timing lines.
#   bench/deid/run.sh [ROUNDS] [EVAL_DATA_DIR]      (defaults: 5, ../shared/eval-data beside the repository)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
rounds="${1:-5}"
data="${2:-$root/../shared/eval-data}"
adult="$data/tabular_fairness_adult_german_compas/fairness__data__raw__adult.csv"
JAVA_HOME="$(bash -c 'source <(sed -n "/^java_major/,/^}/p;/^find_jdk/,/^}/p" ./bastion); find_jdk')"
export JAVA_HOME
./mvnw -B -q -DskipTests package -pl app -am >&2
bastion=("$JAVA_HOME/bin/java" -jar app/target/bastion.jar)
qi=age,sex,race,marital-status,education,native-country
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

run() { # name, then the command; prints wall seconds of each round on stdout, the last round's output on stderr
  local name="$1"; shift
  for i in $(seq "$rounds"); do
    local s e
    s=$(date +%s.%N)
    "$@" >"$out/$name.out" 2>"$out/$name.err"
    e=$(date +%s.%N)
    echo "$e - $s" | bc
  done
}

echo "# machine: $(nproc) cores, $(uname -r); java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
echo "# rounds: $rounds, fresh JVM each (wall time includes JVM start and reading the CSV)"
risk=$(run risk "${bastion[@]}" deid risk --data "$adult" --qi "$qi" --sensitive income-per-year --sampling-fraction 0.01 | median)
echo "deid risk, 6 QIs: median wall ${risk} s"; sed 's/^/  /' "$out/risk.out" "$out/risk.err"
anon=$(run anon "${bastion[@]}" deid anonymize --data "$adult" --qi "$qi" --k 5 --suppress 5% \
  --hierarchies bench/deid/hierarchies/adult --out "$out/adult-k5.csv" | median)
echo "deid anonymize --k 5, 6 hierarchies: median wall ${anon} s"; sed 's/^/  /' "$out/anon.out" "$out/anon.err"
