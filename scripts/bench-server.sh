# The benchmark's service, shared by scripts/bench.sh and scripts/profile.sh (sourced, not run).
# Expects BINARY, DB, OUT and PORT to be set.

# The service's environment: its own data folder, sessions that outlast a long run. With
# EXEC=exec (in a subshell) the binary replaces the shell, so $! is the server itself.
run() {
  ${EXEC:-} env DATABASE_URL="$DB" ROCKET_ADDRESS=127.0.0.1 ROCKET_PORT="$PORT" \
    ROCKET_APP="{data_dir=\"$OUT/data\",public_url=\"http://127.0.0.1:$PORT\",session_idle_minutes=240,adaptive_baseline=false}" \
    RUST_LOG="${RUST_LOG:-warn}" "$BINARY" "$@"
}

start_server() {
  if curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/healthz"; then
    echo "port $PORT is already in use (set BENCH_PORT)" >&2
    exit 1
  fi
  (EXEC=exec run serve) >>"$OUT/server-$1.log" 2>&1 &
  SERVER_PID=$!
  local deadline=$((SECONDS + 120))
  until curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/readyz"; do
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited; see $OUT/server-$1.log" >&2; exit 1; }
    ((SECONDS < deadline)) || { echo "server not ready in 120 s" >&2; exit 1; }
    sleep 0.5
  done
}

stop_server() {
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
