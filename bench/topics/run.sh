#!/usr/bin/env bash
# Starts a Release spoold on a temporary data directory (embedded PostgreSQL, fsync
# batch), runs spool_bench_topics against it, and stops it.
#   bench/topics/run.sh [build dir, default build/release] [extra bench flags...]
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build/release}
shift || true
DATA=$(mktemp -d /tmp/spool-bench-topics-XXXXXX)
chmod 755 "$DATA"
PORT=$((20000 + RANDOM % 20000))
"$BUILD/api/spoold" --data-dir "$DATA/data" --listen "127.0.0.1:$PORT" --fsync batch >"$DATA/spoold.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null && break
  sleep 0.1
done
"$BUILD/bench/topics/spool_bench_topics" --endpoint "127.0.0.1:$PORT" "$@"
