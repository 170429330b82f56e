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
cmake -S . -B build/test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSPOOL_SANITIZE=ON >/dev/null
cmake --build build/test -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd build/test
ctest --output-on-failure --timeout 1200 -j2
