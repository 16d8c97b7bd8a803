#!/usr/bin/env bash
# Client compatibility: the official `openai` and `ollama` Python packages (and `openai` for Node,
# when its node_modules is installed) against a real `owp serve` on a temporary SQLite database
# with the fake Ollama. Builds and installs nothing (see `make client-compat`).
#
#   OWP_BIN=target/debug/owp FAKE_OLLAMA_BIN=target/debug/examples/fake_ollama \
#     bash scripts/client-compat.sh [pytest arguments, e.g. -k embeddings]
#
# SDK_VENV (default .venv-sdk) is the virtualenv holding tests/clients/requirements.txt;
# START_TIMEOUT (default 30) bounds each wait for the servers; KEEP_LOGS=1 keeps the temporary
# directory (database, the servers' output) when something fails.
# The tests get OWP_BASE_URL and OWP_API_KEY (the bootstrap admin's key). Both servers are
# stopped, and the temporary directory removed, however the script ends.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${OWP_BIN:?set OWP_BIN to the owp binary (cargo build -p owp-gateway --bin owp)}"
: "${FAKE_OLLAMA_BIN:?set FAKE_OLLAMA_BIN to the fake (cargo build -p owp-ollama-client --features fake --example fake_ollama)}"
SDK_VENV=${SDK_VENV:-.venv-sdk}
NODE_DIR=tests/clients/node
# Seconds allowed for each wait: a server printing its address or key, /readyz answering 200.
START_TIMEOUT=${START_TIMEOUT:-30}

log() { echo "[client-compat] $*" >&2; }
for bin in "$OWP_BIN" "$FAKE_OLLAMA_BIN"; do
  [ -x "$bin" ] || { log "not an executable: $bin"; exit 1; }
done
[ -x "$SDK_VENV/bin/python" ] || { log "no virtualenv at $SDK_VENV: run \`make client-deps\`"; exit 1; }
command -v curl >/dev/null || { log "curl is missing"; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/owp-client-compat.XXXXXX")
pids=()
runner=
cleanup() {
  local status=$?
  [ -z "$runner" ] || kill -TERM "$runner" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    # owp drains in-flight requests on SIGTERM; give both a bounded moment, then kill.
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ] && [ -n "${KEEP_LOGS:-}" ]; then
    log "logs kept in $work"
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

show_logs() {
  for f in "$work"/*.log; do
    [ -s "$f" ] || continue
    echo "----- $(basename "$f") (last 40 lines)" >&2
    tail -n 40 "$f" >&2
  done
}

# Runs a test command in the background and waits for it, so that a signal to this script runs
# the trap at once (bash defers traps while a foreground child runs) and the trap can stop it.
run_tests() {
  local status=0
  "$@" </dev/null &
  runner=$!
  wait "$runner" || status=$?
  runner=
  return "$status"
}

# Prints the first group of the first line of $1 matching sed expression $2, waiting until the
# process $3 prints it (at most START_TIMEOUT seconds); fails if the process exits first.
wait_for_line() {
  local file=$1 pattern=$2 pid=$3 value deadline=$((SECONDS + START_TIMEOUT))
  while [ "$SECONDS" -lt "$deadline" ]; do
    value=$(sed -nE "s|$pattern|\\1|p" "$file" | head -n 1)
    if [ -n "$value" ]; then
      echo "$value"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { log "$(basename "$file" .out) exited before starting"; show_logs; return 1; }
    sleep 0.1
  done
  log "$(basename "$file" .out) printed no line matching $pattern within ${START_TIMEOUT}s"
  show_logs
  return 1
}

# The fake Ollama: it picks a free port and prints FAKE_OLLAMA_URL=...
"$FAKE_OLLAMA_BIN" </dev/null >"$work/fake_ollama.out" 2>"$work/fake_ollama.log" &
pids+=($!)
ollama_url=$(wait_for_line "$work/fake_ollama.out" '^FAKE_OLLAMA_URL=(http[^[:space:]]+).*$' "${pids[0]}")
log "fake Ollama at $ollama_url"

# owp on a fresh SQLite database, port 0 (the kernel picks a free one); a clean environment so
# nothing of the caller's (DATABASE_URL, REDIS_URL, ...) leaks in.
mkdir -p "$work/data"
env -i PATH="$PATH" HOME="$work" \
  ENVIRONMENT=local \
  DATABASE_URL="sqlite://$work/data/owp.db" \
  ADMIN_BOOTSTRAP_PASSWORD=client-compat-admin \
  OLLAMA_BASE_URL="$ollama_url" \
  BIND=127.0.0.1 PORT=0 \
  JWT_SECRET=client-compat-only-secret-0123456789abcdef0123456789 \
  RATE_LIMIT_PER_MINUTE=100000 \
  LOG_FORMAT=pretty RUST_LOG=warn \
  "$OWP_BIN" serve </dev/null >"$work/owp.out" 2>"$work/owp.log" &
pids+=($!)
base_url=$(wait_for_line "$work/owp.out" '^owp serving (http://[^[:space:]]+).*$' "${pids[1]}")
deadline=$((SECONDS + START_TIMEOUT))
until curl -fs -o /dev/null --max-time 2 "$base_url/readyz"; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    log "$base_url/readyz did not answer 200 within ${START_TIMEOUT}s"
    show_logs
    exit 1
  fi
  kill -0 "${pids[1]}" 2>/dev/null || { log "owp exited"; show_logs; exit 1; }
  sleep 0.2
done
# Bootstrap (migrations, then the admin and its key) may finish after the listener is up; the key
# is printed by then, and only on this first start of the fresh database.
api_key=$(wait_for_line "$work/owp.out" '^BOOTSTRAP_ADMIN_API_KEY=(owp_[^[:space:]]+)$' "${pids[1]}")
log "owp ready at $base_url"

export OWP_BASE_URL=$base_url OWP_API_KEY=$api_key
failed=0

log "Python: $("$SDK_VENV/bin/python" -c 'import importlib.metadata as m; print(", ".join(f"{p} {m.version(p)}" for p in ("openai", "ollama", "pytest")))')"
COLUMNS=${COLUMNS:-160} PYTHONDONTWRITEBYTECODE=1 run_tests "$SDK_VENV/bin/python" -m pytest \
  tests/clients -p no:cacheprovider -q -rfE --tb=short --color=no "$@" || failed=1

if [ -d "$NODE_DIR/node_modules/openai" ]; then
  log "Node: openai $(node -p 'require("./'"$NODE_DIR"'/node_modules/openai/package.json").version')"
  run_tests node --test --test-reporter=spec "$NODE_DIR"/*.test.mjs || failed=1
else
  log "Node: skipped ($NODE_DIR/node_modules missing: run \`make client-deps\`)"
fi

if [ "$failed" -ne 0 ]; then
  log "FAILED; the servers' stderr, if any, follows (KEEP_LOGS=1 keeps all their output)"
  show_logs
  exit 1
fi
log "all client tests passed"
