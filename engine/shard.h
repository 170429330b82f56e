#pragma once

// Shard: the unit of ownership and storage. One executor thread owns the shard's queues
// (QueueState), their long-poll waiters and timers; one SegmentLog holds every message
// mutation of those queues. Nothing else touches the state, so it needs no locks.
//
// Durability: every call that changes a message answers only after its record is
// durable (group commit). A sent message becomes receivable only once its ENQUEUE record
// is durable, so nothing a crash could erase is ever handed out.
//
// Threading: every public method is safe from any thread and returns at once; `done`
// runs later on the shard's executor or on the log's completion thread, and must not
// block. Destruction stops the executor (queued work runs first), then closes the log.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "engine/engine_metrics.h"
#include "engine/executor.h"
#include "engine/queue_records.h"
#include "engine/queue_state.h"
#include "storage/segment_log.h"
#include "storage/storage_config.h"

namespace spool {

// What the shard needs of a queue's attributes.
struct ShardQueueSettings {
  std::string account_id;  // labels of the queue's metrics
  std::string name;
  int64_t visibility_timeout_ms = 30'000;
  int64_t retention_ms = 345'600'000;
  int64_t delay_ms = 0;
  // Receives fail with kResourceExhausted (SQS OverLimit) at this many messages in flight.
  uint64_t max_in_flight = 120'000;
};

// A validated message, ready to be written.
struct OutgoingMessage {
  std::string body;
  MessageAttributes attributes;  // sorted by name
  std::string md5_body;          // 16 raw bytes
  std::string md5_attributes;    // 16 raw bytes, empty without attributes
  std::string trace_header;
  std::string sender_id;
  std::optional<int64_t> delay_ms;  // absent: the queue's delay
};

struct SentMessage {
  std::string message_id;  // UUID text
  uint64_t seq = 0;
};

struct ReceiveOptions {
  int max_messages = 1;
  std::optional<int64_t> visibility_timeout_ms;  // absent: the queue's
  int64_t wait_ms = 0;                           // long poll; 0 answers at once
};

struct DeliveredMessage {
  EnqueueRecord record;  // body, attributes, ids and sent time as stored
  std::string receipt_handle;
  uint32_t receive_count = 0;
  int64_t first_receive_ms = 0;
};

struct VisibilityChange {
  std::string receipt_handle;
  int64_t timeout_ms = 0;
};

struct ShardOptions {
  uint32_t shard_id = 0;
  std::string dir;        // the shard's segment directory
  std::string key;        // the shard's secret (receipt-handle MACs)
  FsyncMode fsync;
  bool repair = false;
  uint64_t segment_bytes = 64ull << 20;
  const Clock* clock = nullptr;  // must outlive the shard
  EngineMetrics* metrics = nullptr;  // optional; must outlive the shard
};

class Shard {
 public:
  // Opens the log and replays it into the state of `queues` (records of other queue ids
  // belong to deleted queues and are dead).
  static Result<std::unique_ptr<Shard>> open(ShardOptions options,
                                             const std::map<uint64_t, ShardQueueSettings>& queues);
  ~Shard();
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  void add_queue(uint64_t queue_id, ShardQueueSettings settings);
  void update_queue(uint64_t queue_id, ShardQueueSettings settings);
  // Drops every message of the queue and answers waiting receives with nothing.
  void drop_queue(uint64_t queue_id, std::function<void(Status)> done);

  // One result per message, in order.
  void send(uint64_t queue_id, std::vector<OutgoingMessage> messages,
            std::function<void(std::vector<Result<SentMessage>>)> done);
  void receive(uint64_t queue_id, ReceiveOptions options,
               std::function<void(Result<std::vector<DeliveredMessage>>)> done);
  // One status per handle: OK also for a message already gone (SQS deletes idempotently).
  void delete_messages(uint64_t queue_id, std::vector<std::string> receipt_handles,
                       std::function<void(std::vector<Status>)> done);
  void change_visibility(uint64_t queue_id, std::vector<VisibilityChange> changes,
                         std::function<void(std::vector<Status>)> done);
  // kPurgeInProgress within 60 s of the previous purge.
  void purge(uint64_t queue_id, std::function<void(Status)> done);
  void counters(uint64_t queue_id, std::function<void(Result<QueueCounters>)> done);

  const RecoveryReport& recovery_report() const { return log_->recovery_report(); }
  SyncStats sync_stats() const { return log_->sync_stats(); }
  uint64_t segment_bytes() const;

 private:
  struct Waiter {
    uint64_t id;
    ReceiveOptions options;
    uint64_t timer_id;
    std::function<void(Result<std::vector<DeliveredMessage>>)> done;
  };
  struct Queue {
    Queue(uint64_t id, ShardQueueSettings s, std::shared_ptr<QueueSeries> m)
        : state(id), settings(std::move(s)), series(std::move(m)) {}
    QueueState state;
    ShardQueueSettings settings;
    std::shared_ptr<QueueSeries> series;  // never null (all-null pointers without metrics)
    std::deque<Waiter> waiters;
    int64_t last_purge_ms = 0;
    uint64_t purged_below = 0;  // sends below this seq that complete later were purged
  };

  Shard(ShardOptions options, std::unique_ptr<SegmentLog> log);
  void replay(const LogRecordView& record, std::map<uint64_t, std::unique_ptr<Queue>>& queues);

  // On the executor.
  Queue* find(uint64_t queue_id);
  void deliver(Queue& q, const ReceiveOptions& options,
               std::function<void(Result<std::vector<DeliveredMessage>>)> done);
  void serve_waiters(Queue& q);
  void tick();
  void mark_dead(const std::vector<FramePosition>& positions);
  std::unique_ptr<Queue> make_queue(uint64_t id, ShardQueueSettings settings);
  void publish_gauges();

  ShardOptions options_;
  const Clock& clock_;
  std::unique_ptr<SegmentLog> log_;
  std::map<uint64_t, std::unique_ptr<Queue>> queues_;  // executor only
  uint64_t next_waiter_id_ = 1;
  uint64_t ticks_ = 0;
  ShardSeries shard_series_;
  // Declared last: destroyed first, so no task runs against a dying shard.
  std::unique_ptr<Executor> executor_;
};

}  // namespace spool
