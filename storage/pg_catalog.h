#pragma once

// PgCatalog: the Catalog in PostgreSQL through libpq (no ORM).
//
// open() connects, applies the schema migrations (storage/migrations.h) and returns a
// catalog ready for use. One connection, serialized by a mutex: safe from any thread,
// blocking. The catalog is off the data path, so one connection is enough for now.

#include <functional>
#include <memory>
#include <mutex>

#include "storage/catalog.h"
#include "storage/move_task_catalog.h"
#include "storage/pg_connection.h"

namespace spool {

class PgCatalog final : public Catalog, public MoveTaskCatalog {
 public:
  // Fails with kUnavailable within ~connect_timeout_s when the server can't be reached.
  static Result<std::unique_ptr<PgCatalog>> open(const std::string& conninfo,
                                                 int connect_timeout_s = 5);

  Result<ClusterLayout> ensure_cluster(int shard_count) override;
  Status create_account(const Account& account) override;
  Result<std::optional<Account>> find_account(const std::string& account_id) override;
  Result<std::vector<Account>> list_accounts() override;
  Status delete_account(const std::string& account_id, int64_t now_ms) override;
  Status set_account_quotas(const std::string& account_id, const AccountQuotas& quotas) override;
  Status create_access_key(const AccessKeyRecord& key) override;
  Result<std::vector<AccessKeyRecord>> list_access_keys(
      const std::optional<std::string>& account_id) override;
  Status revoke_access_key(const std::string& access_key_id, int64_t now_ms) override;
  Result<QueueRecord> create_queue(const QueueRecord& queue) override;
  Result<std::vector<QueueRecord>> list_live_queues() override;
  Result<std::optional<int64_t>> last_queue_deletion_ms(const std::string& account_id,
                                                        const std::string& name) override;
  Status set_queue_attributes(uint64_t queue_id, const std::map<std::string, std::string>& attributes,
                              int64_t modified_ms) override;
  Status set_queue_tags(uint64_t queue_id, const std::map<std::string, std::string>& tags) override;
  Status delete_queue(uint64_t queue_id, int64_t deleted_ms) override;
  bool ping() override;

  // MoveTaskCatalog (pg_move_tasks.cpp).
  Status create_move_task(const MoveTaskRecord& task) override;
  Status update_move_task(const MoveTaskRecord& task) override;
  Result<std::optional<MoveTaskRecord>> find_move_task(const std::string& task_handle) override;
  Result<std::vector<MoveTaskRecord>> list_move_tasks(uint64_t source_queue_id, int limit) override;
  Result<std::vector<MoveTaskRecord>> list_active_move_tasks() override;

 private:
  explicit PgCatalog(std::unique_ptr<PgConnection> conn) : conn_(std::move(conn)) {}
  // Runs `body` inside BEGIN/COMMIT, rolling back when it fails. Requires mutex_ held.
  Status in_transaction(const std::function<Status()>& body);
  // Replaces the (key, value) rows of one queue in `table`. Requires a transaction.
  Status replace_pairs(const char* table, const char* key_column, uint64_t queue_id,
                       const std::map<std::string, std::string>& pairs);

  std::mutex mutex_;
  std::unique_ptr<PgConnection> conn_;
};

}  // namespace spool
