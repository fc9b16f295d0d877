# shellcheck shell=bash
# Shared by the reliability scenarios (sourced, not run): starting and stopping the release
# binary, creating learners, and the load driver. Each scenario keeps its files (server logs,
# acknowledgements, request log) under tests/reliability/artifacts/<scenario>/.

RELIABILITY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$RELIABILITY_DIR/../.." && pwd)"
BINARY="${RELIABILITY_BINARY:-${CARGO_TARGET_DIR:-$REPO_ROOT/target}/release/genomics-training}"
# The PostgreSQL server the crash and two-instance scenarios create their own databases on.
PG_SERVER="${RELIABILITY_PG:-postgres://postgres@127.0.0.1:5432}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
LEARNER_PASSWORD="reliability-$RANDOM-$RANDOM-walnut"

declare -A SERVER_PID=()
declare -A SERVER_URL=()
CLEANUPS=()

fail() {
  echo "FAIL $SCENARIO: $*" >&2
  exit 1
}

# Runs every registered clean-up, newest first, whatever happened.
run_cleanups() {
  local i
  for ((i = ${#CLEANUPS[@]} - 1; i >= 0; i--)); do
    eval "${CLEANUPS[i]}" || true
  done
}

# Sets up the scenario: its artifacts folder and the exit trap.
begin_scenario() {
  SCENARIO="$1"
  [ -x "$BINARY" ] || fail "no release binary at $BINARY: run cargo build --release (or set RELIABILITY_BINARY)"
  ARTIFACTS="$RELIABILITY_DIR/artifacts/${SCENARIO//\//-}"
  rm -rf "$ARTIFACTS"
  mkdir -p "$ARTIFACTS/data"
  trap run_cleanups EXIT
}

free_port() {
  node -e "const s = require('net').createServer(); s.listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close() })"
}

# with_env DATABASE_URL PORT COMMAND...: runs COMMAND (in place of this shell, so that a
# background server's $! is the server itself) in the service's environment.
with_env() {
  local database_url="$1" port="$2"
  shift 2
  exec env DATABASE_URL="$database_url" ROCKET_ADDRESS=127.0.0.1 ROCKET_PORT="$port" \
    ROCKET_APP="{data_dir=\"$ARTIFACTS/data\",public_url=\"http://127.0.0.1:$port\"}" \
    RUST_LOG="${RUST_LOG:-info,sqlx=warn,sea_orm=warn,rocket::server=warn}" NO_COLOR=1 "$@"
}

# Runs a subcommand of the binary (e.g. verify) on a database.
cli() {
  local database_url="$1"
  shift
  (cd "$REPO_ROOT" && with_env "$database_url" 0 "$BINARY" "$@")
}

# start_server NAME DATABASE_URL [PORT]: serves in the background (log: NAME.log, appended on
# restart) and waits until /readyz answers 200.
start_server() {
  local name="$1" database_url="$2" port="${3:-}"
  [ -n "$port" ] || port="$(url="${SERVER_URL[$name]:-}" && echo "${url##*:}")"
  [ -n "$port" ] || port="$(free_port)"
  (cd "$REPO_ROOT" && with_env "$database_url" "$port" "$BINARY" serve) >>"$ARTIFACTS/$name.log" 2>&1 &
  SERVER_PID[$name]=$!
  SERVER_URL[$name]="http://127.0.0.1:$port"
  CLEANUPS+=("stop_server $name")
  local deadline=$((SECONDS + 60))
  until curl -fs -o /dev/null --max-time 2 "${SERVER_URL[$name]}/readyz"; do
    kill -0 "${SERVER_PID[$name]}" 2>/dev/null || fail "server $name exited at start; see $ARTIFACTS/$name.log"
    ((SECONDS < deadline)) || fail "server $name not ready within 60 s"
    sleep 0.2
  done
}

stop_server() {
  local pid="${SERVER_PID[$1]:-}"
  [ -n "$pid" ] || return 0
  if kill -TERM "$pid" 2>/dev/null; then
    local deadline=$((SECONDS + 15))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  SERVER_PID[$1]=""
}

kill9_server() {
  local pid="${SERVER_PID[$1]}"
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
  SERVER_PID[$1]=""
}

driver() {
  node "$RELIABILITY_DIR/driver.mjs" "$@"
}

# start_load BASES [load options...]: the load driver in the background (pid in LOAD_PID),
# appending acknowledged submits to acks.jsonl; stop_load ends it and checks it exited well.
start_load() {
  local bases="$1"
  shift
  : >"$ARTIFACTS/acks.jsonl"
  node "$RELIABILITY_DIR/driver.mjs" load --base "$bases" --learners "$ARTIFACTS/learners.json" \
    --acks "$ARTIFACTS/acks.jsonl" --log "$ARTIFACTS/requests.jsonl" "$@" >"$ARTIFACTS/load.json" &
  LOAD_PID=$!
  CLEANUPS+=("kill $LOAD_PID 2>/dev/null")
}

stop_load() {
  kill -TERM "$LOAD_PID" 2>/dev/null || true
  wait "$LOAD_PID" || fail "the load driver failed: $(cat "$ARTIFACTS/load.json")"
}

acknowledged_so_far() {
  wc -l <"$ARTIFACTS/acks.jsonl"
}

# wait_for_acks N SECONDS: until N more submits than now have been acknowledged.
wait_for_acks() {
  local target=$(($(acknowledged_so_far) + $1)) deadline=$((SECONDS + $2))
  while (($(acknowledged_so_far) < target)); do
    ((SECONDS < deadline)) || fail "fewer than $1 submits acknowledged within $2 s"
    sleep 0.2
  done
}

# A field of a one-line JSON object in a file.
field() {
  node -e "const o = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')); const v = o[process.argv[2]]; console.log(typeof v === 'object' ? JSON.stringify(v) : v)" "$1" "$2"
}

# populate DATABASE_URL SERVER COUNT: an organisation and COUNT learners in three job roles,
# imported with the CLI and activated through the activation pages of server SERVER.
populate() {
  local database_url="$1" server="$2" count="$3" i
  cli "$database_url" orgs add RL1 "Reliability Test Trust" >/dev/null || fail "orgs add failed"
  local roles=("Administrative and Clerical,Receptionist" "Additional Clinical Services,Healthcare Assistant" "Additional Clinical Services,Phlebotomist")
  {
    echo "employee_number,email,display_name,organisation_code,staff_group,job_role,band"
    for ((i = 1; i <= count; i++)); do
      echo "$((70000 + i)),learner$i@reliability.nhs.uk,Learner $i,RL1,${roles[i % 3]},$((3 + i % 3))"
    done
  } >"$ARTIFACTS/staff.csv"
  # The links printed name the public_url of the CLI's environment: point them at the server.
  (cd "$REPO_ROOT" && with_env "$database_url" "${SERVER_URL[$server]##*:}" "$BINARY" users import "$ARTIFACTS/staff.csv") \
    >"$ARTIFACTS/import.txt" || fail "users import failed"
  driver activate --links "$ARTIFACTS/import.txt" --password "$LEARNER_PASSWORD" \
    --out "$ARTIFACTS/learners.json" >/dev/null || fail "activating the learners failed"
}

# check_and_verify DATABASE_URL SERVER...: every acknowledged attempt is there (asked of the
# first server, results in check.json); then, with the servers stopped, `genomics-training
# verify` exits 0 and no server log has a panic.
check_and_verify() {
  local database_url="$1" server log
  shift
  driver check --base "${SERVER_URL[$1]}" --learners "$ARTIFACTS/learners.json" \
    --acks "$ARTIFACTS/acks.jsonl" >"$ARTIFACTS/check.json" ||
    fail "acknowledged attempts missing: $(cat "$ARTIFACTS/check.json")"
  for server in "$@"; do stop_server "$server"; done
  cli "$database_url" verify >"$ARTIFACTS/verify.txt" 2>&1 ||
    fail "verify found differences: $(head -5 "$ARTIFACTS/verify.txt")"
  for log in "$ARTIFACTS"/*.log; do
    if grep -q "panicked" "$log"; then fail "a panic in $log"; fi
  done
}

# A fresh database on the shared PostgreSQL server, dropped at exit; its URL in PG_DATABASE_URL.
fresh_pg_database() {
  local name="$1"
  psql "$PG_SERVER/postgres" -qc "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $name" \
    -c "CREATE DATABASE $name" >/dev/null ||
    fail "cannot create database $name on $PG_SERVER"
  CLEANUPS+=("psql '$PG_SERVER/postgres' -qc 'DROP DATABASE IF EXISTS $name WITH (FORCE)' >/dev/null")
  # shellcheck disable=SC2034 # read by the scenario that sourced this file
  PG_DATABASE_URL="$PG_SERVER/$name"
}
