#include "storage/pg_catalog.h"

#include "common/random.h"
#include "common/status.h"
#include "storage/migrations.h"

namespace spool {
namespace {

// bytea travels as text in libpq's hex format ("\x0a1b...").
std::string to_bytea(const std::string& bytes) { return "\\x" + hex_encode(bytes); }

std::string from_bytea(const std::string& text) {
  std::string out;
  if (text.size() >= 2 && text[0] == '\\' && text[1] == 'x') hex_decode(text.substr(2), &out);
  return out;
}

std::string now_sql() { return "(extract(epoch from clock_timestamp()) * 1000)::bigint"; }

constexpr const char* kAccountColumns = "account_id, name, created_ms, max_queues, max_requests_per_second";

std::optional<int64_t> nullable_int64(const PgRows& rows, int row, int column) {
  if (rows.is_null(row, column)) return std::nullopt;
  return rows.int64(row, column);
}

Account account_at(const PgRows& rows, int row) {
  return Account{rows.text(row, 0), rows.text(row, 1), rows.int64(row, 2),
                 AccountQuotas{nullable_int64(rows, row, 3), nullable_int64(rows, row, 4)}};
}

std::optional<std::string> nullable_text(const std::optional<int64_t>& value) {
  if (!value) return std::nullopt;
  return std::to_string(*value);
}

}  // namespace

Result<std::unique_ptr<PgCatalog>> PgCatalog::open(const std::string& conninfo,
                                                   int connect_timeout_s) {
  auto conn = PgConnection::connect(conninfo, connect_timeout_s);
  if (!conn) return conn.error();
  auto applied = apply_migrations(**conn);
  if (!applied) return applied.error();
  return std::unique_ptr<PgCatalog>(new PgCatalog(std::move(*conn)));
}

Result<ClusterLayout> PgCatalog::ensure_cluster(int shard_count) {
  std::lock_guard lock(mutex_);
  // INSERT .. ON CONFLICT DO NOTHING makes the first of two concurrent starts win.
  Status st = conn_->exec_script("BEGIN");
  if (!st.ok()) return st;
  auto fail = [this](Status s) -> Result<ClusterLayout> {
    conn_->exec_script("ROLLBACK").ignore();
    return s;
  };
  auto inserted = conn_->exec("INSERT INTO cluster (shard_count, created_ms) VALUES ($1, " +
                                  now_sql() + ") ON CONFLICT DO NOTHING",
                              {std::to_string(shard_count)});
  if (!inserted) return fail(inserted.error());
  auto cluster = conn_->exec("SELECT shard_count FROM cluster");
  if (!cluster) return fail(cluster.error());
  ClusterLayout layout;
  layout.shard_count = static_cast<int>(cluster->int64(0, 0));
  for (int shard = 0; shard < layout.shard_count; ++shard) {
    auto row = conn_->exec(
        "INSERT INTO shards (shard_id, message_id_key) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        {std::to_string(shard), to_bytea(random_bytes(32))});
    if (!row) return fail(row.error());
  }
  auto keys = conn_->exec("SELECT shard_id, message_id_key FROM shards ORDER BY shard_id");
  if (!keys) return fail(keys.error());
  for (int i = 0; i < keys->size(); ++i) layout.shard_keys.push_back(from_bytea(keys->text(i, 1)));
  st = conn_->exec_script("COMMIT");
  if (!st.ok()) return st;
  return layout;
}

Status PgCatalog::create_account(const Account& account) {
  std::lock_guard lock(mutex_);
  auto rows = conn_->exec(
      "INSERT INTO accounts (account_id, name, created_ms) VALUES ($1, $2, $3)",
      {account.account_id, account.name, std::to_string(account.created_ms)});
  if (!rows) {
    if (is_unique_violation(rows.error())) {
      return Status(Errc::kAlreadyExists, "an account with that id or name exists");
    }
    return rows.error();
  }
  return Status();
}

Result<std::optional<Account>> PgCatalog::find_account(const std::string& account_id) {
  std::lock_guard lock(mutex_);
  auto rows = conn_->exec(std::string("SELECT ") + kAccountColumns +
                              " FROM accounts WHERE account_id = $1 AND deleted_ms IS NULL",
                          {account_id});
  if (!rows) return rows.error();
  if (rows->size() == 0) return std::optional<Account>();
  return std::optional<Account>(account_at(*rows, 0));
}

Result<std::vector<Account>> PgCatalog::list_accounts() {
  std::lock_guard lock(mutex_);
  auto rows = conn_->exec(std::string("SELECT ") + kAccountColumns +
                          " FROM accounts WHERE deleted_ms IS NULL ORDER BY account_id");
  if (!rows) return rows.error();
  std::vector<Account> out;
  for (int i = 0; i < rows->size(); ++i) out.push_back(account_at(*rows, i));
  return out;
}

Status PgCatalog::set_account_quotas(const std::string& account_id, const AccountQuotas& quotas) {
  std::lock_guard lock(mutex_);
  auto rows = conn_->exec(
      "UPDATE accounts SET max_queues = $2, max_requests_per_second = $3"
      " WHERE account_id = $1 AND deleted_ms IS NULL",
      {account_id, nullable_text(quotas.max_queues), nullable_text(quotas.max_requests_per_second)});
  if (!rows) return rows.error();
  if (rows->affected() == 0) return Status(Errc::kNotFound, "no account " + account_id);
  return Status();
}

Status PgCatalog::delete_account(const std::string& account_id, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  Status st = conn_->exec_script("BEGIN");
  if (!st.ok()) return st;
  auto rows = conn_->exec(
      "UPDATE accounts SET deleted_ms = $2 WHERE account_id = $1 AND deleted_ms IS NULL",
      {account_id, std::to_string(now_ms)});
  if (!rows || rows->affected() == 0) {
    conn_->exec_script("ROLLBACK").ignore();
    if (!rows) return rows.error();
    return Status(Errc::kNotFound, "no account " + account_id);
  }
  auto keys = conn_->exec(
      "UPDATE access_keys SET is_active = false, revoked_ms = $2"
      " WHERE account_id = $1 AND is_active",
      {account_id, std::to_string(now_ms)});
  if (!keys) {
    conn_->exec_script("ROLLBACK").ignore();
    return keys.error();
  }
  return conn_->exec_script("COMMIT");
}

Status PgCatalog::create_access_key(const AccessKeyRecord& key) {
  std::lock_guard lock(mutex_);
  auto rows = conn_->exec(
      "INSERT INTO access_keys (access_key_id, account_id, secret_sealed, is_active, created_ms)"
      " SELECT $1, $2, $3, $4, $5 WHERE EXISTS"
      " (SELECT 1 FROM accounts WHERE account_id = $2 AND deleted_ms IS NULL)",
      {key.access_key_id, key.account_id, to_bytea(key.secret_sealed),
       key.is_active ? "true" : "false", std::to_string(key.created_ms)});
  if (!rows) {
    if (is_unique_violation(rows.error())) {
      return Status(Errc::kAlreadyExists, "access key id " + key.access_key_id + " is taken");
    }
    return rows.error();
  }
  if (rows->affected() == 0) return Status(Errc::kNotFound, "no account " + key.account_id);
  return Status();
}

Result<std::vector<AccessKeyRecord>> PgCatalog::list_access_keys(
    const std::optional<std::string>& account_id) {
  std::lock_guard lock(mutex_);
  auto rows = conn_->exec(
      "SELECT k.access_key_id, k.account_id, k.secret_sealed, k.is_active, k.created_ms"
      " FROM access_keys k JOIN accounts a USING (account_id)"
      " WHERE a.deleted_ms IS NULL AND ($1::text IS NULL OR k.account_id = $1)"
      " ORDER BY k.account_id, k.created_ms, k.access_key_id",
      {account_id});
  if (!rows) return rows.error();
  std::vector<AccessKeyRecord> out;
  for (int i = 0; i < rows->size(); ++i) {
    out.push_back(AccessKeyRecord{rows->text(i, 0), rows->text(i, 1), from_bytea(rows->text(i, 2)),
                                  rows->text(i, 3) == "t", rows->int64(i, 4)});
  }
  return out;
}

Status PgCatalog::revoke_access_key(const std::string& access_key_id, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto rows = conn_->exec(
      "UPDATE access_keys SET is_active = false, revoked_ms = coalesce(revoked_ms, $2)"
      " WHERE access_key_id = $1",
      {access_key_id, std::to_string(now_ms)});
  if (!rows) return rows.error();
  if (rows->affected() == 0) return Status(Errc::kNotFound, "no access key " + access_key_id);
  return Status();
}

bool PgCatalog::ping() {
  std::lock_guard lock(mutex_);
  return conn_->ping();
}

}  // namespace spool

namespace spool {

Status PgCatalog::in_transaction(const std::function<Status()>& body) {
  Status st = conn_->exec_script("BEGIN");
  if (!st.ok()) return st;
  st = body();
  if (!st.ok()) {
    conn_->exec_script("ROLLBACK").ignore();
    return st;
  }
  return conn_->exec_script("COMMIT");
}

Status PgCatalog::replace_pairs(const char* table, const char* key_column, uint64_t queue_id,
                                const std::map<std::string, std::string>& pairs) {
  std::string id = std::to_string(queue_id);
  auto cleared = conn_->exec(std::string("DELETE FROM ") + table + " WHERE queue_id = $1", {id});
  if (!cleared) return cleared.error();
  for (const auto& [key, value] : pairs) {
    auto inserted = conn_->exec(std::string("INSERT INTO ") + table + " (queue_id, " + key_column +
                                    ", value) VALUES ($1, $2, $3)",
                                {id, key, value});
    if (!inserted) return inserted.error();
  }
  return Status();
}

Result<QueueRecord> PgCatalog::create_queue(const QueueRecord& queue) {
  std::lock_guard lock(mutex_);
  QueueRecord stored = queue;
  Status st = in_transaction([&]() -> Status {
    auto rows = conn_->exec(
        "INSERT INTO queues (account_id, name, is_fifo, shard_id, created_ms, modified_ms)"
        " VALUES ($1, $2, $3, $4, $5, $6) RETURNING queue_id",
        {queue.account_id, queue.name, queue.is_fifo ? "true" : "false",
         std::to_string(queue.shard_id), std::to_string(queue.created_ms),
         std::to_string(queue.modified_ms)});
    if (!rows) {
      if (is_unique_violation(rows.error())) {
        return Status(Errc::kAlreadyExists, "a queue named " + queue.name + " exists");
      }
      return rows.error();
    }
    stored.queue_id = static_cast<uint64_t>(rows->int64(0, 0));
    Status pairs = replace_pairs("queue_attributes", "name", stored.queue_id, queue.attributes);
    if (!pairs.ok()) return pairs;
    return replace_pairs("queue_tags", "key", stored.queue_id, queue.tags);
  });
  if (!st.ok()) return st;
  return stored;
}

Result<std::vector<QueueRecord>> PgCatalog::list_live_queues() {
  std::lock_guard lock(mutex_);
  auto rows = conn_->exec(
      "SELECT queue_id, account_id, name, is_fifo, shard_id, created_ms, modified_ms"
      " FROM queues WHERE deleted_ms IS NULL ORDER BY queue_id");
  if (!rows) return rows.error();
  std::vector<QueueRecord> queues;
  std::map<uint64_t, size_t> index;
  for (int i = 0; i < rows->size(); ++i) {
    QueueRecord q;
    q.queue_id = static_cast<uint64_t>(rows->int64(i, 0));
    q.account_id = rows->text(i, 1);
    q.name = rows->text(i, 2);
    q.is_fifo = rows->text(i, 3) == "t";
    q.shard_id = static_cast<int>(rows->int64(i, 4));
    q.created_ms = rows->int64(i, 5);
    q.modified_ms = rows->int64(i, 6);
    index[q.queue_id] = queues.size();
    queues.push_back(std::move(q));
  }
  for (const char* sql :
       {"SELECT a.queue_id, a.name, a.value FROM queue_attributes a JOIN queues q USING (queue_id)"
        " WHERE q.deleted_ms IS NULL",
        "SELECT t.queue_id, t.key, t.value FROM queue_tags t JOIN queues q USING (queue_id)"
        " WHERE q.deleted_ms IS NULL"}) {
    auto pairs = conn_->exec(sql);
    if (!pairs) return pairs.error();
    bool is_attributes = std::string_view(sql).find("queue_attributes") != std::string_view::npos;
    for (int i = 0; i < pairs->size(); ++i) {
      auto it = index.find(static_cast<uint64_t>(pairs->int64(i, 0)));
      if (it == index.end()) continue;
      QueueRecord& q = queues[it->second];
      (is_attributes ? q.attributes : q.tags)[pairs->text(i, 1)] = pairs->text(i, 2);
    }
  }
  return queues;
}

Result<std::optional<int64_t>> PgCatalog::last_queue_deletion_ms(const std::string& account_id,
                                                                const std::string& name) {
  std::lock_guard lock(mutex_);
  auto rows = conn_->exec(
      "SELECT max(deleted_ms) FROM queues WHERE account_id = $1 AND name = $2"
      " AND deleted_ms IS NOT NULL",
      {account_id, name});
  if (!rows) return rows.error();
  if (rows->size() == 0 || rows->is_null(0, 0)) return std::optional<int64_t>();
  return std::optional<int64_t>(rows->int64(0, 0));
}

Status PgCatalog::set_queue_attributes(uint64_t queue_id,
                                       const std::map<std::string, std::string>& attributes,
                                       int64_t modified_ms) {
  std::lock_guard lock(mutex_);
  return in_transaction([&]() -> Status {
    auto rows = conn_->exec(
        "UPDATE queues SET modified_ms = $2 WHERE queue_id = $1 AND deleted_ms IS NULL",
        {std::to_string(queue_id), std::to_string(modified_ms)});
    if (!rows) return rows.error();
    if (rows->affected() == 0) return Status(Errc::kQueueNotFound, "queue is gone");
    return replace_pairs("queue_attributes", "name", queue_id, attributes);
  });
}

Status PgCatalog::set_queue_tags(uint64_t queue_id, const std::map<std::string, std::string>& tags) {
  std::lock_guard lock(mutex_);
  return in_transaction([&]() -> Status {
    auto rows = conn_->exec("SELECT 1 FROM queues WHERE queue_id = $1 AND deleted_ms IS NULL FOR UPDATE",
                            {std::to_string(queue_id)});
    if (!rows) return rows.error();
    if (rows->size() == 0) return Status(Errc::kQueueNotFound, "queue is gone");
    return replace_pairs("queue_tags", "key", queue_id, tags);
  });
}

Status PgCatalog::delete_queue(uint64_t queue_id, int64_t deleted_ms) {
  std::lock_guard lock(mutex_);
  auto rows = conn_->exec("UPDATE queues SET deleted_ms = $2 WHERE queue_id = $1 AND deleted_ms IS NULL",
                          {std::to_string(queue_id), std::to_string(deleted_ms)});
  if (!rows) return rows.error();
  if (rows->affected() == 0) return Status(Errc::kQueueNotFound, "queue is gone");
  return Status();
}

}  // namespace spool
