#!/usr/bin/env bash
# Builds everything with AddressSanitizer + UndefinedBehaviorSanitizer and runs every
# test suite through ctest: unit tests, integration tests against a real PostgreSQL and
# spoold, conformance with real clients (boto3 JSON and Query, AWS CLI, the JavaScript
# SDK, Terraform), the crash test and the OpenAPI check. Two at a time: the long ones
# (Terraform, crash) mostly wait on clients and disks.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
scripts/check-layering.sh
# Debug (-O0) compiles about twice as fast as -O2 on 2 cores; the suites wait on clients
# and disks more than on CPU. Benchmarks are not built here.
cmake -S . -B build/test -DCMAKE_BUILD_TYPE=Debug -DSPOOL_SANITIZE=ON -DSPOOL_BUILD_BENCH=OFF >/dev/null
cmake --build build/test -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd build/test
ctest --output-on-failure --timeout 1200 -j2
