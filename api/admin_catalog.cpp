#include "api/admin_catalog.h"

#include <chrono>
#include <thread>

namespace spool {

Result<std::unique_ptr<AdminCatalog>> AdminCatalog::open(const StorageConfig& storage) {
  std::unique_ptr<AdminCatalog> admin(new AdminCatalog());
  if (!storage.database_url.empty()) {
    auto catalog = PgCatalog::open(storage.database_url);
    if (!catalog) return catalog.error();
    admin->catalog_ = std::move(*catalog);
    return admin;
  }
  if (!has_embedded_cluster(storage.data_dir)) {
    return Status(Errc::kNotFound, "no Spool catalog in " + storage.data_dir +
                                       " (start spoold there once, or pass --database-url)");
  }
  // A spoold may be starting or stopping at this moment: then neither the lock nor its
  // socket is available for a short while, so both are tried for a few seconds.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  Status last;
  while (true) {
    auto lock = DataDirLock::acquire(storage.data_dir);
    if (lock) {
      auto postgres = EmbeddedPostgres::start(storage.data_dir);
      if (!postgres) return postgres.error();
      admin->lock_ = std::move(*lock);
      admin->postgres_ = std::move(*postgres);
      auto catalog = PgCatalog::open(admin->postgres_->conninfo());
      if (!catalog) return catalog.error();
      admin->catalog_ = std::move(*catalog);
      return admin;
    }
    if (lock.error().code() != Errc::kUnavailable) return lock.error();
    // The running spoold's PostgreSQL.
    auto catalog = PgCatalog::open(embedded_conninfo(storage.data_dir), 2);
    if (catalog) {
      admin->catalog_ = std::move(*catalog);
      return admin;
    }
    last = catalog.error();
    if (std::chrono::steady_clock::now() > deadline) {
      return Status(Errc::kUnavailable, "spoold holds " + storage.data_dir +
                                            " but its PostgreSQL does not answer: " + last.message());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

AdminCatalog::~AdminCatalog() {
  catalog_.reset();
  if (postgres_) postgres_->stop();
  postgres_.reset();
  lock_.reset();
}

}  // namespace spool
