#pragma once

// AdminCatalog: how `spoold admin` reaches the catalog, given the server's own storage
// flags, so an operator never needs another connection string:
//   - with --database-url: that database;
//   - embedded default while spoold runs on the data directory (it holds the data-dir
//     lock and runs the embedded PostgreSQL): its PostgreSQL, over the unix socket in
//     <data-dir>/pg. The server is not disturbed; it sees the change at its next
//     credentials refresh (every 2 s);
//   - embedded default with no spoold running: the admin takes the data-dir lock and
//     starts the embedded PostgreSQL for the length of the command. A spoold started in
//     that moment is refused, as any second process on one data directory is.
// A data directory without an embedded cluster is refused rather than created, so a
// mistyped --data-dir does not quietly make a new, empty cluster.
//
// One caller at a time; the destructor closes the catalog, then stops a PostgreSQL it
// started, then releases the lock. Call from the main thread.

#include <memory>

#include "common/status.h"
#include "storage/catalog.h"
#include "storage/data_dir_lock.h"
#include "storage/embedded_postgres.h"
#include "storage/pg_catalog.h"
#include "storage/storage_config.h"

namespace spool {

class AdminCatalog {
 public:
  static Result<std::unique_ptr<AdminCatalog>> open(const StorageConfig& storage);
  ~AdminCatalog();

  Catalog& catalog() { return *catalog_; }

 private:
  AdminCatalog() = default;

  std::unique_ptr<DataDirLock> lock_;        // only when this command runs the cluster
  std::unique_ptr<EmbeddedPostgres> postgres_;
  std::unique_ptr<PgCatalog> catalog_;
};

}  // namespace spool
