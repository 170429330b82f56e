#pragma once

// PgConnection: one libpq connection and the few calls the catalog needs.
//
// One caller at a time (libpq connections are not thread-safe). Blocking: use it only on
// a catalog thread or at start-up, never on an HTTP or shard thread. Every query uses
// parameters ($1, $2, ...) so values never become SQL text.

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace spool {

// Rows of a query as text, the way libpq hands them over. NULL cells are nullopt.
class PgRows {
 public:
  explicit PgRows(PGresult* result) : result_(result, &PQclear) {}

  int size() const { return PQntuples(result_.get()); }
  bool is_null(int row, int col) const { return PQgetisnull(result_.get(), row, col) != 0; }
  std::string text(int row, int col) const { return PQgetvalue(result_.get(), row, col); }
  int64_t int64(int row, int col) const;
  // Number of rows an INSERT/UPDATE/DELETE touched.
  int64_t affected() const;

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> result_;
};

class PgConnection {
 public:
  // Connects with `conninfo` (a postgresql:// URL or key=value string). Fails within
  // `connect_timeout_s` when the server can't be reached; the message names the cause
  // (libpq's text) but not the password.
  static Result<std::unique_ptr<PgConnection>> connect(const std::string& conninfo,
                                                       int connect_timeout_s = 5);

  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one statement with text parameters. nullopt parameters are SQL NULL.
  Result<PgRows> exec(const std::string& sql,
                      const std::vector<std::optional<std::string>>& params = {});

  // Runs statements without parameters (migrations, BEGIN/COMMIT).
  Status exec_script(const std::string& sql);

  // True when the server answers a trivial query.
  bool ping();

 private:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  // Reconnects once when the server dropped the connection (restart of PostgreSQL).
  bool reset_if_broken();

  PGconn* conn_;
};

// SQLSTATE of a failed statement is kept in the message as "[23505] ..." so callers can
// recognise a unique violation without parsing libpq's English.
bool is_unique_violation(const Status& status);

}  // namespace spool
