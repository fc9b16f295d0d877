#!/usr/bin/env bash
# Where a hot path spends its time, as text (docs/benchmarks.md, "Profiles"):
#
#   scripts/profile.sh --from BENCH_OUT_DIR [--postgres SERVER_URL] [--scenarios LIST]
#                      [--seconds S] [--concurrency C] [--ready-offset N]
#
# Starts the service on the large database a `scripts/bench.sh` run left in BENCH_OUT_DIR
# (SQLite: BENCH_OUT_DIR/large.db; with --postgres, the database bench_large on that server)
# and, for each scenario in turn (default submit,module,trust-dashboard,dashboard,sign-in),
# samples the server with `perf record -e cpu-clock` while `bench load` drives it. It writes
# BENCH_OUT_DIR/profile-<time>/<scenario>.txt: the share of samples by library and the symbols
# above 1 %. Ready learners that earlier runs recorded in BENCH_OUT_DIR used are skipped (or
# give --ready-offset).
set -euo pipefail
cd "$(dirname "$0")/.."

FROM="" POSTGRES="" SCENARIOS="submit,module,trust-dashboard,dashboard,sign-in"
RUN_SECONDS=10 CONCURRENCY=16 OFFSET=""
PORT="${BENCH_PORT:-18080}"
while [ $# -gt 0 ]; do
  case "$1" in
    --from) FROM="$2"; shift 2 ;;
    --postgres) POSTGRES="$2"; shift 2 ;;
    --scenarios) SCENARIOS="$2"; shift 2 ;;
    --seconds) RUN_SECONDS="$2"; shift 2 ;;
    --concurrency) CONCURRENCY="$2"; shift 2 ;;
    --ready-offset) OFFSET="$2"; shift 2 ;;
    *) echo "unknown option $1 (see the top of $0)" >&2; exit 2 ;;
  esac
done
[ -d "$FROM" ] || { echo "--from must name a scripts/bench.sh output folder" >&2; exit 2; }
command -v perf >/dev/null || { echo "perf is not installed (Debian: linux-perf)" >&2; exit 2; }

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
BINARY="${BENCH_BINARY:-$CARGO_TARGET_DIR/release/genomics-training}"
if [ -z "${BENCH_BINARY:-}" ]; then
  cargo build --release --quiet
fi
FROM="$(cd "$FROM" && pwd)"
OUT="$FROM/profile-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
if [ -n "$POSTGRES" ]; then DB="$POSTGRES/bench_large"; else DB="sqlite://$FROM/large.db"; fi

# Each submit uses up a ready learner: start after every one an earlier run in FROM used.
used_in() {
  { cat "$@" 2>/dev/null || true; } |
    python3 -c 'import json,sys
print(sum(l["operations"] + l["errors"] for l in map(json.loads, filter(str.strip, sys.stdin))
          if l.get("scenario") == "baseline_submit"))'
}
# Counted once: each submit run below moves it on by what that run used.
[ -n "$OFFSET" ] || OFFSET="$(used_in "$FROM"/results.jsonl "$FROM"/profile-*/load.jsonl)"
START=$OFFSET

. scripts/bench-server.sh
SERVER_PID=""
PERF_PID=""
trap 'kill $PERF_PID $SERVER_PID 2>/dev/null || true' EXIT
start_server profile
echo "== $("$BINARY" --version) on $DB; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for scenario in ${SCENARIOS//,/ }; do
  perf record -q -e cpu-clock -F 999 -p "$SERVER_PID" -o "$OUT/$scenario.data" 2>>"$OUT/perf.log" &
  PERF_PID=$!
  run bench load --url "http://127.0.0.1:$PORT" --ready-file "$FROM/ready-large.jsonl" \
    --ready-offset "$OFFSET" --server-pid "$SERVER_PID" --scenario "$scenario" \
    --seconds "$RUN_SECONDS" --concurrency "$CONCURRENCY" --out "$OUT/load.jsonl" --label profile \
    || echo "($scenario: some requests failed; see $OUT/load.jsonl)"
  OFFSET=$((START + $(used_in "$OUT/load.jsonl")))
  kill -INT "$PERF_PID"
  wait "$PERF_PID" || true
  PERF_PID=""
  {
    echo "# $scenario, $CONCURRENCY clients, $RUN_SECONDS s: $(tail -1 "$OUT/load.jsonl")"
    echo "## by library"
    perf report -i "$OUT/$scenario.data" --no-children --sort dso --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -12
    echo "## by crate (Rust symbols by the crate their path begins with)"
    perf report -i "$OUT/$scenario.data" --no-children --sort dso,sym --stdio 2>/dev/null |
      python3 scripts/perf-by-crate.py
    echo "## symbols above 1 %"
    perf report -i "$OUT/$scenario.data" --no-children --sort dso,sym --stdio --percent-limit 1 2>/dev/null | grep -v '^#' | grep -v '^$'
  } >"$OUT/$scenario.txt"
  rm -f "$OUT/$scenario.data"
  echo "profile: $OUT/$scenario.txt"
done
stop_server
