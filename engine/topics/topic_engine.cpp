#include "engine/topics/topic_engine.h"

#include <algorithm>
#include <filesystem>

#include "common/log.h"
#include "engine/shard_map.h"

namespace spool::topics {
namespace {

std::string partition_dir(const std::string& data_dir, uint64_t topic_id, uint32_t partition) {
  return data_dir + "/topics/" + std::to_string(topic_id) + "-" + std::to_string(partition);
}

// Topic directories named "<id>-<p>" whose topic is not live: deleted while spoold was
// down, or a create that failed after making its files.
void remove_orphan_dirs(const std::string& data_dir, const std::vector<TopicRecord>& live) {
  std::error_code ec;
  std::filesystem::directory_iterator it(data_dir + "/topics", ec);
  if (ec) return;
  for (const auto& entry : it) {
    std::string name = entry.path().filename().string();
    size_t dash = name.find('-');
    if (dash == std::string::npos || dash == 0 || name[0] == '_') continue;
    uint64_t id = std::strtoull(name.substr(0, dash).c_str(), nullptr, 10);
    bool is_live = std::any_of(live.begin(), live.end(), [&](const TopicRecord& t) { return t.topic_id == id; });
    if (!is_live) std::filesystem::remove_all(entry.path(), ec);
  }
}

}  // namespace

TopicEngine::TopicEngine(TopicEngineOptions options, TopicCatalog& catalog)
    : options_(std::move(options)), catalog_(catalog) {}

TopicEngine::~TopicEngine() {
  // Timers first (they post to nothing else), then blocking work; partitions close with
  // the directory, each waiting for its pending appends.
  timers_->stop();
  catalog_thread_->stop();
  std::map<std::pair<std::string, std::string>, TopicPtr> directory;
  {
    std::lock_guard lock(directory_mutex_);
    directory.swap(directory_);
  }
  for (const auto& [key, topic] : directory) {
    for (const auto& p : topic->partitions) p->drop_waiters();
  }
}

Result<std::unique_ptr<TopicEngine>> TopicEngine::open(TopicEngineOptions options, TopicCatalog& catalog) {
  if (options.clock == nullptr) return Status(Errc::kInvalidArgument, "TopicEngine needs a clock");
  std::unique_ptr<TopicEngine> engine(new TopicEngine(options, catalog));
  auto groups = GroupOffsets::open(options.data_dir + "/topics/_groups", options.fsync, *options.clock);
  if (!groups) return groups.error();
  engine->groups_ = std::move(*groups);
  TopicEngine* self = engine.get();
  engine->members_ = std::make_unique<GroupMembers>(
      *options.clock, [self](const std::string& account, const std::string& topic) {
        auto found = self->find_topic(account, topic);
        return found ? (*found)->partition_count() : 0;
      });
  auto live = catalog.list_live_topics();
  if (!live) return live.error();
  remove_orphan_dirs(options.data_dir, *live);
  for (const TopicRecord& record : *live) {
    auto config = parse_topic_config(record.config);
    if (!config) return config.error();
    auto topic = std::make_shared<Topic>();
    topic->id = record.topic_id;
    topic->account = record.account_id;
    topic->name = record.name;
    topic->config_set = record.config;
    topic->config = *config;
    topic->created_ms = record.created_ms;
    topic->sticky = std::make_shared<std::atomic<uint32_t>>(0);
    for (size_t p = 0; p < record.partition_shards.size(); ++p) {
      auto partition = engine->open_partition(record.topic_id, static_cast<uint32_t>(p),
                                              record.partition_shards[p], *config);
      if (!partition) return partition.error();
      topic->partitions.push_back(std::move(*partition));
    }
    engine->publish(std::move(topic));
  }
  engine->catalog_thread_ = std::make_unique<Executor>("topic-catalog");
  engine->timers_ = std::make_unique<Executor>("topic-timers");
  engine->schedule_retention();
  engine->schedule_metrics();
  engine->schedule_member_expiry();
  log_info("topics", "topics opened", {{"topics", live->size()}});
  return engine;
}

Result<std::shared_ptr<TopicPartition>> TopicEngine::open_partition(uint64_t topic_id, uint32_t number,
                                                                    int shard, const TopicConfig& config) {
  PartitionLogOptions o;
  o.dir = partition_dir(options_.data_dir, topic_id, number);
  o.fsync = options_.fsync;
  o.topic_id = topic_id;
  o.partition = number;
  o.segment_bytes = static_cast<uint64_t>(config.segment_bytes);
  o.clock = options_.clock;
  auto log = PartitionLog::open(o);
  if (!log) return log.error();
  return std::make_shared<TopicPartition>(number, shard, o.dir, std::move(*log));
}

void TopicEngine::publish(TopicPtr topic) {
  std::lock_guard lock(directory_mutex_);
  directory_[{topic->account, topic->name}] = std::move(topic);
}

void TopicEngine::unpublish(const Topic& topic) {
  std::lock_guard lock(directory_mutex_);
  auto it = directory_.find({topic.account, topic.name});
  if (it != directory_.end() && it->second->id == topic.id) directory_.erase(it);
}

Status TopicEngine::check_partition_quota(const std::string& account, size_t adding) const {
  size_t account_partitions = 0, all_partitions = 0;
  {
    std::lock_guard lock(directory_mutex_);
    for (const auto& [key, topic] : directory_) {
      all_partitions += topic->partitions.size();
      if (key.first == account) account_partitions += topic->partitions.size();
    }
  }
  if (account_partitions + adding > options_.max_partitions_per_account) {
    return Status(Errc::kResourceExhausted, "the account has " + std::to_string(account_partitions) +
                                                " partitions; its quota is " +
                                                std::to_string(options_.max_partitions_per_account));
  }
  if (all_partitions + adding > options_.max_partitions) {
    return Status(Errc::kResourceExhausted, "this server holds " + std::to_string(all_partitions) +
                                                " partitions, its limit is " +
                                                std::to_string(options_.max_partitions));
  }
  return Status();
}

Result<TopicPtr> TopicEngine::find_topic(const std::string& account, const std::string& name) const {
  std::lock_guard lock(directory_mutex_);
  auto it = directory_.find({account, name});
  if (it == directory_.end()) return Status(Errc::kTopicNotFound, "topic " + name + " does not exist");
  return it->second;
}

std::vector<TopicPtr> TopicEngine::list_topics(const std::string& account, const std::string& prefix) const {
  std::lock_guard lock(directory_mutex_);
  std::vector<TopicPtr> out;
  for (auto it = directory_.lower_bound({account, prefix});
       it != directory_.end() && it->first.first == account && it->first.second.starts_with(prefix); ++it) {
    out.push_back(it->second);
  }
  return out;
}

void TopicEngine::create_topic(const std::string& account, const std::string& name, int partitions,
                               std::map<std::string, std::string> config,
                               std::function<void(Result<TopicPtr>)> done) {
  if (Status s = validate_topic_name(name); !s.ok()) return done(s);
  if (partitions < 1 || partitions > kMaxPartitions) {
    return done(Status(Errc::kInvalidPartitions, "partitions is " + std::to_string(partitions) +
                                                     "; must be between 1 and 1024"));
  }
  auto parsed = parse_topic_config(config);
  if (!parsed) return done(parsed.error());
  catalog_thread_->post([=, this, config = std::move(config), done = std::move(done)] {
    if (find_topic(account, name)) {
      return done(Status(Errc::kAlreadyExists, "topic " + name + " exists"));
    }
    if (list_topics(account, "").size() >= options_.max_topics_per_account) {
      return done(Status(Errc::kResourceExhausted,
                         "the account has " + std::to_string(options_.max_topics_per_account) +
                             " topics, its quota"));
    }
    if (Status s = check_partition_quota(account, static_cast<size_t>(partitions)); !s.ok()) return done(s);
    TopicRecord record;
    record.account_id = account;
    record.name = name;
    record.config = config;
    record.created_ms = record.modified_ms = options_.clock->now_ms();
    const uint32_t first_shard = shard_for(account, name, options_.shard_count).value;
    for (int p = 0; p < partitions; ++p) {
      record.partition_shards.push_back(static_cast<int>((first_shard + p) % options_.shard_count));
    }
    auto stored = catalog_.create_topic(record);
    if (!stored) return done(stored.error());
    auto topic = std::make_shared<Topic>();
    topic->id = stored->topic_id;
    topic->account = account;
    topic->name = name;
    topic->config_set = config;
    topic->config = *parsed;
    topic->created_ms = stored->created_ms;
    topic->sticky = std::make_shared<std::atomic<uint32_t>>(0);
    for (int p = 0; p < partitions; ++p) {
      auto partition = open_partition(topic->id, static_cast<uint32_t>(p), record.partition_shards[p], *parsed);
      if (!partition) {
        // The catalog row exists but the files do not: drop the row so the name is free.
        catalog_.delete_topic(topic->id, options_.clock->now_ms()).ignore();
        return done(partition.error());
      }
      topic->partitions.push_back(std::move(*partition));
    }
    publish(topic);
    done(TopicPtr(topic));
  });
}

void TopicEngine::alter_topic(TopicPtr topic, std::optional<std::map<std::string, std::string>> config,
                              std::optional<int> partitions, std::function<void(Result<TopicPtr>)> done) {
  std::map<std::string, std::string> merged = topic->config_set;
  if (config) {
    for (auto& [k, v] : *config) merged[k] = v;
  }
  auto parsed = parse_topic_config(merged);
  if (!parsed) return done(parsed.error());
  if (partitions && (*partitions <= topic->partition_count() || *partitions > kMaxPartitions)) {
    return done(Status(Errc::kInvalidPartitions,
                       "partitions is " + std::to_string(*partitions) + "; must be more than the current " +
                           std::to_string(topic->partition_count()) + " and at most 1024"));
  }
  catalog_thread_->post([=, this, merged = std::move(merged), done = std::move(done)] {
    auto current = find_topic(topic->account, topic->name);
    if (!current || (*current)->id != topic->id) {
      return done(Status(Errc::kTopicNotFound, "topic " + topic->name + " does not exist"));
    }
    auto next = std::make_shared<Topic>(**current);
    const int64_t now = options_.clock->now_ms();
    if (partitions) {
      // Checked before anything changes, so a refused alter changes nothing.
      if (*partitions <= next->partition_count()) {
        return done(Status(Errc::kInvalidPartitions, "partitions is " + std::to_string(*partitions) +
                                                         "; must be more than the current " +
                                                         std::to_string(next->partition_count())));
      }
      const auto adding = static_cast<size_t>(*partitions - next->partition_count());
      if (Status s = check_partition_quota(topic->account, adding); !s.ok()) return done(s);
    }
    if (merged != next->config_set) {
      if (Status s = catalog_.set_topic_config(topic->id, merged, now); !s.ok()) return done(s);
      next->config_set = merged;
      next->config = *parsed;
    }
    if (partitions) {
      std::vector<int> shards;
      for (const auto& p : next->partitions) shards.push_back(p->shard());
      const uint32_t first_shard = shard_for(topic->account, topic->name, options_.shard_count).value;
      for (int p = next->partition_count(); p < *partitions; ++p) {
        shards.push_back(static_cast<int>((first_shard + p) % options_.shard_count));
      }
      if (Status s = catalog_.add_partitions(topic->id, shards, now); !s.ok()) return done(s);
      for (int p = next->partition_count(); p < *partitions; ++p) {
        auto partition = open_partition(topic->id, static_cast<uint32_t>(p), shards[p], next->config);
        if (!partition) return done(partition.error());
        next->partitions.push_back(std::move(*partition));
      }
    }
    publish(next);
    retain(*next);
    done(TopicPtr(next));
  });
}

void TopicEngine::delete_topic(TopicPtr topic, std::function<void(Status)> done) {
  catalog_thread_->post([this, topic = std::move(topic), done = std::move(done)]() mutable {
    if (Status s = catalog_.delete_topic(topic->id, options_.clock->now_ms()); !s.ok()) return done(s);
    unpublish(*topic);
    groups_->drop_topic(topic->account, topic->id).ignore();
    std::vector<std::string> dirs;
    for (const auto& p : topic->partitions) dirs.push_back(p->dir());
    topic.reset();
    done(Status());
    // Files go after the reply. A fetch still holding a partition keeps its descriptors;
    // unlinked files stay readable until it lets go.
    for (const std::string& dir : dirs) {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  });
}

void TopicEngine::retain(const Topic& topic) {
  for (const auto& p : topic.partitions) {
    Status s = p->log().roll_if_older(topic.config.segment_ms);
    if (s.ok()) {
      auto deleted = p->log().retain(topic.config.retention_ms, topic.config.retention_bytes);
      if (!deleted) s = deleted.error();
    }
    if (!s.ok()) {
      log_warn("topics", "retention failed",
               {{"topic_id", topic.id}, {"partition", p->number()}, {"error", s.message()}});
    }
  }
}

void TopicEngine::schedule_retention() {
  timers_->post_at(std::chrono::steady_clock::now() + options_.retention_interval, [this] {
    catalog_thread_->post([this] {
      run_retention_for_test();
      schedule_retention();
    });
  });
}

void TopicEngine::run_retention_for_test() {
  std::vector<TopicPtr> topics;
  {
    std::lock_guard lock(directory_mutex_);
    for (const auto& [key, topic] : directory_) topics.push_back(topic);
  }
  for (const auto& topic : topics) retain(*topic);
}

void TopicEngine::schedule_metrics() {
  if (options_.metrics == nullptr) return;
  timers_->post_at(std::chrono::steady_clock::now() + options_.metrics_interval, [this] {
    refresh_metrics();
    schedule_metrics();
  });
}

void TopicEngine::refresh_metrics() {
  std::map<uint64_t, TopicPtr> by_id;
  {
    std::lock_guard lock(directory_mutex_);
    for (const auto& [key, topic] : directory_) by_id[topic->id] = topic;
  }
  std::vector<PartitionSample> partitions;
  for (const auto& [id, topic] : by_id) {
    for (const auto& p : topic->partitions) {
      PartitionStats s = p->log().stats();
      partitions.push_back({topic->account, topic->name, p->number(), s.bounds.high_watermark,
                            s.bounds.log_start_offset, s.size_bytes, s.segments});
    }
  }
  std::vector<LagSample> lags;
  groups_->for_each([&](const std::string& account, const std::string& group, uint64_t topic_id,
                        uint32_t partition, const CommittedOffset& c) {
    auto it = by_id.find(topic_id);
    if (it == by_id.end() || partition >= it->second->partitions.size()) return;
    int64_t hwm = it->second->partitions[partition]->log().bounds().high_watermark;
    lags.push_back({account, group, it->second->name, partition, c.offset, std::max<int64_t>(0, hwm - c.offset)});
  });
  std::vector<MemberSample> members;
  for (const auto& [key, count] : members_->member_counts()) members.push_back({key.first, key.second, count});
  options_.metrics->refresh_partitions(partitions);
  options_.metrics->refresh_lags(lags);
  options_.metrics->refresh_members(members);
  for (const auto& [key, n] : members_->take_rebalances()) options_.metrics->rebalanced(key.first, key.second, n);
}

}  // namespace spool::topics
