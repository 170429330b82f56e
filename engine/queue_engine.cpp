#include "engine/queue_engine.h"

#include <algorithm>
#include <cstdio>

#include "common/log.h"
#include "engine/queue_attributes.h"
#include "engine/queue_names.h"
#include "engine/shard_map.h"

namespace spool {
namespace {

constexpr int64_t kDeletedRecentlyMs = 60'000;
constexpr size_t kMaxTags = 50;

std::string shard_dir(const std::string& data_dir, size_t shard) {
  char name[16];
  std::snprintf(name, sizeof name, "%04zu", shard);
  return data_dir + "/shards/" + name;
}

Status validate_tags(const std::map<std::string, std::string>& tags) {
  if (tags.size() > kMaxTags) {
    return Status(Errc::kInvalidArgument, "Too many tags: " + std::to_string(tags.size()) +
                                              "; a queue can have at most 50 tags.");
  }
  for (const auto& [key, value] : tags) {
    if (key.empty() || key.size() > 128) {
      return Status(Errc::kInvalidArgument, "Tag key '" + key + "' must be 1 to 128 characters long.");
    }
    if (value.size() > 256) {
      return Status(Errc::kInvalidArgument, "Tag value for key '" + key + "' must be at most 256 characters long.");
    }
  }
  return Status();
}

}  // namespace

Status QueueEngine::check_dead_letter_target(const std::string& account_id, const std::string& source_name,
                                             const std::map<std::string, std::string>& attributes) const {
  auto it = attributes.find("RedrivePolicy");
  if (it == attributes.end() || it->second.empty()) return Status();
  auto policy = parse_redrive_policy(it->second);
  if (!policy || !policy->has_value()) return policy.status();
  auto invalid = [&it](const std::string& reason) {
    return Status(Errc::kInvalidArgument,
                  "Value " + it->second + " for parameter RedrivePolicy is invalid. Reason: " + reason);
  };
  auto target = parse_queue_arn((*policy)->dead_letter_target_arn);
  // Only the owner's own queues can be dead-letter targets (as in SQS).
  if (!target || target->account != account_id) return invalid("Dead letter target does not exist.");
  auto dlq = find_queue(target->account, target->name);
  if (!dlq) return invalid("Dead letter target does not exist.");
  if (target->name == source_name) return invalid("A queue cannot be its own dead letter queue.");
  // The target's RedriveAllowPolicy decides which sources may use it.
  auto allow = (*dlq)->attributes.find("RedriveAllowPolicy");
  if (allow == (*dlq)->attributes.end()) return Status();
  auto allowed = parse_redrive_allow_policy(allow->second);
  if (!allowed || !allowed->has_value()) return Status();
  const RedriveAllowPolicy& a = **allowed;
  bool permitted = a.permission == RedrivePermission::kAllowAll;
  if (a.permission == RedrivePermission::kByQueue) {
    for (const std::string& arn : a.source_queue_arns) {
      auto source = parse_queue_arn(arn);
      if (source && source->account == account_id && source->name == source_name) permitted = true;
    }
  }
  if (!permitted) {
    return invalid("Queue " + (*policy)->dead_letter_target_arn +
                   " does not allow this queue to use it as a dead-letter queue (RedriveAllowPolicy).");
  }
  return Status();
}

ShardQueueSettings shard_settings(const QueueMeta& meta) {
  QueueSettings s = queue_settings(meta.attributes, meta.is_fifo);
  ShardQueueSettings out;
  out.account_id = meta.account_id;
  out.name = meta.name;
  out.visibility_timeout_ms = int64_t{s.visibility_timeout_seconds} * 1000;
  out.retention_ms = int64_t{s.retention_seconds} * 1000;
  out.delay_ms = int64_t{s.delay_seconds} * 1000;
  out.fifo = meta.is_fifo;
  out.dedupe_per_group = s.dedup_scope_message_group;
  if (s.redrive) {
    // Validated when set: the target is a queue of the same account.
    if (auto target = parse_queue_arn(s.redrive->dead_letter_target_arn)) {
      out.dead_letter_queue = target->name;
      out.max_receive_count = static_cast<uint32_t>(s.redrive->max_receive_count);
    }
  }
  return out;
}

QueueEngine::QueueEngine(QueueEngineOptions options, Catalog& catalog)
    : options_(std::move(options)), catalog_(catalog) {}

QueueEngine::~QueueEngine() {
  if (catalog_thread_) catalog_thread_->stop();
  // Shards and move tasks post to each other: stop every thread, then close the logs
  // (their last completions post to stopped executors, which ignore them), then free.
  if (move_tasks_) move_tasks_->stop();
  for (auto& shard : shards_) shard->stop();
  for (auto& shard : shards_) shard->close_log();
  move_tasks_.reset();
  shards_.clear();
}

Result<std::unique_ptr<QueueEngine>> QueueEngine::open(QueueEngineOptions options, Catalog& catalog,
                                                       const ClusterLayout& layout) {
  std::unique_ptr<QueueEngine> engine(new QueueEngine(std::move(options), catalog));
  auto queues = catalog.list_live_queues();
  if (!queues) return queues.error();
  std::vector<std::map<uint64_t, ShardQueueSettings>> per_shard(layout.shard_count);
  for (QueueRecord& r : *queues) {
    auto meta = std::make_shared<QueueMeta>(QueueMeta{r.queue_id, r.account_id, r.name, r.is_fifo,
                                                      static_cast<uint32_t>(r.shard_id), std::move(r.attributes),
                                                      std::move(r.tags), r.created_ms, r.modified_ms});
    if (meta->shard >= per_shard.size()) {
      return Status(Errc::kCorruption, "queue " + meta->name + " is placed in shard " +
                                           std::to_string(meta->shard) + " of " +
                                           std::to_string(per_shard.size()));
    }
    per_shard[meta->shard][meta->queue_id] = shard_settings(*meta);
    engine->publish(meta);
  }
  for (int i = 0; i < layout.shard_count; ++i) {
    ShardOptions so;
    so.shard_id = static_cast<uint32_t>(i);
    so.dir = shard_dir(engine->options_.data_dir, static_cast<size_t>(i));
    so.key = layout.shard_keys.at(static_cast<size_t>(i));
    so.fsync = engine->options_.fsync;
    so.repair = engine->options_.repair;
    so.clock = engine->options_.clock;
    so.metrics = engine->options_.metrics;
    QueueEngine* self = engine.get();
    so.dead_letter = [self](const std::string& account_id, const std::string& queue_name, EnqueueRecord record,
                            std::function<void(Status)> done) {
      auto dlq = self->find_queue(account_id, queue_name);
      if (!dlq) return done(dlq.error());
      self->shard_of(**dlq).enqueue_moved((*dlq)->queue_id, std::move(record),
                                          [done = std::move(done)](Result<SentMessage> sent) { done(sent.status()); });
    };
    auto shard = Shard::open(so, per_shard[static_cast<size_t>(i)]);
    if (!shard) return Status(shard.error().code(), "shard " + std::to_string(i) + ": " + shard.error().message());
    engine->shards_.push_back(std::move(*shard));
  }
  engine->catalog_thread_ = std::make_unique<Executor>("catalog");
  if (engine->options_.move_task_catalog != nullptr) {
    auto tasks = MoveTasks::start(*engine, *engine->options_.move_task_catalog, *engine->options_.clock,
                                  engine->options_.metrics);
    if (!tasks) return tasks.error();
    engine->move_tasks_ = std::move(*tasks);
  }
  return engine;
}

void QueueEngine::publish(QueueMetaPtr meta) {
  std::lock_guard lock(directory_mutex_);
  by_id_[meta->queue_id] = meta;
  directory_[{meta->account_id, meta->name}] = std::move(meta);
}

void QueueEngine::unpublish(const QueueMeta& meta) {
  std::lock_guard lock(directory_mutex_);
  auto it = directory_.find({meta.account_id, meta.name});
  if (it != directory_.end() && it->second->queue_id == meta.queue_id) directory_.erase(it);
  by_id_.erase(meta.queue_id);
}

QueueMetaPtr QueueEngine::find_queue_by_id(uint64_t queue_id) const {
  std::lock_guard lock(directory_mutex_);
  auto it = by_id_.find(queue_id);
  return it == by_id_.end() ? nullptr : it->second;
}

std::vector<QueueMetaPtr> QueueEngine::dead_letter_sources(const QueueMeta& dlq) const {
  std::vector<QueueMetaPtr> out;
  for (const QueueMetaPtr& q : list_queues(dlq.account_id, "")) {
    auto policy = q->attributes.find("RedrivePolicy");
    if (policy == q->attributes.end()) continue;
    auto parsed = parse_redrive_policy(policy->second);
    if (!parsed || !parsed->has_value()) continue;
    auto target = parse_queue_arn((*parsed)->dead_letter_target_arn);
    if (target && target->account == dlq.account_id && target->name == dlq.name) out.push_back(q);
  }
  return out;
}

Result<QueueMetaPtr> QueueEngine::find_queue(const std::string& account_id, const std::string& name) const {
  std::lock_guard lock(directory_mutex_);
  auto it = directory_.find({account_id, name});
  if (it == directory_.end()) {
    return Status(Errc::kQueueNotFound, "The specified queue does not exist.");
  }
  return it->second;
}

std::vector<QueueMetaPtr> QueueEngine::list_queues(const std::string& account_id,
                                                   const std::string& prefix) const {
  std::lock_guard lock(directory_mutex_);
  std::vector<QueueMetaPtr> out;
  // The map is ordered by (account, name): start at the prefix and stop past it.
  for (auto it = directory_.lower_bound({account_id, prefix}); it != directory_.end(); ++it) {
    if (it->first.first != account_id || it->first.second.compare(0, prefix.size(), prefix) != 0) break;
    out.push_back(it->second);
  }
  return out;
}

void QueueEngine::create_queue(CreateQueueCommand command, std::function<void(Result<QueueMetaPtr>)> done) {
  auto fifo = command.attributes.find("FifoQueue");
  bool is_fifo = fifo != command.attributes.end() && fifo->second == "true";
  Status st = validate_queue_name(command.name, is_fifo);
  if (st.ok()) st = validate_queue_attributes(command.attributes, is_fifo, AttributeUse::kCreate);
  if (st.ok()) st = validate_tags(command.tags);
  if (!st.ok()) {
    done(st);
    return;
  }
  catalog_thread_->post([this, command = std::move(command), is_fifo, done = std::move(done)]() mutable {
    if (Status dlq = check_dead_letter_target(command.account_id, command.name, command.attributes); !dlq.ok()) {
      done(dlq);
      return;
    }
    if (auto existing = find_queue(command.account_id, command.name)) {
      if (same_queue_attributes(command.attributes, (*existing)->attributes, is_fifo)) {
        done(*existing);
      } else {
        done(Status(Errc::kAlreadyExists,
                    "A queue already exists with the same name and a different value for attribute(s)."));
      }
      return;
    }
    // Counted on the catalog thread, which serializes every creation on this node.
    if (command.max_queues > 0 &&
        list_queues(command.account_id, "").size() >= static_cast<size_t>(command.max_queues)) {
      done(Status(Errc::kResourceExhausted, "The account has reached its limit of " +
                                                std::to_string(command.max_queues) + " queues."));
      return;
    }
    int64_t now = options_.clock->now_ms();
    auto deleted = catalog_.last_queue_deletion_ms(command.account_id, command.name);
    if (!deleted) {
      done(deleted.error());
      return;
    }
    if (deleted->has_value() && now - **deleted < kDeletedRecentlyMs) {
      done(Status(Errc::kQueueDeletedRecently,
                  "You must wait 60 seconds after deleting a queue before you can create another with "
                  "the same name."));
      return;
    }
    QueueRecord record;
    record.account_id = command.account_id;
    record.name = command.name;
    record.is_fifo = is_fifo;
    record.shard_id = static_cast<int>(
        shard_for(command.account_id, command.name, static_cast<uint32_t>(shards_.size())).value);
    record.attributes = std::move(command.attributes);
    record.tags = std::move(command.tags);
    record.created_ms = now;
    record.modified_ms = now;
    auto created = catalog_.create_queue(record);
    if (!created) {
      done(created.error());
      return;
    }
    auto meta = std::make_shared<QueueMeta>(QueueMeta{created->queue_id, created->account_id, created->name,
                                                      created->is_fifo, static_cast<uint32_t>(created->shard_id),
                                                      created->attributes, created->tags, created->created_ms,
                                                      created->modified_ms});
    shards_[meta->shard]->add_queue(meta->queue_id, shard_settings(*meta));
    publish(meta);
    done(QueueMetaPtr(meta));
  });
}

void QueueEngine::delete_queue(QueueMetaPtr queue, std::function<void(Status)> done) {
  catalog_thread_->post([this, queue, done = std::move(done)] {
    Status st = catalog_.delete_queue(queue->queue_id, options_.clock->now_ms());
    if (!st.ok() && st.code() != Errc::kQueueNotFound) {
      done(st);
      return;
    }
    unpublish(*queue);
    shards_[queue->shard]->drop_queue(queue->queue_id, [done](Status dropped) {
      if (!dropped.ok()) log_warn("engine", "queue drop record failed", {{"error", dropped.message()}});
      done(Status());
    });
  });
}

void QueueEngine::update_on_catalog_thread(QueueMetaPtr queue, std::function<Status(QueueMeta&)> change,
                                           std::function<void(Status)> done) {
  catalog_thread_->post([this, queue, change = std::move(change), done = std::move(done)] {
    // Re-read under the catalog thread's serialization: another change may have landed.
    auto current = find_queue(queue->account_id, queue->name);
    if (!current || (*current)->queue_id != queue->queue_id) {
      done(Status(Errc::kQueueNotFound, "The specified queue does not exist."));
      return;
    }
    auto next = std::make_shared<QueueMeta>(**current);
    Status st = change(*next);
    if (!st.ok()) {
      done(st);
      return;
    }
    publish(next);
    done(Status());
  });
}

void QueueEngine::set_queue_attributes(QueueMetaPtr queue, std::map<std::string, std::string> attributes,
                                       std::function<void(Status)> done) {
  Status st = validate_queue_attributes(attributes, queue->is_fifo, AttributeUse::kSet);
  if (!st.ok()) {
    done(st);
    return;
  }
  update_on_catalog_thread(
      queue,
      [this, attributes = std::move(attributes)](QueueMeta& meta) {
        if (Status dlq = check_dead_letter_target(meta.account_id, meta.name, attributes); !dlq.ok()) return dlq;
        for (const auto& [name, value] : attributes) {
          if ((name == "RedrivePolicy" || name == "RedriveAllowPolicy" || name == "Policy") && value.empty()) {
            meta.attributes.erase(name);
          } else {
            meta.attributes[name] = value;
          }
        }
        if (meta.is_fifo) {
          if (Status combined = check_fifo_throughput_limit(meta.attributes); !combined.ok()) return combined;
        }
        meta.modified_ms = options_.clock->now_ms();
        Status saved = catalog_.set_queue_attributes(meta.queue_id, meta.attributes, meta.modified_ms);
        if (saved.ok()) shards_[meta.shard]->update_queue(meta.queue_id, shard_settings(meta));
        return saved;
      },
      std::move(done));
}

void QueueEngine::tag_queue(QueueMetaPtr queue, std::map<std::string, std::string> tags,
                            std::function<void(Status)> done) {
  update_on_catalog_thread(
      queue,
      [this, tags = std::move(tags)](QueueMeta& meta) {
        for (const auto& [key, value] : tags) meta.tags[key] = value;
        Status valid = validate_tags(meta.tags);
        if (!valid.ok()) return valid;
        return catalog_.set_queue_tags(meta.queue_id, meta.tags);
      },
      std::move(done));
}

void QueueEngine::untag_queue(QueueMetaPtr queue, std::vector<std::string> keys,
                              std::function<void(Status)> done) {
  update_on_catalog_thread(
      queue,
      [this, keys = std::move(keys)](QueueMeta& meta) {
        for (const auto& key : keys) meta.tags.erase(key);
        return catalog_.set_queue_tags(meta.queue_id, meta.tags);
      },
      std::move(done));
}

}  // namespace spool
