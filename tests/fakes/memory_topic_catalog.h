#pragma once

// MemoryTopicCatalog: the TopicCatalog seam in RAM, with PgTopicCatalog's contracts
// (kAlreadyExists per account and name among live topics, kTopicNotFound, soft delete).
// Safe from any thread.

#include <map>
#include <mutex>

#include "storage/topic_catalog.h"

namespace spool {

class MemoryTopicCatalog final : public TopicCatalog {
 public:
  Result<TopicRecord> create_topic(const TopicRecord& topic) override {
    std::lock_guard lock(mutex_);
    for (const auto& [id, t] : live_) {
      if (t.account_id == topic.account_id && t.name == topic.name) {
        return Status(Errc::kAlreadyExists, "a topic named " + topic.name + " exists");
      }
    }
    TopicRecord stored = topic;
    stored.topic_id = next_id_++;
    live_[stored.topic_id] = stored;
    return stored;
  }
  Result<std::vector<TopicRecord>> list_live_topics() override {
    std::lock_guard lock(mutex_);
    std::vector<TopicRecord> out;
    for (const auto& [id, t] : live_) out.push_back(t);
    return out;
  }
  Status set_topic_config(uint64_t topic_id, const std::map<std::string, std::string>& config,
                          int64_t modified_ms) override {
    std::lock_guard lock(mutex_);
    auto it = live_.find(topic_id);
    if (it == live_.end()) return Status(Errc::kTopicNotFound, "the topic does not exist");
    it->second.config = config;
    it->second.modified_ms = modified_ms;
    return Status();
  }
  Status add_partitions(uint64_t topic_id, const std::vector<int>& shards, int64_t modified_ms) override {
    std::lock_guard lock(mutex_);
    auto it = live_.find(topic_id);
    if (it == live_.end()) return Status(Errc::kTopicNotFound, "the topic does not exist");
    it->second.partition_shards = shards;
    it->second.modified_ms = modified_ms;
    return Status();
  }
  Status delete_topic(uint64_t topic_id, int64_t) override {
    std::lock_guard lock(mutex_);
    return live_.erase(topic_id) ? Status() : Status(Errc::kTopicNotFound, "the topic does not exist");
  }

 private:
  std::mutex mutex_;
  std::map<uint64_t, TopicRecord> live_;
  uint64_t next_id_ = 1;
};

}  // namespace spool
