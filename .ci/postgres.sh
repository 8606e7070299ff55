#!/usr/bin/env bash
# Starts (or reuses) a throw-away PostgreSQL server for phiguard-store's tests, on 127.0.0.1.
#
#   eval "$(bash .ci/postgres.sh)"      # exports PHIGUARD_TEST_DATABASE_URL
#
# - Installs Debian's PostgreSQL with apt-get when no server binaries are found.
# - Keeps its own cluster under $PHIGUARD_PG_DIR (default /var/tmp/phiguard-postgres-<uid>), port
#   $PHIGUARD_PG_PORT (default 54329), so it never touches a system cluster.
# - initdb refuses to run as root: as root the cluster is owned by and run as `postgres`.
# - Creates the role `phiguard` (password `phiguard`) and the database `phiguard_test`; each
#   test creates its own schema in it, so tests run in parallel.
# Progress goes to standard error; standard output is only the `export` line.
set -euo pipefail

port="${PHIGUARD_PG_PORT:-54329}"
dir="${PHIGUARD_PG_DIR:-/var/tmp/phiguard-postgres-$(id -u)}"
url="postgres://phiguard:phiguard@127.0.0.1:${port}/phiguard_test"
log() { printf 'postgres.sh: %s\n' "$*" >&2; }

find_bin() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; fi
}

bin="$(find_bin)"
if [ -z "$bin" ]; then
  log "no PostgreSQL server found; installing Debian's postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  bin="$(find_bin)"
  if [ -z "$bin" ]; then
    log "apt-get installed postgresql but no /usr/lib/postgresql/*/bin/initdb exists"
    exit 1
  fi
fi

# As root, run the server tools as `postgres` (initdb and postgres refuse root).
if [ "$(id -u)" = 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    log "creating the postgres system user"
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi

mkdir -p "$dir"
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$dir"
fi
chmod 700 "$dir"
data="$dir/data"

if [ ! -s "$data/PG_VERSION" ]; then
  log "initdb $data"
  pw="$(mktemp)"
  echo postgres >"$pw"
  [ "$(id -u)" = 0 ] && chown postgres: "$pw"
  as_pg "$bin/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --pwfile="$pw" -E UTF8 --locale=C >&2
  rm -f "$pw"
fi

if as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  log "server already running on 127.0.0.1:$port"
else
  log "starting the server on 127.0.0.1:$port"
  as_pg "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c max_connections=300 -c fsync=off" \
    start >&2 || { cat "$dir/server.log" >&2; exit 1; }
fi

psql_pg() { as_pg env PGOPTIONS="-c client_min_messages=warning" "$bin/psql" -h "$dir" -p "$port" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
if [ "$(psql_pg -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname = 'phiguard'")" != 1 ]; then
  psql_pg -d postgres -c "CREATE ROLE phiguard LOGIN PASSWORD 'phiguard'" >&2
fi
if [ "$(psql_pg -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'phiguard_test'")" != 1 ]; then
  psql_pg -d postgres -c "CREATE DATABASE phiguard_test OWNER phiguard" >&2
fi
# Leftover schemas of earlier runs (tests drop their own; a killed run leaves some).
psql_pg -d phiguard_test -c "DO \$\$ DECLARE s text; BEGIN
  FOR s IN SELECT nspname FROM pg_namespace WHERE nspname LIKE 'phiguard_t_%' LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', s);
  END LOOP; END \$\$" >&2

log "ready: $url"
echo "export PHIGUARD_TEST_DATABASE_URL=$url"
