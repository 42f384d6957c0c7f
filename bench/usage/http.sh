#!/usr/bin/env bash
# The console's usage page over HTTP, as a browser gets it, with a million usage rows: `bastion serve` on a data
# directory whose store bench/usage/run.sh filled, a console login with the admin key, then the time curl measures
# for whole pages (store query, template, HTTP round trip): first, page 10,000, the last page, a filtered page and a
# deep page of one key, five times each, median printed (issue 20's "under 1 s with 1M usage rows").
#   bench/usage/run.sh DIR && bench/usage/http.sh DIR
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
work="${1:?usage: bench/usage/http.sh DIR (filled by bench/usage/run.sh DIR)}"
test -f "$work/bastion.db" || { echo "no store in $work: run bench/usage/run.sh $work first" >&2; exit 2; }
JAVA_HOME="$(bash -c 'source <(sed -n "/^java_major/,/^}/p;/^find_jdk/,/^}/p" ./bastion); find_jdk')"
export JAVA_HOME
./mvnw -B -q -DskipTests package -pl app -am >&2
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -jar app/target/bastion.jar serve --data-dir "$work" \
  --port 0 >"$work/serve.out" 2>"$work/serve.err" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
console=""
for _ in $(seq 1 600); do
  console="$(grep -o 'admin console on http://[0-9.:]*' "$work/serve.err" | sed 's/admin console on //' || true)"
  [ -n "$console" ] && grep -q '^listening' "$work/serve.out" && break
  sleep 0.1
done
[ -n "$console" ] || { echo "the console did not start; see $work/serve.err" >&2; exit 1; }
jar="$(mktemp)"
csrf="$(curl -s -c "$jar" "$console/login" | grep -o 'name="_csrf" value="[^"]*"' | head -n1 | sed 's/.*value="//; s/"$//')"
status="$(curl -s -b "$jar" -c "$jar" -H "Origin: $console" --data-urlencode "_csrf=$csrf" \
  --data-urlencode "key=$(tr -d '\n' < "$work/admin.key")" -o /dev/null -w '%{http_code}' "$console/login")"
[ "$status" = 303 ] || { echo "login answered $status" >&2; exit 1; }
for query in "page=1" "page=10000" "page=20000" "tenant=tenant-3&model=model-7&from=2025-01-01&to=2025-03-31" \
    "key=key_5_5&page=100"; do
  times=()
  for _ in 1 2 3 4 5; do
    times+=("$(curl -s -b "$jar" -o "$work/page.html" -w '%{time_total}' "$console/usage?$query")")
  done
  rows="$(grep -c '<tr' "$work/page.html" || true)"
  median="$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)"
  printf 'RESULT /usage?%s: median %.1f ms over 5 (min %.1f, max %.1f), %s table rows in the page\n' "$query" \
    "$(echo "$median" | awk '{print $1*1000}')" "$(printf '%s\n' "${times[@]}" | sort -n | head -n1 | awk '{print $1*1000}')" \
    "$(printf '%s\n' "${times[@]}" | sort -n | tail -n1 | awk '{print $1*1000}')" "$rows"
done
