#!/usr/bin/env bash
# Two instances: two servers on one PostgreSQL database take submissions concurrently, the
# learners spread over both, and every DUPLICATE_EVERY-th submit is sent to both servers at the
# same moment. Afterwards: every acknowledged attempt is there, the database holds exactly the
# acknowledged baselines, the report cells add up to exactly what those baselines contribute
# (nothing lost, nothing counted twice), and `verify` is clean.
#
# The load runs for LOAD_SECONDS and until MIN_ACKS submits were acknowledged, so that the
# duplicate submits checked below happen however slow the machine.
#
# Tunable: LEARNERS (96), WORKERS (32), LOAD_SECONDS (20), MIN_ACKS (200), DUPLICATE_EVERY (4).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

LEARNERS="${LEARNERS:-96}"
WORKERS="${WORKERS:-32}"
LOAD_SECONDS="${LOAD_SECONDS:-20}"
DUPLICATE_EVERY="${DUPLICATE_EVERY:-4}"
MIN_ACKS="${MIN_ACKS:-200}"

begin_scenario "two-instances"
fresh_pg_database "reliability_two_$$"
database_url="$PG_DATABASE_URL"

start_server one "$database_url"
start_server two "$database_url"
populate "$database_url" one "$LEARNERS"

driver load --base "${SERVER_URL[one]},${SERVER_URL[two]}" --learners "$ARTIFACTS/learners.json" \
  --workers "$WORKERS" --seconds "$LOAD_SECONDS" --min-acks "$MIN_ACKS" --duplicate-every "$DUPLICATE_EVERY" \
  --acks "$ARTIFACTS/acks.jsonl" --log "$ARTIFACTS/requests.jsonl" >"$ARTIFACTS/load.json" ||
  fail "the load driver failed: $(cat "$ARTIFACTS/load.json")"
failures="$(field "$ARTIFACTS/load.json" failures)"
[ "$failures" = "{}" ] || fail "requests failed under load: $failures $(field "$ARTIFACTS/load.json" first_failures)"
duplicates="$(field "$ARTIFACTS/load.json" duplicate_submits)"
((duplicates > 0)) || fail "no simultaneous duplicate submit was made"

check_and_verify "$database_url" two one

sql() { psql "$database_url" -XAtqc "$1"; }
expect_equal() {
  [ "$2" = "$3" ] || fail "$1: the database holds $2 but $3 were acknowledged"
}
check="$ARTIFACTS/check.json"
baselines="$(field "$check" baselines)"
expect_equal "submitted baselines" \
  "$(sql "SELECT count(*) FROM attempts WHERE phase = 'baseline' AND status = 'submitted'")" "$baselines"
expect_equal "learners x topics in the baseline report cells" \
  "$(sql "SELECT coalesce(sum(n_learners), 0) FROM report_cells WHERE phase = 'baseline'")" \
  "$(field "$check" baseline_learner_topics)"
expect_equal "responses in the baseline report cells" \
  "$(sql "SELECT coalesce(sum(n_responses), 0) FROM report_cells WHERE phase = 'baseline'")" \
  "$(field "$check" baseline_responses)"

echo "two-instances/postgres: $WORKERS learners over 2 servers for $LOAD_SECONDS s;" \
  "$(field "$check" acknowledged) acknowledged ($baselines baselines), $(field "$check" present) present," \
  "$duplicates simultaneous duplicate submits counted once; report cells hold exactly" \
  "$(field "$check" baseline_learner_topics) learner-topics and $(field "$check" baseline_responses) responses; verify clean"
