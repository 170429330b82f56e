#pragma once

// The catalog's schema, as an ordered list of versioned SQL migrations.
//
// apply_migrations runs every migration not yet recorded in schema_migrations in one
// transaction under a PostgreSQL advisory lock, so two spoold processes
// starting against one database at the same moment apply each migration exactly once.
// Migrations are append-only: never edit one that has shipped, add the next version.

#include <span>
#include <string_view>

#include "common/status.h"
#include "storage/pg_connection.h"

namespace spool {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// All migrations, in version order (1, 2, 3, ...).
std::span<const Migration> catalog_migrations();

// Applies what is missing; returns how many were applied now. Blocking.
Result<int> apply_migrations(PgConnection& conn);

}  // namespace spool
