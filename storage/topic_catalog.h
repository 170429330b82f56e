#pragma once

// TopicCatalog: topic definitions in the catalog (tables topics, topic_configs and
// topic_partitions of migration 1). Kept apart from Catalog so queue and tenant code does
// not see topics, and the topic engine can be tested with an in-memory fake.
//
// Calls block on the database: make them from start-up code or the topic engine's
// catalog thread. Implementations are safe from any thread (calls are serialized).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace spool {

struct TopicRecord {
  uint64_t topic_id = 0;  // assigned by create_topic
  std::string account_id;
  std::string name;
  // Config values as text, only the keys a client set (defaults are the engine's).
  std::map<std::string, std::string> config;
  std::vector<int> partition_shards;  // index = partition number
  int64_t created_ms = 0;
  int64_t modified_ms = 0;
};

class TopicCatalog {
 public:
  virtual ~TopicCatalog() = default;

  // Stores a new live topic with its partitions; returns it with its topic_id.
  // kAlreadyExists when the account has a live topic of that name.
  virtual Result<TopicRecord> create_topic(const TopicRecord& topic) = 0;
  // Every live topic of every account (start-up cache load).
  virtual Result<std::vector<TopicRecord>> list_live_topics() = 0;
  // Replaces the topic's config whole. kTopicNotFound if not live.
  virtual Status set_topic_config(uint64_t topic_id, const std::map<std::string, std::string>& config,
                                  int64_t modified_ms) = 0;
  // Adds partitions [old count, shards.size()) with their shards. kTopicNotFound if not live.
  virtual Status add_partitions(uint64_t topic_id, const std::vector<int>& partition_shards,
                                int64_t modified_ms) = 0;
  // Soft-deletes. kTopicNotFound if not live.
  virtual Status delete_topic(uint64_t topic_id, int64_t deleted_ms) = 0;
};

}  // namespace spool
