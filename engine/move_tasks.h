#pragma once

// MoveTasks: SQS message move tasks (StartMessageMoveTask and friends). A task moves the
// visible messages of a dead-letter queue back to each message's original source queue
// (recorded when redrive moved it) or to a given destination, at most
// MaxNumberOfMessagesPerSecond, until the source has no visible message left.
//
// Each message moves as a dead-letter move does: enqueued durably in the destination
// first, then deleted from the source, so a crash can duplicate a message but never
// lose one. Tasks live in the catalog (MoveTaskCatalog): progress is saved after every
// batch of up to 10 messages, and a task RUNNING at shutdown resumes at the next start
// (after a crash its count may miss the last batch: the counts are approximate, as
// SQS names them).
//
// One thread runs every task (it may block on the catalog); the message calls are the
// shards' asynchronous ones, answered back onto that thread. Public methods are safe
// from any thread and answer through their callback on that thread.

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
#include "engine/queue_meta.h"
#include "engine/shard.h"
#include "storage/move_task_catalog.h"

namespace spool {

class QueueEngine;

class MoveTasks {
 public:
  // Loads the catalog's active tasks: RUNNING ones resume, CANCELLING ones end CANCELLED.
  static Result<std::unique_ptr<MoveTasks>> start(QueueEngine& engine, MoveTaskCatalog& catalog,
                                                  const Clock& clock, EngineMetrics* metrics);
  ~MoveTasks();
  // Stops the thread (pending work is dropped; replies still arriving are ignored).
  // The owner calls it before stopping the shards, then destroys this after them.
  void stop();

  // Starts moving `source`'s messages to `destination` (nullptr: each message's original
  // source). Answers the task handle, or kInvalidArgument when a task already runs on
  // the source. The caller checked that both queues belong to the caller's account.
  void start_task(QueueMetaPtr source, QueueMetaPtr destination, std::optional<int> max_per_second,
                  std::function<void(Result<std::string>)> done);
  // The source's most recent tasks (newest first, at most `max`), running ones with
  // their live counters.
  void list(QueueMetaPtr source, int max, std::function<void(Result<std::vector<MoveTaskRecord>>)> done);
  // Cancels a RUNNING task of `account_id`; answers the messages moved so far.
  // kNotFound for an unknown handle (or another account's), kUnsupported when the task
  // is not running.
  void cancel(std::string account_id, std::string task_handle, std::function<void(Result<int64_t>)> done);

 private:
  struct Task {
    MoveTaskRecord record;
    double tokens = 0;      // messages the rate allows now
    bool busy = false;      // a batch is being moved
    // Resumed after a restart: until then, "nothing visible" is not yet "done" while
    // messages are in flight in the source (the interrupted batch may be among them).
    int64_t resumed_until_ms = 0;
  };

  MoveTasks(QueueEngine& engine, MoveTaskCatalog& catalog, const Clock& clock, EngineMetrics* metrics);
  std::string source_name(const Task& task) const;
  uint64_t source_in_flight(const Task& task);
  // On the thread.
  void tick();
  void step(Task& task);
  void move_batch(const std::string& handle, std::vector<DeliveredMessage> messages);
  void finish(Task& task, const std::string& status, const std::string& failure);
  void save(Task& task);

  QueueEngine& engine_;
  MoveTaskCatalog& catalog_;
  const Clock& clock_;
  EngineMetrics* metrics_;  // optional
  std::map<std::string, Task> running_;  // by handle; the thread only
  int64_t last_tick_ms_ = 0;
  // Declared last: stopped first, so no task runs against a dying object.
  std::unique_ptr<Executor> thread_;
};

}  // namespace spool
