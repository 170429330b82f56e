#include "engine/move_tasks.h"

#include <algorithm>

#include "common/log.h"
#include <future>

#include "common/random.h"
#include "engine/message_attributes.h"
#include "engine/queue_engine.h"

namespace spool {
namespace {

constexpr auto kTick = std::chrono::milliseconds(100);
// Without MaxNumberOfMessagesPerSecond SQS picks a "system-optimized" rate; ours is
// this, which keeps a redrive from crowding out the queues' own traffic.
constexpr int kDefaultRate = 500;
constexpr int kBatch = 10;
// A message being moved stays hidden in the source this long; if the move fails midway
// (or the process dies) it becomes visible again and the task (or a later one) picks it
// up. A batch moves in milliseconds; a move slower than this may be repeated (at least
// once). It also bounds how long a task resumed after a crash waits for its interrupted
// batch (see move_batch).
constexpr int64_t kMoveVisibilityMs = 10'000;

Status source_gone() { return Status(Errc::kNotFound, "The source queue of the task no longer exists."); }

Status not_running(const std::string& status) {
  return Status(Errc::kUnsupported, "Only a task in the RUNNING state can be cancelled; this one is " + status + ".");
}

}  // namespace

MoveTasks::MoveTasks(QueueEngine& engine, MoveTaskCatalog& catalog, const Clock& clock, EngineMetrics* metrics)
    : engine_(engine), catalog_(catalog), clock_(clock), metrics_(metrics) {}

MoveTasks::~MoveTasks() { stop(); }

void MoveTasks::stop() {
  if (thread_) thread_->stop();
}

Result<std::unique_ptr<MoveTasks>> MoveTasks::start(QueueEngine& engine, MoveTaskCatalog& catalog,
                                                    const Clock& clock, EngineMetrics* metrics) {
  std::unique_ptr<MoveTasks> tasks(new MoveTasks(engine, catalog, clock, metrics));
  auto active = catalog.list_active_move_tasks();
  if (!active) return active.error();
  int64_t now = clock.now_ms();
  for (MoveTaskRecord& r : *active) {
    Task t;
    t.record = std::move(r);
    if (t.record.status == "CANCELLING") {
      tasks->finish(t, "CANCELLED", "");
      continue;
    }
    log_info("engine", "message move task resumed",
             {{"task", t.record.task_handle}, {"moved", t.record.messages_moved}});
    t.resumed_until_ms = now + kMoveVisibilityMs;
    tasks->running_.emplace(t.record.task_handle, std::move(t));
  }
  tasks->thread_ = std::make_unique<Executor>("move-tasks");
  MoveTasks* self = tasks.get();
  self->last_tick_ms_ = now;
  self->thread_->post_at(std::chrono::steady_clock::now() + kTick, [self] { self->tick(); });
  return tasks;
}

void MoveTasks::start_task(QueueMetaPtr source, QueueMetaPtr destination, std::optional<int> max_per_second,
                           std::function<void(Result<std::string>)> done) {
  thread_->post([this, source, destination, max_per_second, done = std::move(done)] {
    for (const auto& [handle, t] : running_) {
      if (t.record.source_queue_id == source->queue_id) {
        // InvalidParameterValue, as emulators validated against SQS report it.
        return done(Status(Errc::kInvalidArgument, "There is already a task running. Only one active task is "
                                                   "allowed for a source queue arn at a given time."));
      }
    }
    // Counted now, as SQS does: ApproximateNumberOfMessagesToMove is the visible backlog
    // when the task starts.
    auto counted = std::make_shared<std::promise<Result<QueueCounters>>>();
    auto future = counted->get_future();
    engine_.shard_of(*source).counters(source->queue_id,
                                       [counted](Result<QueueCounters> c) { counted->set_value(std::move(c)); });
    Result<QueueCounters> counters = future.get();  // a shard answers at once; this thread may wait
    if (!counters) return done(counters.error());
    Task t;
    int64_t now = clock_.now_ms();
    t.record.task_handle = base64_encode(random_bytes(24));
    t.record.account_id = source->account_id;
    t.record.source_queue_id = source->queue_id;
    if (destination) t.record.destination_queue_id = destination->queue_id;
    t.record.max_messages_per_second = max_per_second;
    t.record.status = "RUNNING";
    t.record.messages_to_move = static_cast<int64_t>(counters->visible);
    t.record.started_ms = now;
    t.record.updated_ms = now;
    Status st = catalog_.create_move_task(t.record);
    if (!st.ok()) return done(st);
    std::string handle = t.record.task_handle;
    running_.emplace(handle, std::move(t));
    done(handle);
  });
}

void MoveTasks::list(QueueMetaPtr source, int max, std::function<void(Result<std::vector<MoveTaskRecord>>)> done) {
  thread_->post([this, source, max, done = std::move(done)] {
    auto tasks = catalog_.list_move_tasks(source->queue_id, max);
    if (!tasks) return done(tasks.error());
    for (MoveTaskRecord& r : *tasks) {
      auto it = running_.find(r.task_handle);
      if (it != running_.end()) r = it->second.record;  // fresher counters than the last save
    }
    done(std::move(*tasks));
  });
}

void MoveTasks::cancel(std::string account_id, std::string task_handle, std::function<void(Result<int64_t>)> done) {
  thread_->post([this, account_id = std::move(account_id), task_handle = std::move(task_handle),
                 done = std::move(done)] {
    auto it = running_.find(task_handle);
    if (it == running_.end()) {
      auto stored = catalog_.find_move_task(task_handle);
      if (!stored) return done(stored.error());
      if (!stored->has_value() || (*stored)->account_id != account_id) {
        return done(Status(Errc::kNotFound, "The resource that you requested could not be found."));
      }
      return done(not_running((*stored)->status));
    }
    Task& t = it->second;
    if (t.record.account_id != account_id) {
      return done(Status(Errc::kNotFound, "The resource that you requested could not be found."));
    }
    if (t.record.status != "RUNNING") {  // finished, not yet retired by tick()
      return done(not_running(t.record.status));
    }
    int64_t moved = t.record.messages_moved;
    if (t.busy) {
      // The batch under way completes; tick() then ends the task CANCELLED.
      t.record.status = "CANCELLING";
      save(t);
    } else {
      finish(t, "CANCELLED", "");
      running_.erase(it);
    }
    done(moved);
  });
}

void MoveTasks::tick() {
  int64_t now = clock_.now_ms();
  double elapsed_s = static_cast<double>(std::max<int64_t>(now - last_tick_ms_, 0)) / 1000.0;
  last_tick_ms_ = now;
  for (auto it = running_.begin(); it != running_.end();) {
    Task& t = it->second;
    if (!t.busy && t.record.status != "RUNNING") {
      finish(t, t.record.status == "CANCELLING" ? "CANCELLED" : t.record.status, t.record.failure_reason);
      it = running_.erase(it);
      continue;
    }
    int rate = t.record.max_messages_per_second.value_or(kDefaultRate);
    t.tokens = std::min<double>(t.tokens + rate * elapsed_s, rate);  // at most a second's burst
    if (!t.busy) step(t);
    ++it;
  }
  if (metrics_ != nullptr) metrics_->set_move_tasks_running(running_.size());
  thread_->post_at(std::chrono::steady_clock::now() + kTick, [this] { tick(); });
}

uint64_t MoveTasks::source_in_flight(const Task& t) {
  QueueMetaPtr source = engine_.find_queue_by_id(t.record.source_queue_id);
  if (source == nullptr) return 0;
  auto counted = std::make_shared<std::promise<Result<QueueCounters>>>();
  auto future = counted->get_future();
  engine_.shard_of(*source).counters(source->queue_id,
                                     [counted](Result<QueueCounters> c) { counted->set_value(std::move(c)); });
  Result<QueueCounters> counters = future.get();  // a shard answers at once; this thread may wait
  return counters ? counters->in_flight : 0;
}

std::string MoveTasks::source_name(const Task& t) const {
  QueueMetaPtr source = engine_.find_queue_by_id(t.record.source_queue_id);
  return source == nullptr ? std::string("_deleted") : source->name;
}

void MoveTasks::step(Task& t) {
  int n = std::min(kBatch, static_cast<int>(t.tokens));
  if (n <= 0) return;
  QueueMetaPtr source = engine_.find_queue_by_id(t.record.source_queue_id);
  if (source == nullptr) {
    t.record.status = "FAILED";
    t.record.failure_reason = source_gone().message();
    return;  // the next tick ends it
  }
  t.busy = true;
  ReceiveOptions options;
  options.max_messages = n;
  options.visibility_timeout_ms = kMoveVisibilityMs;
  std::string handle = t.record.task_handle;
  engine_.shard_of(*source).receive(source->queue_id, options,
                                    [this, handle](Result<std::vector<DeliveredMessage>> got) {
                                      auto messages = std::make_shared<Result<std::vector<DeliveredMessage>>>(
                                          std::move(got));
                                      thread_->post([this, handle, messages] {
                                        auto it = running_.find(handle);
                                        if (it == running_.end()) return;
                                        if (!*messages) {
                                          it->second.busy = false;
                                          return;  // tried again next tick
                                        }
                                        move_batch(handle, std::move(**messages));
                                      });
                                    });
}

void MoveTasks::move_batch(const std::string& handle, std::vector<DeliveredMessage> messages) {
  Task& t = running_.at(handle);
  if (messages.empty()) {
    // Nothing visible is left: done (messages in flight in the source are not moved, as
    // in SQS, which moves what it can receive). Except right after a restart: the batch
    // the crash interrupted is still hidden in the source, so a resumed task waits until
    // nothing is in flight there, or its hold has run out, before it calls itself done.
    t.busy = false;
    if (t.record.status == "RUNNING" && clock_.now_ms() < t.resumed_until_ms && source_in_flight(t) > 0) return;
    if (t.record.status == "RUNNING") t.record.status = "COMPLETED";
    return;  // the next tick ends it
  }
  t.tokens -= static_cast<double>(messages.size());
  auto remaining = std::make_shared<size_t>(messages.size());
  QueueMetaPtr source = engine_.find_queue_by_id(t.record.source_queue_id);
  auto one_done = [this, handle, remaining](Status outcome) {
    auto it = running_.find(handle);
    if (it == running_.end()) return;
    Task& task = it->second;
    if (outcome.ok()) {
      ++task.record.messages_moved;
      if (metrics_ != nullptr) metrics_->count_move_task_moved(task.record.account_id, source_name(task));
    } else if (task.record.status == "RUNNING") {
      task.record.status = "FAILED";
      task.record.failure_reason = outcome.message();
    }
    if (--*remaining == 0) {
      // Saved after every batch (at most rate/10 small writes a second), so a crash
      // forgets at most one batch's count.
      task.busy = false;
      save(task);
    }
  };
  for (DeliveredMessage& m : messages) {
    uint64_t target_id = t.record.destination_queue_id.value_or(m.record.origin_queue_id);
    QueueMetaPtr target = target_id == 0 ? nullptr : engine_.find_queue_by_id(target_id);
    if (source == nullptr || target == nullptr) {
      // It stays in the source and shows again after its visibility timeout.
      one_done(Status(Errc::kNotFound, target_id == 0 ? "A message has no original source queue to return to."
                                                      : "The destination queue no longer exists."));
      continue;
    }
    std::string receipt = m.receipt_handle;
    EnqueueRecord record = std::move(m.record);
    record.origin_queue_id = 0;  // back in a regular queue
    uint64_t source_id = source->queue_id;
    Shard* source_shard = &engine_.shard_of(*source);
    engine_.shard_of(*target).enqueue_moved(
        target->queue_id, std::move(record),
        [this, one_done, source_shard, source_id, receipt](Result<SentMessage> sent) {
          if (!sent) {
            thread_->post([one_done, st = sent.error()] { one_done(st); });
            return;
          }
          source_shard->delete_messages(source_id, {receipt}, [this, one_done](std::vector<Status> deleted) {
            thread_->post([one_done, st = deleted.front()] { one_done(st); });
          });
        });
  }
}

void MoveTasks::finish(Task& t, const std::string& status, const std::string& failure) {
  t.record.status = status;
  t.record.failure_reason = failure;
  t.record.updated_ms = clock_.now_ms();
  save(t);
  log_info("engine", "message move task ended",
           {{"task", t.record.task_handle}, {"status", status}, {"moved", t.record.messages_moved}});
}

void MoveTasks::save(Task& t) {
  t.record.updated_ms = clock_.now_ms();
  Status st = catalog_.update_move_task(t.record);
  if (!st.ok()) {
    log_warn("engine", "message move task progress not saved",
             {{"task", t.record.task_handle}, {"error", st.message()}});
    return;
  }
}

}  // namespace spool
