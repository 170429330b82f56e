#pragma once

// MemoryCatalog: the Catalog seam's test implementation, in RAM, with the same
// contracts as PgCatalog (kAlreadyExists, kNotFound, soft deletion). Safe from any thread.

#include <algorithm>
#include <map>
#include <mutex>

#include "common/random.h"
#include "storage/catalog.h"

namespace spool {

class MemoryCatalog final : public Catalog {
 public:
  Result<ClusterLayout> ensure_cluster(int shard_count) override {
    std::lock_guard lock(mutex_);
    if (layout_.shard_count == 0) {
      layout_.shard_count = shard_count;
      for (int i = 0; i < shard_count; ++i) layout_.shard_keys.push_back(random_bytes(32));
    }
    return layout_;
  }

  Status create_account(const Account& account) override {
    std::lock_guard lock(mutex_);
    for (const auto& [id, a] : accounts_) {
      if (id == account.account_id || a.name == account.name) {
        return Status(Errc::kAlreadyExists, "an account with that id or name exists");
      }
    }
    accounts_[account.account_id] = account;
    return Status();
  }

  Result<std::optional<Account>> find_account(const std::string& account_id) override {
    std::lock_guard lock(mutex_);
    auto it = accounts_.find(account_id);
    if (it == accounts_.end()) return std::optional<Account>();
    return std::optional<Account>(it->second);
  }

  Result<std::vector<Account>> list_accounts() override {
    std::lock_guard lock(mutex_);
    std::vector<Account> out;
    for (const auto& [id, a] : accounts_) out.push_back(a);
    return out;
  }

  Status delete_account(const std::string& account_id, int64_t) override {
    std::lock_guard lock(mutex_);
    if (accounts_.erase(account_id) == 0) return Status(Errc::kNotFound, "no account " + account_id);
    for (auto& [id, key] : keys_) {
      if (key.account_id == account_id) key.is_active = false;
    }
    return Status();
  }

  Status set_account_quotas(const std::string& account_id, const AccountQuotas& quotas) override {
    std::lock_guard lock(mutex_);
    auto it = accounts_.find(account_id);
    if (it == accounts_.end()) return Status(Errc::kNotFound, "no account " + account_id);
    it->second.quotas = quotas;
    return Status();
  }

  Status create_access_key(const AccessKeyRecord& key) override {
    std::lock_guard lock(mutex_);
    if (keys_.contains(key.access_key_id)) {
      return Status(Errc::kAlreadyExists, "access key id " + key.access_key_id + " is taken");
    }
    if (!accounts_.contains(key.account_id)) return Status(Errc::kNotFound, "no account " + key.account_id);
    keys_[key.access_key_id] = key;
    return Status();
  }

  Result<std::vector<AccessKeyRecord>> list_access_keys(
      const std::optional<std::string>& account_id) override {
    std::lock_guard lock(mutex_);
    std::vector<AccessKeyRecord> out;
    for (const auto& [id, key] : keys_) {
      if (!accounts_.contains(key.account_id)) continue;
      if (account_id && key.account_id != *account_id) continue;
      out.push_back(key);
    }
    return out;
  }

  Status revoke_access_key(const std::string& access_key_id, int64_t) override {
    std::lock_guard lock(mutex_);
    auto it = keys_.find(access_key_id);
    if (it == keys_.end()) return Status(Errc::kNotFound, "no access key " + access_key_id);
    it->second.is_active = false;
    return Status();
  }

  Result<QueueRecord> create_queue(const QueueRecord& queue) override {
    std::lock_guard lock(mutex_);
    for (const auto& [id, q] : queues_) {
      if (q.account_id == queue.account_id && q.name == queue.name) {
        return Status(Errc::kAlreadyExists, "a queue named " + queue.name + " exists");
      }
    }
    QueueRecord stored = queue;
    stored.queue_id = next_queue_id_++;
    queues_[stored.queue_id] = stored;
    return stored;
  }

  Result<std::vector<QueueRecord>> list_live_queues() override {
    std::lock_guard lock(mutex_);
    std::vector<QueueRecord> out;
    for (const auto& [id, q] : queues_) out.push_back(q);
    return out;
  }

  Result<std::optional<int64_t>> last_queue_deletion_ms(const std::string& account_id,
                                                        const std::string& name) override {
    std::lock_guard lock(mutex_);
    auto it = deletions_.find(account_id + "/" + name);
    if (it == deletions_.end()) return std::optional<int64_t>();
    return std::optional<int64_t>(it->second);
  }

  Status set_queue_attributes(uint64_t queue_id, const std::map<std::string, std::string>& attributes,
                              int64_t modified_ms) override {
    std::lock_guard lock(mutex_);
    auto it = queues_.find(queue_id);
    if (it == queues_.end()) return Status(Errc::kQueueNotFound, "queue is gone");
    it->second.attributes = attributes;
    it->second.modified_ms = modified_ms;
    return Status();
  }

  Status set_queue_tags(uint64_t queue_id, const std::map<std::string, std::string>& tags) override {
    std::lock_guard lock(mutex_);
    auto it = queues_.find(queue_id);
    if (it == queues_.end()) return Status(Errc::kQueueNotFound, "queue is gone");
    it->second.tags = tags;
    return Status();
  }

  Status delete_queue(uint64_t queue_id, int64_t deleted_ms) override {
    std::lock_guard lock(mutex_);
    auto it = queues_.find(queue_id);
    if (it == queues_.end()) return Status(Errc::kQueueNotFound, "queue is gone");
    deletions_[it->second.account_id + "/" + it->second.name] = deleted_ms;
    queues_.erase(it);
    return Status();
  }

  bool ping() override { return true; }

 private:
  std::map<uint64_t, QueueRecord> queues_;
  std::map<std::string, int64_t> deletions_;
  uint64_t next_queue_id_ = 1;
  std::mutex mutex_;
  ClusterLayout layout_;
  std::map<std::string, Account> accounts_;
  std::map<std::string, AccessKeyRecord> keys_;
};

}  // namespace spool
