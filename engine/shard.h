#pragma once

// Shard: the unit of ownership and storage. One executor thread owns the shard's queues
// (QueueState), their long-poll waiters and timers; one SegmentLog holds every message
// mutation of those queues. Nothing else touches the state, so it needs no locks.
//
// Durability: every call that changes a message answers only after its record is
// durable (group commit). A sent message is receivable as soon as its ENQUEUE is
// appended, but a receive answers only once its own, later RECEIVE record is durable,
// and with it every earlier frame of the log: nothing a crash could erase is ever
// handed out (shard_send.cpp).
//
// FIFO queues (QueueState's FIFO order) also keep a DedupeWindow and the batches of
// recent receives by ReceiveRequestAttemptId. A queue with a RedrivePolicy hands a
// message that exceeds maxReceiveCount to ShardOptions::dead_letter (which enqueues it
// durably in the dead-letter queue, maybe in another shard) and deletes it here only
// once that succeeded: a crash between the two duplicates the message, never loses it.
//
// Threading: every public method is safe from any thread and returns at once; `done`
// runs later on the shard's executor or on the log's completion thread, and must not
// block. Destruction stops the executor (queued work runs first), then closes the log.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/hmac_sha256.h"
#include "common/status.h"
#include "engine/dedupe_window.h"
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
  // At this many messages in flight a standard queue's receives fail with
  // kResourceExhausted (SQS OverLimit); a FIFO queue's return nothing.
  uint64_t max_in_flight = 120'000;
  bool fifo = false;
  bool dedupe_per_group = false;  // DeduplicationScope=messageGroup
  // RedrivePolicy: the dead-letter queue (same account) and maxReceiveCount; empty name
  // for none.
  std::string dead_letter_queue;
  uint32_t max_receive_count = 0;
};

// A validated message, ready to be written.
struct OutgoingMessage {
  std::string body;
  MessageAttributes attributes;  // sorted by name
  Bytes16 md5_body{};
  std::string md5_attributes;    // 16 raw bytes, empty without attributes
  std::string trace_header;
  std::string sender_id;
  std::optional<int64_t> delay_ms;  // absent: the queue's delay
  std::string group_id;             // required on FIFO queues; optional on standard ones
  std::string dedupe_id;            // FIFO: explicit or the body's SHA-256 (api decides)
};

struct SentMessage {
  Bytes16 message_id{};    // raw; message_id_text() spells it
  uint64_t seq = 0;        // FIFO: the SequenceNumber (a duplicate reports the original's)
};

struct ReceiveOptions {
  int max_messages = 1;
  std::optional<int64_t> visibility_timeout_ms;  // absent: the queue's
  int64_t wait_ms = 0;                           // long poll; 0 answers at once
  std::string attempt_id;                        // FIFO ReceiveRequestAttemptId, or empty
};

struct DeliveredMessage {
  EnqueueRecord record;  // body, attributes, ids and sent time as stored
  std::string receipt_handle;
  uint32_t receive_count = 0;
  int64_t first_receive_ms = 0;
  uint64_t seq = 0;  // FIFO SequenceNumber
};

// Enqueues a message that exceeded its source's maxReceiveCount in the dead-letter queue
// `queue_name` of `account_id`; `done` (any thread) gets OK once it is durable there.
using DeadLetterRoute = std::function<void(const std::string& account_id, const std::string& queue_name,
                                           EnqueueRecord record, std::function<void(Status)> done)>;

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
  DeadLetterRoute dead_letter;       // optional; without it RedrivePolicy is not applied
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
  // Enqueues a message moved from another queue (dead-letter redrive, move tasks) as it
  // was: same MessageId, sent time and attributes; receive count starts again at 0. No
  // deduplication applies.
  void enqueue_moved(uint64_t queue_id, EnqueueRecord record, std::function<void(Result<SentMessage>)> done);
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

  // Shutdown in two steps for a set of shards that post to each other (dead-letter
  // moves): stop() every shard's executor, then close_log() every log, then destroy.
  // The destructor does both for a lone shard.
  void stop();
  void close_log();

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
  // A FIFO receive by ReceiveRequestAttemptId: a retry within five minutes gets the
  // same messages and receipt handles while none of them changed.
  struct Attempt {
    int64_t expires_ms = 0;
    std::vector<std::pair<uint64_t, uint32_t>> messages;  // (seq, receive count)
  };
  struct Queue {
    Queue(uint64_t id, ShardQueueSettings s, std::shared_ptr<QueueSeries> m)
        : state(id, s.fifo), settings(std::move(s)), series(std::move(m)) {}
    QueueState state;
    ShardQueueSettings settings;
    std::shared_ptr<QueueSeries> series;  // never null (all-null pointers without metrics)
    std::deque<Waiter> waiters;
    int64_t last_purge_ms = 0;
    uint64_t purged_below = 0;  // sends below this seq that complete later were purged
    DedupeWindow dedupe;        // FIFO only
    std::unordered_map<std::string, Attempt> attempts;  // FIFO only
  };
  struct SendBatch;
  using Delivery = std::function<void(Result<std::vector<DeliveredMessage>>)>;

  Shard(ShardOptions options, std::unique_ptr<SegmentLog> log);
  void replay(const LogRecordView& record, std::map<uint64_t, std::unique_ptr<Queue>>& queues);

  // On the executor.
  Queue* find(uint64_t queue_id);
  // Appends the ENQUEUEs of records (records[i] answers batch->results[first_index + i])
  // with one placement and one completion, and files the messages; once every frame of
  // the batch is durable, finish_enqueues() answers (and takes failed ones out), all in
  // one executor task. seal() marks the end of the batch's appends. False when the log
  // refused them (their results hold the error).
  bool append_enqueues(Queue& q, const std::shared_ptr<SendBatch>& batch, std::span<const EnqueueRecord> records,
                       size_t first_index);
  // One FIFO message: append_enqueues, then its dedupe key is remembered.
  void append_enqueue(Queue& q, const std::shared_ptr<SendBatch>& batch, size_t index, const EnqueueRecord& r,
                      std::optional<DedupeWindow::Key> dedupe_key);
  void seal(uint64_t queue_id, const std::shared_ptr<SendBatch>& batch);
  void finish_enqueues(uint64_t queue_id, const std::shared_ptr<SendBatch>& batch);
  void deliver(Queue& q, const ReceiveOptions& options, Delivery done);
  bool redeliver_attempt(Queue& q, const ReceiveOptions& options, Delivery& done);
  // Reads the bodies of `delivered` (positions in the same order) on the log's
  // completion thread once `record` is durable, then answers.
  void answer_after(uint8_t record_type, std::string payload, std::vector<DeliveredMessage> delivered,
                    std::vector<FramePosition> positions, Delivery done);
  void move_to_dead_letter(Queue& q, const PickedMessage& picked);
  void finish_dead_letter(uint64_t queue_id, uint64_t seq, uint32_t receive_count, const Status& moved);
  void serve_waiters(Queue& q);
  void tick();
  void sweep(Queue& q, int64_t now_ms);
  void expire_slice(Queue& q, int64_t now_ms);  // one slice of a retention pass
  void mark_dead(const std::vector<FramePosition>& positions);
  std::unique_ptr<Queue> make_queue(uint64_t id, ShardQueueSettings settings);
  void publish_gauges();

  ShardOptions options_;
  const HmacSha256 receipt_key_;  // options_.key, keyed once
  std::string encode_buffer_;     // executor only: append_enqueues' records, reused
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
