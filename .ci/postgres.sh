#!/usr/bin/env bash
# Installs (if needed) and starts a local PostgreSQL for the store tests, creates role and database "bastion",
# and prints the environment the tests read (eval "$(.ci/postgres.sh)"). Everything else goes to stderr.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  echo "postgres.sh: installing postgresql" >&2
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi
version="$(ls /usr/lib/postgresql | sort -V | tail -n1)"
if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -q "^$version main$"; then
  pg_createcluster "$version" main >&2
fi
pg_ctlcluster "$version" main start >&2 2>/dev/null || true
for _ in $(seq 1 60); do
  if su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1; then break; fi
  sleep 1
done
port="$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')"
su postgres -c "psql -qAt -p $port" >&2 <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bastion') THEN
    CREATE ROLE bastion LOGIN PASSWORD 'bastion';
  END IF;
END $$;
SELECT 'CREATE DATABASE bastion_test OWNER bastion' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'bastion_test')\gexec
SQL
echo "export BASTION_TEST_PG_URL=jdbc:postgresql://127.0.0.1:$port/bastion_test"
echo "export BASTION_TEST_PG_USER=bastion"
echo "export BASTION_TEST_PG_PASSWORD=bastion"
