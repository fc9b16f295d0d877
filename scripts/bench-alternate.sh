#!/usr/bin/env bash
# Before and after on one seeded database (docs/benchmarks.md, "Issue 27, fourth round"):
#
#   scripts/bench-alternate.sh [--staff N] [--orgs M] [--ready R] [--step K] [--seconds S]
#                              [--concurrency C] [--scenario NAME] [--out DIR]
#                              [--database URL] BUILD...
#
# Seeds one SQLite database (default 20,000 staff in 14 organisations, 24,000 ready learners)
# with the first build, then for each BUILD in the order given (repeat a build to alternate,
# e.g. `old new old new`): starts it on that database, runs one `bench load` and stops it. Each
# run starts K ready learners (default 3,000) after the one before, so no two runs submit for
# the same learner as long as K is more than one run submits. A run with failed requests is
# recorded, the next runs go on, and the script exits non-zero at the end. Results:
# DIR/results.jsonl, one line per run labelled with its build's position and file name. With
# --database, the runs use that database (an empty PostgreSQL one, e.g.
# postgres://postgres@127.0.0.1/bench) instead of a SQLite file in DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

STAFF=20000 ORGS=14 READY=24000 STEP=3000 RUN_SECONDS=10 CONCURRENCY=64 SCENARIO=submit DATABASE=""
OUT="bench-results/alternate-$(date -u +%Y%m%dT%H%M%SZ)"
PORT="${BENCH_PORT:-18080}"
BUILDS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --staff) STAFF="$2"; shift 2 ;;
    --orgs) ORGS="$2"; shift 2 ;;
    --ready) READY="$2"; shift 2 ;;
    --step) STEP="$2"; shift 2 ;;
    --seconds) RUN_SECONDS="$2"; shift 2 ;;
    --concurrency) CONCURRENCY="$2"; shift 2 ;;
    --scenario) SCENARIO="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --database) DATABASE="$2"; shift 2 ;;
    -*) echo "unknown option $1 (see the top of $0)" >&2; exit 2 ;;
    *) BUILDS+=("$(realpath "$1")"); shift ;;
  esac
done
[ "${#BUILDS[@]}" -gt 0 ] || { echo "name at least one build (see the top of $0)" >&2; exit 2; }
if ((${#BUILDS[@]} * STEP > READY)); then
  echo "${#BUILDS[@]} runs of $STEP learners need --ready of at least $((${#BUILDS[@]} * STEP))" >&2
  exit 2
fi

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
DB="${DATABASE:-sqlite://$OUT/large.db}"
[ -n "${DATABASE:-}" ] || rm -f "$OUT/large.db" "$OUT/large.db-wal" "$OUT/large.db-shm"
. scripts/bench-server.sh
trap '[ -n "${SERVER_PID:-}" ] && stop_server' EXIT

BINARY="${BUILDS[0]}"
run bench seed --staff "$STAFF" --orgs "$ORGS" --ready "$READY" --ready-file "$OUT/ready.jsonl"
offset=0
failed=0
for i in "${!BUILDS[@]}"; do
  BINARY="${BUILDS[$i]}"
  label="$((i + 1))-$(basename "$BINARY")"
  start_server "$label"
  echo "== run $label"
  run bench load --url "http://127.0.0.1:$PORT" --ready-file "$OUT/ready.jsonl" \
    --server-pid "$SERVER_PID" --seconds "$RUN_SECONDS" --concurrency "$CONCURRENCY" \
    --scenario "$SCENARIO" --ready-offset "$offset" --out "$OUT/results.jsonl" --label "$label" ||
    failed=1
  stop_server
  offset=$((offset + STEP))
done
exit "$failed"
