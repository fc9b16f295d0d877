#!/usr/bin/env bash
# Fuzzes /api/v1 against its own OpenAPI document with schemathesis (pinned in
# requirements.txt beside this file): the release binary on a fresh demo database, signed in as
# each demo persona in turn (learner, trainer, manager, admin; the admin last, because what an
# admin may change could change what the others see), with schemathesis's every check, its
# negative (invalid) data as well as valid data, and its stateful phase. Fails on any 5xx, any
# answer the document does not describe, and any invalid request that is accepted.
#
# Usage: tests/contract/run.sh [OUT_DIR]   (reports go to OUT_DIR, default a new temporary one)
# Environment: CONTRACT_BINARY (default $CARGO_TARGET_DIR/release/genomics-training),
# CONTRACT_VENV (where schemathesis is installed, default $CARGO_TARGET_DIR/schemathesis-venv),
# CONTRACT_PORT (18190), CONTRACT_EXAMPLES (examples per operation and phase, 10),
# CONTRACT_SEED (schemathesis's seed; a fixed default so that a CI failure can be replayed).
set -euo pipefail
cd "$(dirname "$0")/../.."

TARGET="${CARGO_TARGET_DIR:-target}"
BINARY="${CONTRACT_BINARY:-$TARGET/release/genomics-training}"
VENV="${CONTRACT_VENV:-$TARGET/schemathesis-venv}"
PORT="${CONTRACT_PORT:-18190}"
EXAMPLES="${CONTRACT_EXAMPLES:-10}"
SEED="${CONTRACT_SEED:-20261206}"
OUT="${1:-$(mktemp -d)}"
BASE="http://127.0.0.1:$PORT"
PASSWORD="demo genomics training"
REQUIREMENTS=tests/contract/requirements.txt

[ -x "$BINARY" ] || { echo "no release binary at $BINARY: cargo build --release first" >&2; exit 1; }
mkdir -p "$OUT"

# schemathesis in its own virtual environment, exactly as pinned.
bash tests/pinned-venv.sh "$REQUIREMENTS" "$VENV"

if curl -fs -o /dev/null --max-time 2 "$BASE/healthz"; then
  echo "port $PORT is already in use (set CONTRACT_PORT)" >&2
  exit 1
fi
DATA="$(mktemp -d)"
# A small demo (the contract, not the load, is under test); sessions that outlast the run.
env DATABASE_URL="sqlite://$DATA/db.sqlite" ROCKET_ADDRESS=127.0.0.1 ROCKET_PORT="$PORT" \
  ROCKET_APP="{data_dir=\"$DATA\",public_url=\"$BASE\",session_idle_minutes=240}" \
  RUST_LOG="${RUST_LOG:-warn}" NO_COLOR=1 \
  "$BINARY" serve --demo --demo-staff 60 >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
stop() {
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$DATA"
}
trap stop EXIT

deadline=$((SECONDS + 300))
until curl -fs -o /dev/null --max-time 2 "$BASE/readyz"; do
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited; see $OUT/server.log" >&2; exit 1; }
  ((SECONDS < deadline)) || { echo "server not ready in 300 s; see $OUT/server.log" >&2; exit 1; }
  sleep 0.5
done

# Every persona signs in before any fuzzing: the fuzzer's own sign-in attempts with made-up
# passwords would otherwise throttle this address's sign-ins.
declare -A COOKIE TOKEN
for persona in learner trainer manager admin; do
  jar="$OUT/$persona.cookies"
  body="$(curl -fsS -c "$jar" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$persona@demo.nhs.uk\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/session")"
  TOKEN[$persona]="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])' <<<"$body")"
  # The release build names it `__Host-gt_session` (a debug build `gt_session`).
  COOKIE[$persona]="$(awk '$6 == "gt_session" || $6 == "__Host-gt_session" { print $7 }' "$jar")"
  [ -n "${COOKIE[$persona]}" ] || { echo "no session cookie for $persona" >&2; exit 1; }
done

failed=0
for persona in learner trainer manager admin; do
  echo "== schemathesis as $persona"
  # Signing out would end the session the rest of the run uses: that operation is left to
  # the integration tests (tests/api/sessions.rs).
  # Left out until fixed (docs/reliability.md, "The API contract"): 405 with Allow for a method
  # a path does not have (Rocket answers 404), and schema-valid bodies that the service's own
  # rules refuse (422), which the document does not yet describe as patterns and limits.
  if ! CONTRACT_SESSION="${COOKIE[$persona]}" CONTRACT_CSRF="${TOKEN[$persona]}" \
      "$VENV/bin/schemathesis" --config-file tests/contract/schemathesis.toml \
      run "$BASE/api/v1/openapi.json" \
      --checks all \
      --exclude-checks unsupported_method,allow_header_conformance,positive_data_acceptance \
      --mode all --phases examples,coverage,fuzzing,stateful \
      --max-examples "$EXAMPLES" --seed "$SEED" --workers 1 \
      --exclude-operation-id delete_session \
      --request-timeout 30 --suppress-health-check all --warnings off \
      --report junit,ndjson --report-dir "$OUT/$persona" \
      2>&1 | tee "$OUT/$persona.txt"; then
    failed=$((failed + 1))
  fi
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "the server died; see $OUT/server.log" >&2; exit 1; }
done

echo "contract: $((4 - failed)) personas passed, $failed failed (reports in $OUT)"
[ "$failed" -eq 0 ]
