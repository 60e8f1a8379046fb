#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL server:
#
#   scripts/with-postgres.sh npm test
#
# initdb into a temporary directory, start the server on a free loopback port
# (no TCP outside 127.0.0.1, trust authentication, fsync off), export
# CRMKIT_PG_URL for the command, and stop the server and delete the directory
# when the command ends, whatever its exit code (which is passed on).
#
# PG_BIN names the server binaries (default: /usr/lib/postgresql/15/bin). When
# they are missing the script fails under CI (CI=true) and otherwise warns and
# runs the command without a server, so the tests that need one are skipped.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
if [[ ! -x "$PG_BIN/initdb" || ! -x "$PG_BIN/pg_ctl" ]]; then
  message="with-postgres: no PostgreSQL server binaries in $PG_BIN (Debian: apt-get install postgresql-15)"
  if [[ "${CI:-}" == "true" ]]; then
    echo "::error::$message" >&2
    exit 1
  fi
  echo "$message; running without a server, so the PostgreSQL server tests are skipped" >&2
  exec "$@"
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/crmkit-pg.XXXXXX")"
# initdb refuses to run as root: run the server as the 'postgres' user then.
as_owner=()
if [[ "$(id -u)" -eq 0 ]]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "with-postgres: running as root and there is no 'postgres' user to run the server as" >&2
    rm -rf "$dir"
    exit 1
  fi
  chown postgres: "$dir"
  as_owner=(runuser -u postgres --)
fi

stop() {
  "${as_owner[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

port="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"

"${as_owner[@]}" "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C \
  --no-sync >"$dir/initdb.log" 2>&1 || {
  cat "$dir/initdb.log" >&2
  exit 1
}
if ! "${as_owner[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
  -o "-k $dir -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  >/dev/null; then
  cat "$dir/server.log" >&2
  exit 1
fi

export CRMKIT_PG_URL="postgresql://postgres@127.0.0.1:$port/postgres"
echo "with-postgres: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (CRMKIT_PG_URL)" >&2
set +e
"$@"
status=$?
set -e
exit "$status"
