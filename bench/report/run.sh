#!/usr/bin/env bash
# bastion report over an audit log of N records (default 1,000,000): time and peak memory of each report kind and
# of verify-report, with the heap capped to show the memory is bounded.
#   bench/report/run.sh [RECORDS] [HEAP] [DIR]     (defaults: 1000000, 256m, a new folder in the system temp dir)
# The log is written through the audit module's own writer (dev.bastion.bench.ReportLogBench), fsync'ed and signed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
records="${1:-1000000}"
heap="${2:-256m}"
work="${3:-$(mktemp -d "${TMPDIR:-/tmp}/bastion-report-bench.XXXXXX")}"
JAVA_HOME="$(bash -c 'source <(sed -n "/^java_major/,/^}/p;/^find_jdk/,/^}/p" ./bastion); find_jdk')"
export JAVA_HOME
./mvnw -B -q -DskipTests package -pl app,bench -am >&2
java="$JAVA_HOME/bin/java"
if [ ! -d "$work/data/audit" ]; then
  "$java" -cp "bench/target/classes:app/target/lib/*" \
    dev.bastion.bench.ReportLogBench "$work/data" "$records"
fi
du -sh "$work/data/audit" | sed 's/^/RESULT log size: /'
run() {
  local label="$1"; shift
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$java" -Xmx"$heap" --add-modules jdk.incubator.vector \
    -jar app/target/bastion.jar "$@" --data-dir "$work/data" >"$work/out.txt" 2>"$work/err.txt" || {
      cat "$work/err.txt" >&2; exit 1; }
  read -r seconds kb <"$work/time.txt"
  echo "RESULT $label: ${seconds} s, peak RSS $((kb / 1024)) MiB (-Xmx$heap); $(tail -1 "$work/out.txt")"
}
for kind in processing dpia ai-act hipaa; do
  run "report $kind" report "$kind" --out "$work/out"
done
run "audit verify-report (md)" audit verify-report "$work/out/bastion-report-dpia.md"
run "audit verify-report (json)" audit verify-report "$work/out/bastion-report-dpia.json"
echo "work dir: $work (remove it when done)" >&2
