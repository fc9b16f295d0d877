#!/usr/bin/env bash
# The benchmark suite in one command (docs/benchmarks.md):
#
#   scripts/bench.sh [--staff N] [--orgs M] [--ready R] [--seconds S] [--concurrency LIST]
#                    [--postgres SERVER_URL] [--verify] [--out DIR] [--scenarios LIST]
#
# 1. seeds 1,000 staff in one organisation and measures the gap dashboard there;
# 2. seeds N staff in M organisations (default: NHS England, 1.5 million in 209 trusts), plus R
#    "ready" learners with an open baseline, starts the release build on it and loads every hot
#    path at each concurrency, recording the server's peak memory;
# 3. runs the yardsticks on the same database (a submit's rows by plain SQL, a GROUP BY over
#    the raw responses), optionally `verify`, and prints the table and the ratios.
#
# With --scenarios (names as `bench load --scenario` takes them, e.g. module,health,sign-in) only
# those run, on the large population alone, and the yardsticks only when submit is among them.
#
# SQLite by default (files under the output folder); with --postgres, databases bench_small
# and bench_large are (re)created on that server. Results: DIR/results.jsonl and results.md.
set -euo pipefail
cd "$(dirname "$0")/.."

STAFF=1500000 ORGS=209 READY=40000 RUN_SECONDS=20 CONCURRENCY=1,16,64 POSTGRES="" VERIFY=0
SCENARIOS=""
OUT="bench-results/$(date -u +%Y%m%dT%H%M%SZ)"
PORT="${BENCH_PORT:-18080}"
while [ $# -gt 0 ]; do
  case "$1" in
    --staff) STAFF="$2"; shift 2 ;;
    --orgs) ORGS="$2"; shift 2 ;;
    --ready) READY="$2"; shift 2 ;;
    --seconds) RUN_SECONDS="$2"; shift 2 ;;
    --concurrency) CONCURRENCY="$2"; shift 2 ;;
    --postgres) POSTGRES="$2"; shift 2 ;;
    --verify) VERIFY=1; shift ;;
    --out) OUT="$2"; shift 2 ;;
    --scenarios) SCENARIOS="$2"; shift 2 ;;
    *) echo "unknown option $1 (see the top of $0)" >&2; exit 2 ;;
  esac
done

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
BINARY="${BENCH_BINARY:-$CARGO_TARGET_DIR/release/genomics-training}"
if [ -z "${BENCH_BINARY:-}" ]; then
  cargo build --release --quiet
fi
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
RESULTS="$OUT/results.jsonl"
: >"$RESULTS"
SERVER_PID=""
trap 'if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi' EXIT

database_url() {
  if [ -n "$POSTGRES" ]; then
    psql -q "$POSTGRES/postgres" -c "DROP DATABASE IF EXISTS bench_$1" -c "CREATE DATABASE bench_$1" >/dev/null
    echo "$POSTGRES/bench_$1"
  else
    rm -f "$OUT/$1.db" "$OUT/$1.db-wal" "$OUT/$1.db-shm"
    echo "sqlite://$OUT/$1.db"
  fi
}

. scripts/bench-server.sh

# A run with failed requests (say, 503 when the pool is exhausted) is recorded and the suite
# goes on; the script exits non-zero at the end.
FAILED=0
load() {
  local label="$1"
  shift
  run bench load --url "http://127.0.0.1:$PORT" --ready-file "$OUT/ready-$label.jsonl" \
    --server-pid "$SERVER_PID" --seconds "$RUN_SECONDS" --concurrency "$CONCURRENCY" \
    --out "$RESULTS" --label "$label" "$@" || FAILED=1
}

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $("$BINARY" --version)"
if [ -z "$SCENARIOS" ]; then
  echo "== small population: 1,000 staff in 1 organisation"
  DB="$(database_url small)"
  run bench seed --staff 1000 --orgs 1 --ready 1 --ready-file "$OUT/ready-small.jsonl"
  start_server small
  load small --scenario dashboard,trust-dashboard
  stop_server
fi

echo "== large population: $STAFF staff in $ORGS organisations, $READY ready learners"
DB="$(database_url large)"
run bench seed --staff "$STAFF" --orgs "$ORGS" --ready "$READY" --ready-file "$OUT/ready-large.jsonl"
[ -n "$POSTGRES" ] || du -h "$OUT/large.db" | awk '{print "database file: " $1}'
start_server large
# Submits first: each uses up a ready learner, and they are what the goals are about.
if [ -z "$SCENARIOS" ]; then
  load large --scenario submit
  load large --scenario module,health,dashboard,trust-dashboard,sign-in
else
  load large --scenario "$SCENARIOS"
fi
stop_server
if [ -z "$SCENARIOS" ] || [[ ",$SCENARIOS," == *,submit,* ]]; then
  run bench sql --concurrency "${CONCURRENCY##*,}" --seconds "$RUN_SECONDS" --out "$RESULTS" --label large
fi
if [ "$VERIFY" = 1 ]; then
  time run verify
fi
run bench report "$RESULTS" | tee "$OUT/results.md"
echo "results: $OUT/results.md"
if [ "$FAILED" = 1 ]; then
  echo "some runs had failed requests (see first_error in $RESULTS)" >&2
  exit 1
fi
