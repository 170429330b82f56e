#include "engine/engine_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace spool {

struct EngineMetrics::Families {
  prometheus::Family<prometheus::Gauge>& messages;
  prometheus::Family<prometheus::Gauge>& oldest;
  prometheus::Family<prometheus::Counter>& sent;
  prometheus::Family<prometheus::Counter>& received;
  prometheus::Family<prometheus::Counter>& deleted;
  prometheus::Family<prometheus::Counter>& expired;
  prometheus::Family<prometheus::Counter>& deduplicated;
  prometheus::Family<prometheus::Gauge>& groups_in_flight;
  prometheus::Family<prometheus::Counter>& dead_lettered;
  prometheus::Family<prometheus::Counter>& move_task_moved;
  prometheus::Family<prometheus::Gauge>& move_tasks_running;
  prometheus::Family<prometheus::Gauge>& segment_bytes;
  prometheus::Family<prometheus::Histogram>& fsync;
  prometheus::Family<prometheus::Histogram>& group_commit;
};

namespace {

prometheus::Family<prometheus::Counter>& counter_family(prometheus::Registry& r, const std::string& name,
                                                        const std::string& help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(r);
}

prometheus::Family<prometheus::Gauge>& gauge_family(prometheus::Registry& r, const std::string& name,
                                                    const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(r);
}

}  // namespace

EngineMetrics::EngineMetrics(std::shared_ptr<prometheus::Registry> registry, size_t max_queues)
    : registry_(std::move(registry)), max_queues_(max_queues) {
  prometheus::Registry& r = *registry_;
  families_.reset(new Families{
      gauge_family(r, "spool_queue_messages", "Messages in a queue by state (visible, in_flight, delayed)"),
      gauge_family(r, "spool_queue_oldest_message_age_seconds", "Age of the oldest message in a queue"),
      counter_family(r, "spool_queue_messages_sent_total", "Messages accepted by a queue"),
      counter_family(r, "spool_queue_messages_received_total", "Messages handed out by receives"),
      counter_family(r, "spool_queue_messages_deleted_total", "Messages deleted by consumers"),
      counter_family(r, "spool_queue_messages_expired_total", "Messages dropped by the retention period"),
      counter_family(r, "spool_queue_messages_deduplicated_total",
                     "FIFO sends accepted as duplicates within the deduplication window"),
      gauge_family(r, "spool_queue_fifo_groups_in_flight",
                   "FIFO message groups with a message in flight (their later messages wait)"),
      counter_family(r, "spool_queue_messages_dead_lettered_total",
                     "Messages moved to a dead-letter queue after maxReceiveCount receives"),
      counter_family(r, "spool_move_task_messages_moved_total",
                     "Messages moved out of a queue by message move tasks (StartMessageMoveTask)"),
      gauge_family(r, "spool_move_tasks_running", "Message move tasks running or being cancelled"),
      gauge_family(r, "spool_storage_segment_bytes", "Bytes in a shard's segment files"),
      prometheus::BuildHistogram().Name("spool_storage_fsync_seconds").Help("fdatasync latency of segment files").Register(r),
      prometheus::BuildHistogram()
          .Name("spool_storage_group_commit_frames")
          .Help("Frames made durable by one group-commit round")
          .Register(r),
  });
}

EngineMetrics::~EngineMetrics() = default;

std::shared_ptr<QueueSeries> EngineMetrics::add_queue(const std::string& account_id, const std::string& name) {
  std::lock_guard lock(mutex_);
  bool overflow = labelled_ >= max_queues_;
  if (overflow && other_) return other_;
  std::map<std::string, std::string> labels{{"account", overflow ? "_other" : account_id},
                                            {"queue", overflow ? "_other" : name}};
  auto with = [&labels](const char* key, const char* value) {
    auto l = labels;
    l[key] = value;
    return l;
  };
  auto s = std::make_shared<QueueSeries>();
  s->sent = &families_->sent.Add(labels);
  s->received = &families_->received.Add(labels);
  s->deleted = &families_->deleted.Add(labels);
  s->expired = &families_->expired.Add(labels);
  s->deduplicated = &families_->deduplicated.Add(labels);
  s->groups_in_flight = &families_->groups_in_flight.Add(labels);
  s->visible = &families_->messages.Add(with("state", "visible"));
  s->in_flight = &families_->messages.Add(with("state", "in_flight"));
  s->delayed = &families_->messages.Add(with("state", "delayed"));
  s->oldest_age = &families_->oldest.Add(labels);
  s->shared = overflow;
  if (overflow) {
    other_ = s;
  } else {
    ++labelled_;
  }
  return s;
}

void EngineMetrics::drop_queue(const std::shared_ptr<QueueSeries>& s) {
  if (!s || s->shared) return;
  std::lock_guard lock(mutex_);
  families_->sent.Remove(s->sent);
  families_->received.Remove(s->received);
  families_->deleted.Remove(s->deleted);
  families_->expired.Remove(s->expired);
  families_->deduplicated.Remove(s->deduplicated);
  families_->groups_in_flight.Remove(s->groups_in_flight);
  families_->messages.Remove(s->visible);
  families_->messages.Remove(s->in_flight);
  families_->messages.Remove(s->delayed);
  families_->oldest.Remove(s->oldest_age);
  --labelled_;
}

ShardSeries EngineMetrics::add_shard(uint32_t shard) {
  std::lock_guard lock(mutex_);
  std::map<std::string, std::string> labels{{"shard", std::to_string(shard)}};
  ShardSeries s;
  // 50 µs .. 1 s: a healthy disk syncs in well under a millisecond.
  s.fsync = &families_->fsync.Add(labels, prometheus::Histogram::BucketBoundaries{
                                              0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                              0.01, 0.025, 0.05, 0.1, 0.25, 1});
  s.group_commit = &families_->group_commit.Add(
      labels, prometheus::Histogram::BucketBoundaries{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096});
  s.segment_bytes = &families_->segment_bytes.Add(labels);
  return s;
}

void EngineMetrics::count_dead_lettered(const std::string& account_id, const std::string& queue,
                                        const std::string& dead_letter_queue) {
  std::lock_guard lock(mutex_);
  // Bounded like the queue series: pairs of labelled queues only.
  bool overflow = labelled_ >= max_queues_;
  families_->dead_lettered
      .Add({{"account", overflow ? "_other" : account_id},
            {"queue", overflow ? "_other" : queue},
            {"dead_letter_queue", overflow ? "_other" : dead_letter_queue}})
      .Increment();
}

void EngineMetrics::count_move_task_moved(const std::string& account_id, const std::string& queue) {
  std::lock_guard lock(mutex_);
  bool overflow = labelled_ >= max_queues_;
  families_->move_task_moved
      .Add({{"account", overflow ? "_other" : account_id}, {"queue", overflow ? "_other" : queue}})
      .Increment();
}

void EngineMetrics::set_move_tasks_running(size_t n) {
  std::lock_guard lock(mutex_);
  families_->move_tasks_running.Add({}).Set(static_cast<double>(n));
}

void EngineMetrics::count(prometheus::Counter* counter, uint64_t n) {
  if (counter != nullptr && n > 0) counter->Increment(static_cast<double>(n));
}

void EngineMetrics::set(prometheus::Gauge* gauge, double value) {
  if (gauge != nullptr) gauge->Set(value);
}

void EngineMetrics::observe(prometheus::Histogram* histogram, double value) {
  if (histogram != nullptr) histogram->Observe(value);
}

}  // namespace spool
