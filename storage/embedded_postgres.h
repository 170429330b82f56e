#pragma once

// EmbeddedPostgres: the private PostgreSQL cluster that spoold runs when no
// --database-url is given (the "embedded default").
//
// Lifecycle: start() creates the cluster under <data_dir>/pg with initdb on first use,
// clears what a killed predecessor left (a still-running or stale postmaster), starts
// `postgres` as our child listening only on a unix socket inside the cluster directory
// (no TCP port), waits until it accepts connections and creates the `spool` database.
// stop() (or the destructor) shuts it down cleanly. If spoold dies, even by SIGKILL, the
// kernel sends the postmaster SIGINT (parent-death signal) and it shuts down by itself.
//
// When spoold runs as root (as in CI), initdb and postgres, which refuse root, run as the
// `postgres` system user, who owns the cluster directory.
//
// Requires: the caller holds the DataDirLock of data_dir. Call start() and stop() from
// the main thread (the parent-death signal follows the thread that forked).

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>

#include "common/status.h"

namespace spool {

class EmbeddedPostgres {
 public:
  static Result<std::unique_ptr<EmbeddedPostgres>> start(
      const std::string& data_dir, std::chrono::seconds timeout = std::chrono::seconds(60));
  ~EmbeddedPostgres();

  EmbeddedPostgres(const EmbeddedPostgres&) = delete;
  EmbeddedPostgres& operator=(const EmbeddedPostgres&) = delete;

  // libpq connection string for the `spool` database.
  std::string conninfo() const;
  pid_t pid() const { return pid_; }

  // Fast shutdown (SIGINT), waiting up to 30 s, then SIGKILL. Idempotent.
  void stop();

 private:
  EmbeddedPostgres(std::string cluster_dir, pid_t pid) : cluster_dir_(std::move(cluster_dir)), pid_(pid) {}

  std::string cluster_dir_;
  pid_t pid_;
};

// The libpq connection string of the `spool` database of the embedded cluster under
// `data_dir`, whichever process runs it: `spoold admin` reaches a running spoold's
// catalog this way (unix socket <data_dir>/pg/.s.PGSQL.5432).
std::string embedded_conninfo(const std::string& data_dir);

// Whether `data_dir` holds an embedded cluster (initdb has run there).
bool has_embedded_cluster(const std::string& data_dir);

// The directory holding `postgres` and `initdb`: $SPOOL_PG_BIN, else the newest
// /usr/lib/postgresql/<version>/bin. kUnavailable with an install hint if none.
Result<std::string> find_postgres_bin_dir();

}  // namespace spool
