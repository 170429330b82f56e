#!/usr/bin/env bash
# bench/sqs/run.sh — SQS load against Spool, next to its HTTP ceiling and to moto.
#
# Builds Release into build/bench, starts spoold (fresh data dir under /tmp), a cpprestsdk
# hello-world listener (spool_bench_hello) and moto_server, each on a free loopback port,
# runs spool_bench_sqs against them and prints one markdown table. Stops what it started.
#
# Knobs (environment):
#   RUN_SECONDS=10            bound of each Spool / hello run
#   SEND_CONNECTIONS="1 8 32 128 256"   connection sweep of Spool's `send`
#   CONNECTIONS=32            connections of send-batch, receive-delete and hello
#   PREFILL=100000            messages sent before receive-delete
#   LATENCY_RATE=1000         messages/s of the latency scenario
#   FIFO_GROUPS="1000 1"      message groups of the FIFO runs (send-batch, receive-delete);
#                             empty skips them
#   MOTO_SECONDS=5 MOTO_CONNECTIONS=4
#   SPOOL_FSYNC=              pass --fsync to spoold (default: spoold's own, batch)
#   HTTP_ENGINES="native cpprestsdk"  spoold's HTTP engines to run the Spool scenarios on
#                             (the first gets the full set, the others the send sweep)
#   PROFILE=1                 perf-record spoold during one `send` run at the peak
#   NO_BUILD=1                skip the build
#   GEN_THREADS=1             epoll loop threads of the generator
#   REPEAT=1                  runs of each scenario; the table shows the median one (by
#                             msg/s, or req/s where there is none; latency rows by p99)
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=$ROOT/build/bench
GEN=$BUILD/bench/sqs/spool_bench_sqs
HELLO=$BUILD/bench/sqs/spool_bench_hello
SPOOLD=$BUILD/api/spoold

RUN_SECONDS=${RUN_SECONDS:-10}
SEND_CONNECTIONS=${SEND_CONNECTIONS:-"1 8 32 128 256"}
CONNECTIONS=${CONNECTIONS:-32}
PREFILL=${PREFILL:-100000}
LATENCY_RATE=${LATENCY_RATE:-1000}
FIFO_GROUPS=${FIFO_GROUPS-"1000 1"}
MOTO_SECONDS=${MOTO_SECONDS:-5}
MOTO_CONNECTIONS=${MOTO_CONNECTIONS:-4}
GEN_THREADS=${GEN_THREADS:-1}
PROFILE=${PROFILE:-0}

log() { echo "[bench/sqs] $*" >&2; }

if [[ "${NO_BUILD:-0}" != 1 ]]; then
  log "building Release into $BUILD"
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSPOOL_BUILD_TESTS=OFF >/dev/null
  cmake --build "$BUILD" -j2 --target spoold spool_bench_sqs spool_bench_hello >/dev/null
fi

# SigV4: the generator's known answer, then the same request signed by botocore right now.
"$GEN" --selftest >/dev/null
if python3 -c 'import botocore' 2>/dev/null; then
  ours=$("$GEN" --selftest 2>/dev/null)
  theirs=$(python3 "$ROOT/bench/sqs/sigv4_ref.py" | tail -1)
  if [[ "$ours" != "$theirs" ]]; then
    log "SigV4 mismatch with botocore:"; log " ours:   $ours"; log " botocore: $theirs"; exit 1
  fi
  log "SigV4 signer matches botocore's SigV4Auth"
fi

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

WORK=$(mktemp -d /tmp/spool-bench.XXXXXX)
chmod 0755 "$WORK"   # embedded PostgreSQL runs as `postgres` when we are root
PIDS=()

stop_pid() {  # stop one process we started: TERM, wait up to 20 s, then KILL
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  local rc=0
  wait "$pid" 2>/dev/null || rc=$?
  [[ $rc == 0 ]] || log "pid $pid exited with status $rc after SIGTERM"
}
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_http() {  # url seconds pid: until the URL answers 200
  local url=$1 secs=$2 pid=$3 i
  for ((i = 0; i < secs * 5; i++)); do
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url")" == 200 ]]; then return 0; fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

REPEAT=${REPEAT:-1}
ROWS=()
median_row() {  # rows...: the middle one by msg/s (req/s when empty; p99 for latency rows)
  printf '%s\n' "$@" |
    awk -F'|' '{ k = ($3 ~ /latency/) ? $8 : (($6 + 0 > 0) ? $6 : $5); gsub(/ /, "", k); print k "\t" $0 }' |
    sort -g | awk -v n=$# 'NR == int((n + 1) / 2) { sub(/^[^\t]*\t/, ""); print }'
}
run_gen() {  # label target args... ; appends the (median) row, echoes the details to stderr
  local label=$1 target=$2 out i
  local rows=()
  shift 2
  for ((i = 0; i < REPEAT; i++)); do
    out=$("$GEN" --label="$label" --target="$target" --threads="$GEN_THREADS" "$@") || {
      log "generator failed: $label $*"; echo "$out" >&2; return 1; }
    echo "$out" | grep -v '^| ' >&2 || true
    rows+=("$(echo "$out" | grep '^| ' | tail -1)")
  done
  ROWS+=("$(median_row "${rows[@]}")")
}
row_rps() { echo "$1" | awk -F'|' '{gsub(/ /, "", $5); print $5}'; }

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
log "load average at start: $LOAD_START ($(nproc) cores)"

# --- Spool, once per HTTP engine ---------------------------------------------------------
HTTP_ENGINES=${HTTP_ENGINES:-"native cpprestsdk"}
FIRST_ENGINE=${HTTP_ENGINES%% *}
HELLO_CONNS=" $CONNECTIONS "
declare -A BEST
for engine in $HTTP_ENGINES; do
  SPOOL_PORT=$(free_port)
  rm -rf "$WORK/spool"
  spool_args=(--data-dir "$WORK/spool" --listen "127.0.0.1:$SPOOL_PORT" --http-engine "$engine")
  [[ -n "${SPOOL_FSYNC:-}" ]] && spool_args+=(--fsync "$SPOOL_FSYNC")
  mkdir -p "$WORK/spool" && chmod 0755 "$WORK/spool"
  "$SPOOLD" "${spool_args[@]}" >"$WORK/spoold.log" 2>&1 &
  SPOOLD_PID=$!
  PIDS+=("$SPOOLD_PID")
  if ! wait_http "http://127.0.0.1:$SPOOL_PORT/ready" 120 "$SPOOLD_PID"; then
    log "spoold did not become ready; last log lines:"; tail -20 "$WORK/spoold.log" >&2; exit 1
  fi
  log "spoold ($engine HTTP) ready on 127.0.0.1:$SPOOL_PORT (pid $SPOOLD_PID)"
  SPOOL=127.0.0.1:$SPOOL_PORT
  label=spool-$engine

  best_rps=0; best_conns=0
  for c in $SEND_CONNECTIONS; do
    run_gen "$label" "$SPOOL" --scenario=send --connections="$c" --seconds="$RUN_SECONDS"
    rps=$(row_rps "${ROWS[-1]}")
    if (( ${rps%.*} > best_rps )); then best_rps=${rps%.*}; best_conns=$c; fi
  done
  BEST[$engine]="$best_conns connections ($best_rps req/s)"
  [[ "$HELLO_CONNS" == *" $best_conns "* ]] || HELLO_CONNS+="$best_conns "
  log "Spool ($engine) send peaks at ${BEST[$engine]}"
  if [[ "$engine" == "$FIRST_ENGINE" ]]; then
    run_gen "$label" "$SPOOL" --scenario=send-batch --connections="$CONNECTIONS" --seconds="$RUN_SECONDS"
    for w in 0 1; do
      run_gen "$label" "$SPOOL" --scenario=receive-delete --wait-time=$w --prefill="$PREFILL" \
        --connections="$CONNECTIONS" --seconds="$RUN_SECONDS"
    done
    run_gen "$label" "$SPOOL" --scenario=latency --rate="$LATENCY_RATE" --seconds="$RUN_SECONDS"
    for g in $FIFO_GROUPS; do
      run_gen "$label" "$SPOOL" --scenario=send-batch --groups="$g" --connections="$CONNECTIONS" --seconds="$RUN_SECONDS"
      # Long polls (wait 1): with few groups most receives find every group in flight.
      run_gen "$label" "$SPOOL" --scenario=receive-delete --groups="$g" --wait-time=1 --prefill="$PREFILL" \
        --connections="$CONNECTIONS" --seconds="$RUN_SECONDS"
    done

    if [[ "$PROFILE" == 1 ]] && command -v perf >/dev/null; then
      log "profiling spoold during send at $best_conns connections"
      "$GEN" --label=spool-profiled --target="$SPOOL" --threads="$GEN_THREADS" --scenario=send \
        --connections="$best_conns" --seconds="$RUN_SECONDS" >"$WORK/profiled.txt" &
      gen_pid=$!
      sleep 1
      perf record -F 999 -g -p "$SPOOLD_PID" -o "$WORK/perf.data" -- sleep $((RUN_SECONDS > 4 ? RUN_SECONDS - 2 : 2)) \
        >/dev/null 2>&1 || log "perf record failed"
      wait "$gen_pid" || true
      grep '^| ' "$WORK/profiled.txt" >&2 || true
      echo "spoold profile (self time, top 20):" >&2
      perf report -i "$WORK/perf.data" --no-children --sort dso,symbol --stdio 2>/dev/null |
        grep -E '^ +[0-9.]+%' | head -20 | cut -c1-160 >&2 || true
      echo "spoold profile (by library):" >&2
      perf report -i "$WORK/perf.data" --no-children --sort dso --stdio 2>/dev/null |
        grep -E '^ +[0-9.]+%' | head -8 >&2 || true
      echo "spoold profile (by thread):" >&2
      perf report -i "$WORK/perf.data" --no-children --sort comm --stdio 2>/dev/null |
        grep -E '^ +[0-9.]+%' | head -8 >&2 || true
    fi
  fi
  stop_pid "$SPOOLD_PID"
done

# --- hello world on each HTTP engine: the ceilings ----------------------------------------
for engine in cpprestsdk native; do
  HELLO_PORT=$(free_port)
  "$HELLO" --listen="127.0.0.1:$HELLO_PORT" --threads=2 --engine="$engine" >"$WORK/hello.log" 2>&1 &
  HELLO_PID=$!
  PIDS+=("$HELLO_PID")
  wait_http "http://127.0.0.1:$HELLO_PORT/" 10 "$HELLO_PID" || { log "hello server ($engine) did not start"; exit 1; }
  for c in $HELLO_CONNS; do
    run_gen "hello-$engine" "127.0.0.1:$HELLO_PORT" --scenario=send --connections="$c" --seconds="$RUN_SECONDS" 2>/dev/null
  done
  # The same ceiling for SendMessageBatch's request shape (10 x 256 B, about 3.4 KB signed):
  # what HTTP, SigV4 signing and the generator cost before Spool does any work. The hello
  # reply is empty, so that row's msg/s counts replies; read its req/s.
  if [[ "$engine" == native ]]; then
    run_gen "hello-$engine" "127.0.0.1:$HELLO_PORT" --scenario=send-batch --connections="$CONNECTIONS" \
      --seconds="$RUN_SECONDS" 2>/dev/null
  fi
  stop_pid "$HELLO_PID"
done

# --- moto ----------------------------------------------------------------------------------
if command -v moto_server >/dev/null; then
  MOTO_PORT=$(free_port)
  moto_server -H 127.0.0.1 -p "$MOTO_PORT" >"$WORK/moto.log" 2>&1 &
  MOTO_PID=$!
  PIDS+=("$MOTO_PID")
  if wait_http "http://127.0.0.1:$MOTO_PORT/moto-api/data.json" 60 "$MOTO_PID"; then
    run_gen moto "127.0.0.1:$MOTO_PORT" --scenario=send --connections="$MOTO_CONNECTIONS" \
      --seconds="$MOTO_SECONDS" --max-requests=100000
  else
    log "moto_server did not start"; tail -5 "$WORK/moto.log" >&2
  fi
  stop_pid "$MOTO_PID"
else
  log "moto_server not installed; skipping"
fi

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
echo
echo "Load average: $LOAD_START at start, $LOAD_END at end ($(nproc) cores; other builds share the machine)."
for engine in $HTTP_ENGINES; do echo "Spool's send ($engine HTTP) peaks at ${BEST[$engine]}."; done
echo "Generator: $GEN_THREADS epoll thread(s); each row is the median of $REPEAT run(s)."
echo
echo "| target | scenario | connections | req/s | msg/s | p50 ms | p99 ms | errors |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${ROWS[@]}"
