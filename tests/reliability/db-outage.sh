#!/usr/bin/env bash
# Database outage: while concurrent learners submit, stop PostgreSQL (immediate shutdown) for
# OUTAGE_SECONDS. Once /readyz says 503, a fixed probe (learners the load never uses, signed in
# beforehand) sends the same pages and API requests, and each must be a clear 503 within
# LIMIT_MS; the probe ends before PostgreSQL starts again, so the outcome never depends on timing.
# Every request of the background load touched by the outage must be answered within LIMIT_MS
# with a clear 503 or normally, never another 5xx, a dropped connection or a hang; no panic.
# Once PostgreSQL is back the same server process answers the probe normally and takes
# submissions again by itself; every acknowledged attempt is there and `verify` is clean.
#
# Runs its own PostgreSQL instance (initdb in a temporary folder, on a free port), never the
# shared server. Tunable: LEARNERS (64), WORKERS (32), OUTAGE_SECONDS (8), LIMIT_MS (10000).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

LEARNERS="${LEARNERS:-64}"
WORKERS="${WORKERS:-32}"
OUTAGE_SECONDS="${OUTAGE_SECONDS:-8}"
LIMIT_MS="${LIMIT_MS:-10000}"

begin_scenario "db-outage"

# PostgreSQL refuses to run as root: the instance belongs to the postgres user when we are root.
pg_dir="$(mktemp -d /tmp/gt-reliability-pg.XXXXXX)"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" = 0 ]; then chown postgres "$pg_dir"; fi
pg_port="$(free_port)"
as_pg "$PG_BIN/initdb" -D "$pg_dir/data" -A trust -U postgres >"$ARTIFACTS/initdb.log" 2>&1 ||
  fail "initdb failed: $(tail -3 "$ARTIFACTS/initdb.log")"
pg_start() {
  as_pg "$PG_BIN/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/postgres.log" -w -t 30 \
    -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1" start >/dev/null
}
pg_stop() { as_pg "$PG_BIN/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null; }
CLEANUPS+=("rm -rf '$pg_dir'" "cp '$pg_dir/postgres.log' '$ARTIFACTS/' 2>/dev/null; pg_stop 2>/dev/null")
pg_start || fail "the private PostgreSQL did not start"
psql "postgres://postgres@127.0.0.1:$pg_port/postgres" -qc "CREATE DATABASE outage" >/dev/null
database_url="postgres://postgres@127.0.0.1:$pg_port/outage"

PROBES="${PROBES:-4}"
start_server app "$database_url"
populate "$database_url" app "$((LEARNERS + PROBES))"
driver reserve --learners "$ARTIFACTS/learners.json" --count "$PROBES" --out "$ARTIFACTS/probe-learners.json" >/dev/null ||
  fail "could not set the probe learners aside"
driver probe-prepare --base "${SERVER_URL[app]}" --learners "$ARTIFACTS/probe-learners.json" \
  --out "$ARTIFACTS/probes.json" >/dev/null || fail "could not sign the probe learners in"
run_probe() {
  driver probe --base "${SERVER_URL[app]}" --probes "$ARTIFACTS/probes.json" --expect "$1" \
    --limit-ms "$LIMIT_MS" >"$ARTIFACTS/probe-$1.json" || fail "probe ($1): $(cat "$ARTIFACTS/probe-$1.json")"
}

start_load "${SERVER_URL[app]}" --workers "$WORKERS" --seconds 300
now_ms() { date +%s%3N; }

wait_for_acks 20 120
down="$(now_ms)"
pg_stop || fail "could not stop the private PostgreSQL"
# The readiness probe must say so, in bounded time.
ready="$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 15 "${SERVER_URL[app]}/readyz" || true)"
[ "${ready%% *}" = 503 ] || fail "/readyz answered '$ready' during the outage, not 503"
run_probe unavailable
rest_ms=$((down + OUTAGE_SECONDS * 1000 - $(now_ms)))
if ((rest_ms > 0)); then sleep "$((rest_ms / 1000)).$(printf '%03d' $((rest_ms % 1000)))"; fi
pg_start || fail "the private PostgreSQL did not start again"
up="$(now_ms)"
ready_again=""
for _ in $(seq 1 50); do
  if curl -fsS -o /dev/null --max-time 5 "${SERVER_URL[app]}/readyz"; then
    ready_again=$(($(now_ms) - up))
    break
  fi
  sleep 0.2
done
[ -n "$ready_again" ] || fail "/readyz did not answer 200 within 10 s of PostgreSQL coming back"
kill -0 "${SERVER_PID[app]}" 2>/dev/null || fail "the server exited during the outage"
run_probe available

# Submits succeed again, and go on succeeding for as many more.
wait_for_acks 20 120
wait_for_acks 20 120
stop_load
driver outage --log "$ARTIFACTS/requests.jsonl" --down "$down" --up "$up" --limit-ms "$LIMIT_MS" \
  >"$ARTIFACTS/outage.json" || fail "$(cat "$ARTIFACTS/outage.json")"
check_and_verify "$database_url" app

report="$ARTIFACTS/outage.json"
probed="$ARTIFACTS/probe-unavailable.json"
echo "db-outage/postgres: ${OUTAGE_SECONDS} s outage under load of $WORKERS learners;" \
  "probe during: $(field "$probed" pages) pages and $(field "$probed" api) API requests all 503," \
  "slowest $(field "$probed" slowest_ms) ms; probe after: $(field "$ARTIFACTS/probe-available.json" statuses);" \
  "load: $(field "$report" during) requests touched, statuses $(field "$report" statuses)," \
  "$(field "$report" unavailable_pages) pages and $(field "$report" unavailable_api) API answers 503," \
  "slowest $(field "$report" slowest_ms) ms (limit $LIMIT_MS); /readyz '$ready' during," \
  "200 again after $ready_again ms; first submit $(field "$report" recovered_after_ms) ms after," \
  "$(field "$report" submits_after) after; $(field "$ARTIFACTS/check.json" acknowledged) acknowledged," \
  "$(field "$ARTIFACTS/check.json" present) present, verify clean, no panic"
