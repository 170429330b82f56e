#!/usr/bin/env bash
# bench/sqs/soak.sh — does spoold's memory stay flat under sustained traffic?
#
# Starts spoold (Release build in build/bench, fresh data dir, free loopback port), then
# runs ROUNDS rounds of spool_bench_sqs's receive-delete scenario on one queue: each
# round sends PREFILL messages and receives and deletes all of them, so the queue is
# empty between rounds. Prints spoold's RSS after each round. Every round is bounded by
# --seconds=20. Extra arguments go to the generator (e.g. --groups=1000 --wait-time=1
# for a FIFO queue).
#
#   ROUNDS=12 PREFILL=200000 bench/sqs/soak.sh [generator args...]
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=build/bench
ROUNDS=${ROUNDS:-12}
PREFILL=${PREFILL:-200000}
[[ -x $BUILD/api/spoold && -x $BUILD/bench/sqs/spool_bench_sqs ]] ||
  { echo "build first: cmake --build $BUILD --target spoold spool_bench_sqs" >&2; exit 1; }

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
WORK=$(mktemp -d /tmp/spool-soak.XXXXXX)
chmod 0755 "$WORK"  # embedded PostgreSQL runs as `postgres` when we are root
"$BUILD/api/spoold" --data-dir "$WORK/data" --listen "127.0.0.1:$PORT" >"$WORK/spoold.log" 2>&1 &
PID=$!
trap 'kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
for ((i = 0; i < 300; i++)); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/ready")" == 200 ]] && break
  kill -0 "$PID" || { tail -20 "$WORK/spoold.log" >&2; exit 1; }
  sleep 0.2
done
rss_mb() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$PID/status"; }
echo "round | messages | spoold RSS MB"
echo "0 | 0 | $(rss_mb)"
for ((r = 1; r <= ROUNDS; r++)); do
  "$BUILD/bench/sqs/spool_bench_sqs" --target="127.0.0.1:$PORT" --scenario=receive-delete --queue=soak \
    --prefill="$PREFILL" --connections=32 --seconds=20 "$@" >/dev/null
  echo "$r | $((r * PREFILL)) | $(rss_mb)"
done
