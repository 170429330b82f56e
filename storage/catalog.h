#pragma once

// Catalog: the small relational metadata Spool keeps in PostgreSQL — the cluster's shard
// layout, tenants (accounts) and their access keys. Queues, topics and move tasks join
// it as their issues land (the tables exist from migration 1).
//
// This is a seam: PgCatalog is the production implementation; engine and auth tests use
// an in-memory one. Calls block on the database: make them from start-up code, the
// admin command or a catalog thread, never from an HTTP pool or shard thread.
// Implementations are safe from any thread (calls are serialized).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace spool {

struct ClusterLayout {
  int shard_count = 0;
  // Per shard, the secret that MessageIds are derived from (segments spec 5), raw bytes.
  std::vector<std::string> shard_keys;
};

// An account's own limits; nullopt: the server's default applies (spoold flags).
struct AccountQuotas {
  std::optional<int64_t> max_queues;               // live queues at once
  std::optional<int64_t> max_requests_per_second;  // token bucket rate (and burst)

  bool operator==(const AccountQuotas&) const = default;
};

struct Account {
  std::string account_id;  // 12 decimal digits
  std::string name;
  int64_t created_ms = 0;
  AccountQuotas quotas;
};

struct AccessKeyRecord {
  std::string access_key_id;
  std::string account_id;
  std::string secret_sealed;  // opaque bytes from auth/secret_box.h; never the plain secret
  bool is_active = true;
  int64_t created_ms = 0;
};

struct QueueRecord {
  uint64_t queue_id = 0;  // assigned by create_queue
  std::string account_id;
  std::string name;
  bool is_fifo = false;
  int shard_id = 0;
  // Settable attributes, values exactly as the client sent them.
  std::map<std::string, std::string> attributes;
  std::map<std::string, std::string> tags;
  int64_t created_ms = 0;
  int64_t modified_ms = 0;
};

class Catalog {
 public:
  virtual ~Catalog() = default;

  // Returns the cluster's layout, creating it with `shard_count` shards and fresh random
  // keys on the very first call against a database. Later calls return what was stored,
  // whatever `shard_count` says (shards are fixed at cluster creation).
  virtual Result<ClusterLayout> ensure_cluster(int shard_count) = 0;

  // kAlreadyExists when the id or the name is taken by a live account.
  virtual Status create_account(const Account& account) = 0;
  virtual Result<std::optional<Account>> find_account(const std::string& account_id) = 0;
  virtual Result<std::vector<Account>> list_accounts() = 0;
  // Soft-deletes the account and deactivates its keys. kNotFound if absent.
  virtual Status delete_account(const std::string& account_id, int64_t now_ms) = 0;
  // Replaces the live account's quota overrides whole. kNotFound if absent.
  virtual Status set_account_quotas(const std::string& account_id, const AccountQuotas& quotas) = 0;

  // kAlreadyExists when the key id is taken; kNotFound when the account is absent.
  virtual Status create_access_key(const AccessKeyRecord& key) = 0;
  // Every key (active or not) of live accounts; of one account when `account_id` is set.
  virtual Result<std::vector<AccessKeyRecord>> list_access_keys(
      const std::optional<std::string>& account_id) = 0;
  // Deactivates a key. kNotFound if absent.
  virtual Status revoke_access_key(const std::string& access_key_id, int64_t now_ms) = 0;

  // Stores a new live queue and returns it with its queue_id. kAlreadyExists when the
  // account has a live queue of that name.
  virtual Result<QueueRecord> create_queue(const QueueRecord& queue) = 0;
  // Every live queue of every account (start-up cache load).
  virtual Result<std::vector<QueueRecord>> list_live_queues() = 0;
  // When the account's most recently deleted queue of that name was deleted, if ever.
  virtual Result<std::optional<int64_t>> last_queue_deletion_ms(const std::string& account_id,
                                                                const std::string& name) = 0;
  // Replace the queue's attributes / tags whole. kQueueNotFound if not live.
  virtual Status set_queue_attributes(uint64_t queue_id,
                                      const std::map<std::string, std::string>& attributes,
                                      int64_t modified_ms) = 0;
  virtual Status set_queue_tags(uint64_t queue_id, const std::map<std::string, std::string>& tags) = 0;
  // Soft-deletes. kQueueNotFound if not live.
  virtual Status delete_queue(uint64_t queue_id, int64_t deleted_ms) = 0;

  // True when the database answers now.
  virtual bool ping() = 0;
};

}  // namespace spool
