#!/usr/bin/env bash
# Start a real PostgreSQL server for the opplus test suite and print its DSN.
#
# Usage (CI or a developer machine, as root or with sudo rights):
#
#     eval "$(.ci/postgres.sh)"          # exports OPPLUS_TEST_POSTGRES_DSN
#     uv run pytest -m postgres
#
# What it does, idempotently:
#   1. installs PostgreSQL with apt-get when no server binaries are found;
#   2. starts the Debian cluster (pg_ctlcluster), creating one if there is none;
#      without the Debian wrappers it runs initdb + pg_ctl in $OPPLUS_PG_DATA;
#   3. creates the role and database ``opplus_test`` (password ``opplus_test``);
#   4. prints ``export OPPLUS_TEST_POSTGRES_DSN=postgresql://...`` on stdout and, in
#      GitHub Actions, appends it to $GITHUB_ENV.
# Everything else goes to stderr, so ``eval`` sees only the export line.
#
# Environment: OPPLUS_PG_PORT (default 5432), OPPLUS_PG_DATA (fallback data directory,
# default /tmp/opplus-pg), OPPLUS_PG_PASSWORD (default opplus_test).
set -euo pipefail

PORT="${OPPLUS_PG_PORT:-5432}"
DATA="${OPPLUS_PG_DATA:-/tmp/opplus-pg}"
NAME="opplus_test"
PASSWORD="${OPPLUS_PG_PASSWORD:-opplus_test}"

say() { echo "postgres.sh: $*" >&2; }

as_postgres() {
    if [ "$(id -un)" = "postgres" ]; then
        "$@"
    elif [ "$(id -u)" = "0" ]; then
        su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    else
        sudo -u postgres "$@"
    fi
}

root() {
    if [ "$(id -u)" = "0" ]; then "$@"; else sudo "$@"; fi
}

pg_bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$dir" ] && [ -x "$dir/postgres" ]; then
        echo "$dir"
    elif command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v pg_ctl)")"
    fi
}

BIN=$(pg_bindir)
if [ -z "$BIN" ]; then
    say "PostgreSQL not found; installing with apt-get"
    if ! root apt-get install -y postgresql >&2 2>&1; then
        root apt-get update >&2
        root env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
    fi
    BIN=$(pg_bindir)
fi
[ -n "$BIN" ] || { say "no PostgreSQL server binaries after install"; exit 1; }
say "using $BIN"

if command -v pg_lsclusters >/dev/null 2>&1; then
    VERSION=$(basename "$(dirname "$BIN")")
    # The first cluster of this version on our port, else any cluster of this version.
    CLUSTER=$(pg_lsclusters -h | awk -v v="$VERSION" -v p="$PORT" '$1==v && $3==p {print $2; exit}')
    [ -n "$CLUSTER" ] || CLUSTER=$(pg_lsclusters -h | awk -v v="$VERSION" '$1==v {print $2; exit}')
    if [ -z "$CLUSTER" ]; then
        CLUSTER=main
        say "creating cluster $VERSION/$CLUSTER on port $PORT"
        root pg_createcluster --port "$PORT" "$VERSION" "$CLUSTER" >&2
    fi
    PORT=$(pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1==v && $2==c {print $3}')
    STATUS=$(pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1==v && $2==c {print $4}')
    if [ "$STATUS" != "online" ]; then
        say "starting cluster $VERSION/$CLUSTER on port $PORT"
        root pg_ctlcluster "$VERSION" "$CLUSTER" start >&2
    fi
    HOST=/var/run/postgresql
else
    if [ ! -s "$DATA/PG_VERSION" ]; then
        say "initdb in $DATA"
        root mkdir -p "$DATA"
        root chown postgres "$DATA" 2>/dev/null || true
        as_postgres "$BIN/initdb" -D "$DATA" -A trust -U postgres >&2
    fi
    if ! as_postgres "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
        say "starting server in $DATA on port $PORT"
        as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
            -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1" start >&2
    fi
    HOST=/tmp
fi

for _ in $(seq 1 30); do
    if as_postgres "$BIN/pg_isready" -q -h "$HOST" -p "$PORT"; then break; fi
    sleep 1
done
as_postgres "$BIN/pg_isready" -h "$HOST" -p "$PORT" >&2

psql_admin() { as_postgres "$BIN/psql" -h "$HOST" -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }

if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$NAME'")" != "1" ]; then
    say "creating role $NAME"
    psql_admin -c "CREATE ROLE $NAME LOGIN PASSWORD '$PASSWORD'" >&2
else
    psql_admin -c "ALTER ROLE $NAME LOGIN PASSWORD '$PASSWORD'" >&2
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$NAME'")" != "1" ]; then
    say "creating database $NAME"
    psql_admin -c "CREATE DATABASE $NAME OWNER $NAME" >&2
fi

DSN="postgresql://$NAME:$PASSWORD@127.0.0.1:$PORT/$NAME"
say "ready: $DSN"
if [ -n "${GITHUB_ENV:-}" ]; then
    echo "OPPLUS_TEST_POSTGRES_DSN=$DSN" >>"$GITHUB_ENV"
fi
echo "export OPPLUS_TEST_POSTGRES_DSN=$DSN"
