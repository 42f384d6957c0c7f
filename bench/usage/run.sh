#!/usr/bin/env bash
# The console's usage page over a million usage rows in the embedded SQLite store: time of one page (count plus 50
# rows) for the first, a deep, the last and filtered pages (dev.bastion.bench.UsagePageBench; issue 20's "under 1 s
# with 1M usage rows").
#   bench/usage/run.sh [DIR]     (default: a new folder in the system temp dir; an existing store is reused)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
work="${1:-$(mktemp -d "${TMPDIR:-/tmp}/bastion-usage-bench.XXXXXX")}"
JAVA_HOME="$(bash -c 'source <(sed -n "/^java_major/,/^}/p;/^find_jdk/,/^}/p" ./bastion); find_jdk')"
export JAVA_HOME
./mvnw -B -q -DskipTests package -pl app,bench -am >&2
"$JAVA_HOME/bin/java" -cp "bench/target/classes:app/target/lib/*" dev.bastion.bench.UsagePageBench "$work"
