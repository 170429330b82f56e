#!/usr/bin/env bash
# Builds spoold (Release) and starts it on the embedded default: a private PostgreSQL
# under the data directory. Extra arguments go to spoold (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DSPOOL_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j"$(nproc)" --target spoold

args=("$@")
# As root, the embedded PostgreSQL runs as the 'postgres' user, who must be able to reach
# the data directory. A checkout under /root is out of its reach: use /var/lib/spool.
if [[ $(id -u) -eq 0 && -z "${SPOOL_DATA_DIR:-}" && -z "${SPOOL_DATABASE_URL:-}" ]] \
   && ! printf '%s\n' "$@" | grep -q -- '^--data-dir\|^--database-url'; then
  if ! runuser -u postgres -- test -x "$PWD"; then
    echo "note: the postgres user cannot reach $PWD; using --data-dir /var/lib/spool" >&2
    args+=(--data-dir /var/lib/spool)
  fi
fi
exec build/release/api/spoold "${args[@]}"
