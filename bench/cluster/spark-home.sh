#!/usr/bin/env bash
# Lays out a Spark 4.2.0 home for bench/cluster/spark-submit.sh where no Spark distribution can be downloaded (only
# Maven Central is reachable here, and PyPI's pyspark, which carries one, is not): the jars of
# org.apache.spark:spark-sql_2.13:4.2.0 and its dependencies from Maven Central in DIR/jars, a RELEASE file (Spark's
# launcher then takes DIR/jars as the class path of the executors a Worker starts), and two small launchers of our
# own in DIR/bin: spark-class (runs Spark's launcher library, org.apache.spark.launcher.Main, which prints the java
# command with Spark's JVM options, then runs that command) and spark-submit (spark-class SparkSubmit).
#
#   bench/cluster/spark-home.sh DIR        then: SPARK_HOME=DIR bench/cluster/spark-submit.sh local
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
home="${1:?usage: bench/cluster/spark-home.sh DIR}"
mkdir -p "$home/bin" "$home/conf" "$home/jars"
home="$(cd "$home" && pwd)"
pom="$(mktemp -d)"
trap 'rm -rf "$pom"' EXIT
cat > "$pom/pom.xml" <<'XML'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local</groupId><artifactId>spark-home</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.spark</groupId><artifactId>spark-sql_2.13</artifactId><version>4.2.0</version></dependency>
  </dependencies>
</project>
XML
"$root/mvnw" -B -q -f "$pom/pom.xml" dependency:copy-dependencies -DoutputDirectory="$home/jars"
echo "Spark 4.2.0 (org.apache.spark:spark-sql_2.13:4.2.0 and its dependencies from Maven Central)" > "$home/RELEASE"

cat > "$home/bin/spark-class" <<'SH'
#!/usr/bin/env bash
# spark-class CLASS ARGS...: asks Spark's launcher library for the command that runs CLASS (java, class path, Spark's
# JVM options, memory), then runs it. The launcher writes what it has to say first, then a NUL and a newline, then
# the command's words each ended by a NUL; its own exit status follows, ended by a NUL.
set -euo pipefail
export SPARK_HOME="${SPARK_HOME:-$(cd "$(dirname "$0")/.." && pwd)}"
export SPARK_SCALA_VERSION=2.13 SPARK_CONF_DIR="${SPARK_CONF_DIR:-$SPARK_HOME/conf}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
words=()
started=false
while IFS= read -r -d '' word; do
  if ! $started; then
    printf '%s' "$word" # the launcher's messages, before the command
    started=true
    continue
  fi
  words+=("${word#$'\n'}")
done < <("$java" -Xmx128m -cp "$SPARK_HOME/jars/*" org.apache.spark.launcher.Main "$@"; printf '%d\0' $?)
[[ ${#words[@]} -gt 0 ]] || { echo "spark-class: Spark's launcher failed" >&2; exit 1; }
status="${words[-1]}"
unset 'words[-1]'
[[ "$status" == 0 ]] || exit "$status"
exec "${words[@]}"
SH
cat > "$home/bin/spark-submit" <<'SH'
#!/usr/bin/env bash
# spark-submit ARGS...: Spark's SparkSubmit through spark-class.
exec "$(dirname "$0")/spark-class" org.apache.spark.deploy.SparkSubmit "$@"
SH
chmod +x "$home/bin/spark-class" "$home/bin/spark-submit"
echo "bench: $home holds $(ls "$home/jars" | wc -l) jars; SPARK_HOME=$home $home/bin/spark-submit --version" >&2
