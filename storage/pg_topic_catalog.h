#pragma once

// PgTopicCatalog: the TopicCatalog in PostgreSQL. It has a connection of its own, so
// PgCatalog stays as it is and topic calls never queue behind tenant or queue calls.
// Requires the schema PgCatalog::open migrated (migration 1 holds the topic tables).
//
// Safe from any thread, blocking (one connection, serialized by a mutex).

#include <functional>
#include <memory>
#include <mutex>

#include "storage/pg_connection.h"
#include "storage/topic_catalog.h"

namespace spool {

class PgTopicCatalog final : public TopicCatalog {
 public:
  static Result<std::unique_ptr<PgTopicCatalog>> open(const std::string& conninfo,
                                                      int connect_timeout_s = 5);

  Result<TopicRecord> create_topic(const TopicRecord& topic) override;
  Result<std::vector<TopicRecord>> list_live_topics() override;
  Status set_topic_config(uint64_t topic_id, const std::map<std::string, std::string>& config,
                          int64_t modified_ms) override;
  Status add_partitions(uint64_t topic_id, const std::vector<int>& partition_shards,
                        int64_t modified_ms) override;
  Status delete_topic(uint64_t topic_id, int64_t deleted_ms) override;

 private:
  explicit PgTopicCatalog(std::unique_ptr<PgConnection> conn) : conn_(std::move(conn)) {}
  // Runs `body` inside BEGIN/COMMIT, rolling back when it fails. Requires mutex_ held.
  Status in_transaction(const std::function<Status()>& body);
  // UPDATE of the live topic's modified_ms (and partitions when > 0). Requires a transaction.
  Status touch(uint64_t topic_id, int64_t modified_ms, int partitions);

  std::mutex mutex_;
  std::unique_ptr<PgConnection> conn_;
};

}  // namespace spool
