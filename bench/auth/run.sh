#!/usr/bin/env bash
# bench/auth/run.sh — what SigV4 verification costs SendMessage, measured in one run.
#
# 1. spool_bench_sigv4 times verify_sigv4 (the production verifier and credential store)
#    on the exact request bench/sqs's `send` scenario sends: ns per verification.
# 2. spoold serves `send` from spool_bench_sqs for RUN_SECONDS at CONNECTIONS; spoold's
#    CPU time (utime+stime of /proc/<pid>/stat) over the requests served is its CPU cost
#    per SendMessage, verification included.
# The share of verification is (1) / (2). Spool's throughput is CPU-bound on this machine
# (2 cores shared with the generator), so without verification it could rise by at most
# share / (1 - share). There is deliberately no switch that turns verification off.
#
# Knobs: RUN_SECONDS=8 CONNECTIONS=32 NO_BUILD=1 (skip the Release build into build/bench).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=$ROOT/build/bench
RUN_SECONDS=${RUN_SECONDS:-8}
CONNECTIONS=${CONNECTIONS:-32}
log() { echo "[bench/auth] $*" >&2; }

if [[ "${NO_BUILD:-0}" != 1 ]]; then
  log "building Release into $BUILD"
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSPOOL_BUILD_TESTS=OFF >/dev/null
  cmake --build "$BUILD" -j2 --target spoold spool_bench_sqs spool_bench_sigv4 >/dev/null
fi

WORK=$(mktemp -d /tmp/spool-bench-auth.XXXXXX)
chmod 0755 "$WORK"
SPOOLD_PID=
cleanup() {
  if [[ -n "$SPOOLD_PID" ]] && kill -0 "$SPOOLD_PID" 2>/dev/null; then
    kill -TERM "$SPOOLD_PID"; wait "$SPOOLD_PID" || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

read -r _ warm_ns warm_rate < <("$BUILD/bench/auth/spool_bench_sigv4" --seconds=2 | grep '^warm ')
read -r _ cold_ns _ < <("$BUILD/bench/auth/spool_bench_sigv4" --seconds=2 | grep '^derive-each-time ')

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$WORK/spool" && chmod 0755 "$WORK/spool"
"$BUILD/api/spoold" --data-dir "$WORK/spool" --listen "127.0.0.1:$PORT" >"$WORK/spoold.log" 2>&1 &
SPOOLD_PID=$!
for _ in $(seq 300); do
  curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null && break
  sleep 0.2
done
ticks() { awk '{print $14 + $15}' "/proc/$SPOOLD_PID/stat"; }
HZ=$(getconf CLK_TCK)
before=$(ticks)
out=$("$BUILD/bench/sqs/spool_bench_sqs" --label=spool --target="127.0.0.1:$PORT" --scenario=send \
  --connections="$CONNECTIONS" --seconds="$RUN_SECONDS")
after=$(ticks)
row=$(echo "$out" | grep '^| ' | tail -1)
rps=$(echo "$row" | awk -F'|' '{gsub(/ /, "", $5); print $5}')
python3 - "$warm_ns" "$cold_ns" "$rps" "$before" "$after" "$HZ" "$RUN_SECONDS" "$CONNECTIONS" <<'PY'
import sys
warm_ns, cold_ns, rps, before, after, hz, seconds, conns = map(float, sys.argv[1:])
requests = rps * seconds
cpu_us = (after - before) / hz * 1e6 / requests
share = warm_ns / 1000 / cpu_us
print("| measure | value |")
print("| --- | ---: |")
print("| SendMessage 256 B, %d connections | %.0f req/s |" % (conns, rps))
print("| spoold CPU per SendMessage (all threads) | %.1f us |" % cpu_us)
print("| verify_sigv4, warm key cache (1 thread) | %.2f us |" % (warm_ns / 1000))
print("| verify_sigv4, deriving the signing key | %.2f us |" % (cold_ns / 1000))
print("| verification's share of SendMessage CPU | %.1f %% |" % (100 * share))
print("| SendMessage req/s without verification, at most | %.0f (+%.1f %%) |" % (rps / (1 - share), 100 * share / (1 - share)))
PY
