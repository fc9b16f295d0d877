#!/usr/bin/env bash
# Crash: while concurrent learners submit, kill -9 the server and restart it on the same
# database (KILLS times); afterwards every attempt that was answered 200 is there with the same
# result, and `genomics-training verify` is clean.
#
#   tests/reliability/crash.sh sqlite|postgres
#
# Tunable: LEARNERS (96), WORKERS (32), KILLS (2), ACKS_BETWEEN (40).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

engine="${1:-}"
LEARNERS="${LEARNERS:-96}"
WORKERS="${WORKERS:-32}"
KILLS="${KILLS:-2}"
ACKS_BETWEEN="${ACKS_BETWEEN:-40}"

begin_scenario "crash/$engine"
case "$engine" in
  sqlite) database_url="sqlite://$ARTIFACTS/data/crash.db" ;;
  postgres)
    fresh_pg_database "reliability_crash_$$"
    database_url="$PG_DATABASE_URL"
    ;;
  *) fail "usage: crash.sh sqlite|postgres" ;;
esac

start_server app "$database_url"
populate "$database_url" app "$LEARNERS"

# Each kill comes once ACKS_BETWEEN more submits have been acknowledged since the last start,
# so that it falls in the middle of real load however fast the machine is; the load ends once
# the server restarted last has acknowledged as many again.
start_load "${SERVER_URL[app]}" --workers "$WORKERS" --seconds 300
acked_at_kill=()
for ((k = 1; k <= KILLS; k++)); do
  wait_for_acks "$ACKS_BETWEEN" 120
  acked_at_kill+=("$(acknowledged_so_far)")
  kill9_server app
  start_server app "$database_url"
done
wait_for_acks "$ACKS_BETWEEN" 120
stop_load

check_and_verify "$database_url" app

acknowledged="$(field "$ARTIFACTS/check.json" acknowledged)"
present="$(field "$ARTIFACTS/check.json" present)"
after_last=$((acknowledged - acked_at_kill[KILLS - 1]))
kills="$(IFS=, && echo "${acked_at_kill[*]}")"
echo "crash/$engine: $KILLS kill -9 under load of $WORKERS learners; $acknowledged acknowledged" \
  "(killed at $kills acknowledged, $after_last after the last restart), $present present," \
  "failures seen by clients $(field "$ARTIFACTS/load.json" failures), verify clean"
