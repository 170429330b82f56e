#pragma once

// EngineMetrics: what the engine counts, with domain verbs; the only engine code that
// knows prometheus-cpp.
//
//   spool_queue_messages{account,queue,state=visible|in_flight|delayed}  gauge
//   spool_queue_oldest_message_age_seconds{account,queue}                 gauge
//   spool_queue_messages_{sent,received,deleted,expired}_total{account,queue} counters
//   spool_queue_messages_deduplicated_total{account,queue}                counter (FIFO)
//   spool_queue_fifo_groups_in_flight{account,queue}                      gauge (FIFO)
//   spool_queue_messages_dead_lettered_total{account,queue,dead_letter_queue} counter
//   spool_move_task_messages_moved_total{account,queue}  counter (queue: the task's source)
//   spool_move_tasks_running                                              gauge
//   spool_storage_segment_bytes{shard}                                    gauge
//   spool_storage_fsync_seconds{shard}                                    histogram
//   spool_storage_group_commit_frames{shard}                              histogram
//
// Cardinality is bounded: past `max_queues` labelled queues, further queues share the
// series {account="_other",queue="_other"}.
//
// Safe from any thread. QueueSeries pointers stay valid until drop_queue().

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace prometheus {
class Registry;
class Counter;
class Gauge;
class Histogram;
}  // namespace prometheus

namespace spool {

struct QueueSeries {
  prometheus::Counter* sent = nullptr;
  prometheus::Counter* received = nullptr;
  prometheus::Counter* deleted = nullptr;
  prometheus::Counter* expired = nullptr;
  prometheus::Counter* deduplicated = nullptr;
  prometheus::Gauge* groups_in_flight = nullptr;
  prometheus::Gauge* visible = nullptr;
  prometheus::Gauge* in_flight = nullptr;
  prometheus::Gauge* delayed = nullptr;
  prometheus::Gauge* oldest_age = nullptr;
  bool shared = false;  // the "_other" series; never removed
};

struct ShardSeries {
  prometheus::Histogram* fsync = nullptr;
  prometheus::Histogram* group_commit = nullptr;
  prometheus::Gauge* segment_bytes = nullptr;
};

class EngineMetrics {
 public:
  explicit EngineMetrics(std::shared_ptr<prometheus::Registry> registry, size_t max_queues = 10'000);
  ~EngineMetrics();

  std::shared_ptr<QueueSeries> add_queue(const std::string& account_id, const std::string& name);
  void drop_queue(const std::shared_ptr<QueueSeries>& series);
  ShardSeries add_shard(uint32_t shard);
  // Message move tasks: a message moved out of `queue` (the task's source); tasks running.
  void count_move_task_moved(const std::string& account_id, const std::string& queue);
  void set_move_tasks_running(size_t n);
  // A message moved from `queue` to its dead-letter queue.
  void count_dead_lettered(const std::string& account_id, const std::string& queue,
                           const std::string& dead_letter_queue);

  static void count(prometheus::Counter* counter, uint64_t n);
  static void set(prometheus::Gauge* gauge, double value);
  static void observe(prometheus::Histogram* histogram, double value);

 private:
  struct Families;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<Families> families_;
  std::mutex mutex_;
  size_t labelled_ = 0;
  size_t max_queues_;
  std::shared_ptr<QueueSeries> other_;
};

}  // namespace spool
