#include "storage/pg_connection.h"

#include <charconv>
#include <cstring>

namespace spool {
namespace {

std::string trimmed_error(PGconn* conn) {
  std::string text = conn ? PQerrorMessage(conn) : "out of memory";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  // libpq's connection errors can span lines; keep them on one log line.
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  return text;
}

Status result_status(PGresult* result, PGconn* conn) {
  ExecStatusType st = PQresultStatus(result);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return Status();
  const char* sqlstate = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  std::string message = "[";
  message += sqlstate ? sqlstate : "?????";
  message += "] ";
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  message += primary ? primary : trimmed_error(conn);
  bool connection_lost = PQstatus(conn) != CONNECTION_OK;
  return Status(connection_lost ? Errc::kUnavailable : Errc::kInternal, message);
}

}  // namespace

int64_t PgRows::int64(int row, int col) const {
  const char* text = PQgetvalue(result_.get(), row, col);
  int64_t value = 0;
  std::from_chars(text, text + std::strlen(text), value);
  return value;
}

int64_t PgRows::affected() const {
  const char* text = PQcmdTuples(result_.get());
  int64_t value = 0;
  std::from_chars(text, text + std::strlen(text), value);
  return value;
}

Result<std::unique_ptr<PgConnection>> PgConnection::connect(const std::string& conninfo,
                                                            int connect_timeout_s) {
  // connect_timeout comes first so that a value inside `conninfo` wins over our default.
  std::string timeout = std::to_string(connect_timeout_s);
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {timeout.c_str(), "spoold", conninfo.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    std::string message = "cannot connect to PostgreSQL: " + trimmed_error(conn);
    if (conn) PQfinish(conn);
    return Status(Errc::kUnavailable, message);
  }
  // Notices (e.g. "relation already exists, skipping") are not worth a log line each.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<PgConnection>(new PgConnection(conn));
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::reset_if_broken() {
  if (PQstatus(conn_) == CONNECTION_OK) return true;
  PQreset(conn_);
  return PQstatus(conn_) == CONNECTION_OK;
}

Result<PgRows> PgConnection::exec(const std::string& sql,
                                  const std::vector<std::optional<std::string>>& params) {
  if (!reset_if_broken()) {
    return Status(Errc::kUnavailable, "PostgreSQL connection lost: " + trimmed_error(conn_));
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  PGresult* result = PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                  values.data(), nullptr, nullptr, /*resultFormat=*/0);
  if (result == nullptr) {
    return Status(Errc::kUnavailable, "PostgreSQL query failed: " + trimmed_error(conn_));
  }
  PgRows rows(result);
  Status st = result_status(result, conn_);
  if (!st.ok()) return st;
  return rows;
}

Status PgConnection::exec_script(const std::string& sql) {
  if (!reset_if_broken()) {
    return Status(Errc::kUnavailable, "PostgreSQL connection lost: " + trimmed_error(conn_));
  }
  PGresult* result = PQexec(conn_, sql.c_str());
  if (result == nullptr) {
    return Status(Errc::kUnavailable, "PostgreSQL query failed: " + trimmed_error(conn_));
  }
  PgRows owner(result);
  return result_status(result, conn_);
}

bool PgConnection::ping() {
  auto rows = exec("SELECT 1");
  return rows.has_value();
}

bool is_unique_violation(const Status& status) {
  return status.message().rfind("[23505]", 0) == 0;
}

}  // namespace spool
