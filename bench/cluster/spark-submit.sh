#!/usr/bin/env bash
# bastion-spark.jar through a real spark-submit (issue 21), checked against the single node.
#
#   bench/cluster/spark-submit.sh MODE [ROWS]      (default 2,000 rows)
#     MODE local        spark-submit --master local[2], the vault in SQLite
#     MODE local-pg     spark-submit --master local[2], the vault in PostgreSQL (the test server of .ci/postgres.sh)
#     MODE standalone   a standalone cluster on loopback (one Master, one Worker with 2 cores, started here with
#                       spark-class), spark-submit --master spark://127.0.0.1:7077, the vault in PostgreSQL
#
# It writes a CSV (id, text) with planted e-mail addresses, UK phone numbers, German IBANs and names that recur
# across rows, rewrites the text column with `bastion redact --operator hash` (the single node, one line per row),
# then runs `RedactJob redact --operator pseudonymise` on the same CSV with the same keys through spark-submit, and
# checks: every row's text equals the single node's (by id), the report's row count, and the vault: as many rows as
# distinct surrogates in the single node's output, no (type, value) or surrogate twice.
# Prints one RESULT line; exits non-zero on a difference.
#
# Needs: SPARK_HOME, a Spark 4.2 distribution (bin/spark-submit, bin/spark-class, jars/: see docs/scale-out.md for
# the one assembled here), python3, the runnable jar (./bastion builds it) and spark/target/bastion-spark.jar
# (./mvnw -B -q -DskipTests package -pl spark -am), and for the PostgreSQL modes .ci/postgres.sh and psql.
# The input is split into partitions of PARTITION_BYTES (default 16 KiB: 2,000 rows make about 12), so that values
# recur across partitions and tasks write the same vault rows concurrently.
# Loopback only; not run by CI (it needs a Spark distribution and takes minutes).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
mode="${1:?usage: bench/cluster/spark-submit.sh local|local-pg|standalone [ROWS]}"
rows="${2:-2000}"
case "$mode" in local|local-pg|standalone) ;; *) echo "bench: unknown mode $mode" >&2; exit 2 ;; esac
: "${SPARK_HOME:?set SPARK_HOME to a Spark 4.2 distribution}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
jar="${SPARK_JOB_JAR:-$root/spark/target/bastion-spark.jar}"
[[ -f "$jar" ]] || { echo "bench: $jar is missing (./mvnw -B -q -DskipTests package -pl spark -am)" >&2; exit 1; }
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; [[ -n "${KEEP:-}" ]] || rm -rf "$work"; }
trap cleanup EXIT
[[ -z "${KEEP:-}" ]] || echo "bench: work directory $work" >&2
export SPARK_LOCAL_IP=127.0.0.1 SPARK_LOG_DIR="$work/logs" SPARK_WORKER_DIR="$work/worker"

# 1. The input: ROWS rows, seeded, values from small pools so that each recurs in many rows and partitions.
python3 - "$work/in.csv" "$rows" <<'PY'
import csv, random, sys
out, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(20261206)
first = ["Maria", "James", "Olivia", "Henrik", "Aisha", "Thomas", "Sofia", "Daniel", "Chloe", "Lukas", "Fatima", "Emma"]
last = ["Schneider", "Johnson", "Fernandez", "Kowalski", "Okafor", "Lindqvist", "Moreau", "Brennan", "Nakamura", "Rossi"]
def iban(account):
    bban = "37040044" + "%010d" % (532013000 + account * 7919)
    check = 98 - int(bban + "131400") % 97
    compact = "DE%02d" % check + bban
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "text"])
    for i in range(n):
        fn, ln = rnd.choice(first), rnd.choice(last)
        name = fn + " " + ln
        email = "%s.%s%d@mail-%d.com" % (fn.lower(), ln.lower(), rnd.randrange(40), rnd.randrange(5))
        phone = "+44 20 7946 %04d" % rnd.randrange(300)
        k = rnd.randrange(5)
        text = ["Please call %s on %s or write to %s." % (name, phone, email),
                "Refund order %d to IBAN %s held by %s." % (1000 + rnd.randrange(9000), iban(rnd.randrange(400)), name),
                "Customer %s changed the e-mail address to %s yesterday." % (name, email),
                "Delivery window moved to Tuesday; nothing else changed on order %d." % rnd.randrange(100000),
                "From %s: my phone is %s, account %s. Regards, %s." % (email, phone, iban(rnd.randrange(400)), fn)][k]
        w.writerow([i, text])
PY

# 2. The single node: the text column, one line per row, through `bastion redact --operator hash`.
python3 -c 'import csv,sys; r=csv.reader(open(sys.argv[1])); next(r); [print(row[1]) for row in r]' "$work/in.csv" > "$work/text.txt"
[[ -f "$root/app/target/bastion.jar" ]] || (cd "$root" && ./bastion --version >/dev/null)
t0=$(date +%s.%N)
"$JAVA_HOME/bin/java" -jar "$root/app/target/bastion.jar" redact --data-dir "$work/node" --operator hash "$work/text.txt" \
  > "$work/node.txt" 2>"$work/node.err" || [[ $? -eq 1 ]] # exit 1: something was found
single_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')

# 3. The vault.
schema=""
if [[ "$mode" == local ]]; then
  vault="jdbc:sqlite:$work/vault.db"
else
  eval "$(cd "$root" && .ci/postgres.sh 2>/dev/null)"
  schema="spark_$(date +%s)"
  pg_host_port="${BASTION_TEST_PG_URL#jdbc:postgresql://}"; pg_host_port="${pg_host_port%%/*}"
  PGPASSWORD="$BASTION_TEST_PG_PASSWORD" psql -qAt -h "${pg_host_port%:*}" -p "${pg_host_port#*:}" -U "$BASTION_TEST_PG_USER" \
    -d bastion_test -c "CREATE SCHEMA $schema"
  # The password from a pgpass file (pgjdbc reads PGPASSFILE), never in the URL that travels with every task.
  printf '%s:%s:bastion_test:%s:%s\n' "${pg_host_port%:*}" "${pg_host_port#*:}" "$BASTION_TEST_PG_USER" \
    "$BASTION_TEST_PG_PASSWORD" > "$work/pgpass"
  chmod 600 "$work/pgpass"
  export PGPASSFILE="$work/pgpass"
  vault="$BASTION_TEST_PG_URL?user=$BASTION_TEST_PG_USER&currentSchema=$schema"
fi
psql_q() { PGPASSWORD="$BASTION_TEST_PG_PASSWORD" psql -qAt -h "${pg_host_port%:*}" -p "${pg_host_port#*:}" \
  -U "$BASTION_TEST_PG_USER" -d bastion_test -c "$1"; }

# 4. The cluster, for standalone: one Master and one Worker (2 cores) on loopback.
master="local[2]"
if [[ "$mode" == standalone ]]; then
  mkdir -p "$work/logs" "$work/worker"
  "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port 7077 --webui-port 18480 \
    >"$work/logs/master.out" 2>&1 & pids+=($!)
  for _ in $(seq 1 120); do grep -q "I have been elected leader" "$work/logs/master.out" 2>/dev/null && break; sleep 1; done
  "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 2 --memory 2g \
    --work-dir "$work/worker" --webui-port 18481 spark://127.0.0.1:7077 >"$work/logs/worker.out" 2>&1 & pids+=($!)
  for _ in $(seq 1 120); do grep -q "Successfully registered with master" "$work/logs/worker.out" 2>/dev/null && break; sleep 1; done
  grep -q "Successfully registered with master" "$work/logs/worker.out" || { echo "bench: the Worker did not register" >&2; tail -n 20 "$work/logs/worker.out" >&2; exit 1; }
  master="spark://127.0.0.1:7077"
fi

# 5. The job, through spark-submit.
t0=$(date +%s.%N)
set +e
"$SPARK_HOME/bin/spark-submit" --master "$master" --class dev.bastion.spark.RedactJob \
  --conf spark.ui.enabled=false --conf spark.driver.host=127.0.0.1 \
  --conf spark.sql.files.maxPartitionBytes="${PARTITION_BYTES:-16384}" --driver-memory 1g --executor-memory 1g \
  "$jar" redact --input "$work/in.csv" --columns text --output "$work/out" --operator pseudonymise \
  --keys "$work/node/keys" --vault "$vault" >"$work/submit.out" 2>"$work/submit.err"
rc=$?
set -e
spark_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
if [[ $rc -ne 0 ]]; then
  echo "bench: spark-submit exited $rc; its last lines:" >&2
  grep -v '^\s*at ' "$work/submit.err" | tail -n 25 >&2
  exit 1
fi

# 6. The checks.
if [[ "$mode" == local ]]; then
  vault_counts="$(python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print("|".join(str(x) for x in c.execute(
    "select count(*), count(distinct surrogate), count(distinct entity_type || value_mac) from bastion_spark_vault").fetchone()))' "$work/vault.db")"
else
  vault_counts="$(psql_q "select count(*), count(distinct surrogate), count(distinct (entity_type, value_mac)) from $schema.bastion_spark_vault")"
  psql_q "DROP SCHEMA $schema CASCADE" >/dev/null 2>&1
fi
python3 - "$work" "$vault_counts" "$mode" "$rows" "$single_s" "$spark_s" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY'
import csv, glob, json, os, re, sys
work, vault, mode, rows, single_s, spark_s, load = sys.argv[1:8]
node = open(os.path.join(work, "node.txt")).read().split("\n")[:int(rows)]
spark = {}
for part in sorted(glob.glob(os.path.join(work, "out", "part-*"))):
    with open(part, newline="") as f:
        r = csv.reader(f)
        next(r)
        for row in r:
            spark[int(row[0])] = row[1]
differ = [i for i in range(int(rows)) if spark.get(i) != node[i]]
surrogates = set(re.findall(r"<[A-Z_]+:[0-9a-f]{16}>", "\n".join(node)))
v_rows, v_surr, v_pairs = (int(x) for x in vault.split("|"))
report = json.load(open(os.path.join(work, "out", "_bastion_report.json")))
ok = not differ and len(spark) == int(rows) and v_rows == v_surr == v_pairs == len(surrogates)
parts = len(glob.glob(os.path.join(work, "out", "part-*")))
print("RESULT spark-submit %s: %d rows in %d partitions, %d differ from the single node, %d rows in the output, report rows %s; "
      "vault %d rows, %d distinct surrogates, %d distinct (type, value), single node %d distinct surrogates; "
      "spark-submit %s s, single node %s s, load %s: %s" % (mode, int(rows), parts, len(differ), len(spark), report.get("rows"),
      v_rows, v_surr, v_pairs, len(surrogates), spark_s, single_s, load, "identical" if ok else "DIFFERENT"))
if differ:
    print("first differing ids: %s" % differ[:5])
sys.exit(0 if ok else 1)
PY
