#!/usr/bin/env bash
# Fails when an #include points up or sideways past the layering of docs/ARCHITECTURE.md:
# api -> auth, engine -> storage -> common. api/main.cpp and api/spoold_flags.* are the
# composition root and may name every layer; so is api/admin_catalog.*, which opens the
# catalog (and maybe the embedded PostgreSQL) for `spoold admin` as main.cpp does for
# the server.
set -euo pipefail
cd "$(dirname "$0")/.."

allowed() {  # folder -> folders it may include from
  case "$1" in
    common) echo "common" ;;
    storage) echo "storage common" ;;
    engine) echo "engine storage common" ;;
    auth) echo "auth storage common" ;;
    api) echo "api auth engine common" ;;
  esac
}

bad=0
for layer in common storage engine auth api; do
  while IFS= read -r line; do
    file=${line%%:*}
    target=$(sed -E 's/.*#include "([a-z_]+)\/.*/\1/' <<<"$line")
    case "$file" in api/main.cpp|api/spoold_flags.*|api/admin_catalog.*) continue ;; esac
    if ! grep -qw "$target" <<<"$(allowed "$layer")"; then
      echo "layering: $line" >&2
      bad=1
    fi
  done < <(grep -rnE '#include "[a-z_]+/' "$layer" --include='*.h' --include='*.cpp' || true)
done
exit $bad
