#pragma once

// QueueEngine: the engine's front door for the api layer. It owns the shards, the
// directory of queues (a cache of the catalog, so the data path never waits on
// PostgreSQL) and the catalog thread that runs every blocking catalog call.
//
// Queue management (create, delete, attributes, tags) goes to the catalog thread, then
// updates the directory and the owning shard. Message calls go straight to the queue's
// shard. Lookups (find_queue, list_queues) read the directory and answer at once.
//
// Threading: every method is safe from any thread and never blocks; callbacks run on a
// shard's executor, a log's completion thread or the catalog thread, and must not block.
// The catalog must outlive the engine.

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "engine/executor.h"
#include "engine/move_tasks.h"
#include "engine/queue_meta.h"
#include "engine/shard.h"
#include "storage/catalog.h"
#include "storage/move_task_catalog.h"
#include "storage/storage_config.h"

namespace spool {

struct QueueEngineOptions {
  std::string data_dir;  // shards live in <data_dir>/shards/<nnnn>
  FsyncMode fsync;
  bool repair = false;
  const Clock* clock = nullptr;  // must outlive the engine
  EngineMetrics* metrics = nullptr;  // optional; must outlive the engine
  // Message move tasks are offered only with one (PgCatalog is both catalogs).
  MoveTaskCatalog* move_task_catalog = nullptr;
};

struct CreateQueueCommand {
  std::string account_id;
  std::string name;
  std::map<std::string, std::string> attributes;
  std::map<std::string, std::string> tags;
  int64_t max_queues = 0;  // the account's quota of live queues; 0: no limit
};

class QueueEngine {
 public:
  // Loads every live queue from the catalog and opens (recovers) every shard.
  static Result<std::unique_ptr<QueueEngine>> open(QueueEngineOptions options, Catalog& catalog,
                                                   const ClusterLayout& layout);
  ~QueueEngine();

  // CreateQueue semantics: an existing queue with the same attributes is returned as is;
  // with different ones, kAlreadyExists; within 60 s of a deletion, kQueueDeletedRecently;
  // a new queue beyond command.max_queues, kResourceExhausted.
  void create_queue(CreateQueueCommand command, std::function<void(Result<QueueMetaPtr>)> done);
  void delete_queue(QueueMetaPtr queue, std::function<void(Status)> done);
  // Merges `attributes` into the queue's (an empty RedrivePolicy value removes it).
  void set_queue_attributes(QueueMetaPtr queue, std::map<std::string, std::string> attributes,
                            std::function<void(Status)> done);
  void tag_queue(QueueMetaPtr queue, std::map<std::string, std::string> tags,
                 std::function<void(Status)> done);
  void untag_queue(QueueMetaPtr queue, std::vector<std::string> keys, std::function<void(Status)> done);

  // The live queue, or kQueueNotFound.
  Result<QueueMetaPtr> find_queue(const std::string& account_id, const std::string& name) const;
  // The account's live queues whose names start with `prefix`, sorted by name.
  std::vector<QueueMetaPtr> list_queues(const std::string& account_id, const std::string& prefix) const;
  // The live queue with that id, or nullptr.
  QueueMetaPtr find_queue_by_id(uint64_t queue_id) const;
  // The live queues whose RedrivePolicy targets `dlq`, sorted by name.
  std::vector<QueueMetaPtr> dead_letter_sources(const QueueMeta& dlq) const;

  Shard& shard_of(const QueueMeta& queue) { return *shards_[queue.shard]; }
  // nullptr when the engine was opened without a MoveTaskCatalog.
  MoveTasks* move_tasks() { return move_tasks_.get(); }
  size_t shard_count() const { return shards_.size(); }
  Shard& shard(size_t i) { return *shards_[i]; }

 private:
  QueueEngine(QueueEngineOptions options, Catalog& catalog);
  void publish(QueueMetaPtr meta);
  void unpublish(const QueueMeta& meta);
  // A RedrivePolicy's target must be a live queue of the same account, other than the
  // source, whose RedriveAllowPolicy admits the source.
  Status check_dead_letter_target(const std::string& account_id, const std::string& source_name,
                                  const std::map<std::string, std::string>& attributes) const;
  void update_on_catalog_thread(QueueMetaPtr queue, std::function<Status(QueueMeta&)> change,
                                std::function<void(Status)> done);

  QueueEngineOptions options_;
  Catalog& catalog_;
  std::vector<std::unique_ptr<Shard>> shards_;
  mutable std::mutex directory_mutex_;
  std::map<std::pair<std::string, std::string>, QueueMetaPtr> directory_;  // (account, name)
  std::unordered_map<uint64_t, QueueMetaPtr> by_id_;
  // Runs blocking catalog calls, one at a time (which also serializes queue creation).
  std::unique_ptr<Executor> catalog_thread_;
  std::unique_ptr<MoveTasks> move_tasks_;
};

// The shard's view of a queue's attributes (defaults applied).
ShardQueueSettings shard_settings(const QueueMeta& meta);

}  // namespace spool
