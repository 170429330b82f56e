#pragma once

// MoveTaskCatalog: message move tasks (SQS StartMessageMoveTask) as rows of the
// message_move_tasks table, so a task's progress and outcome outlive the process and a
// running task resumes after a restart.
//
// A seam like Catalog: PgCatalog implements both; engine tests use an in-memory one.
// Calls block on the database; make them from a thread that may block (the engine's
// move-task thread), never from an HTTP pool or shard thread.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace spool {

struct MoveTaskRecord {
  std::string task_handle;
  std::string account_id;
  uint64_t source_queue_id = 0;
  std::optional<uint64_t> destination_queue_id;  // absent: each message's original source
  std::optional<int> max_messages_per_second;    // absent: as fast as the task runner goes
  std::string status;  // RUNNING, COMPLETED, CANCELLING, CANCELLED, FAILED
  int64_t messages_moved = 0;
  int64_t messages_to_move = 0;
  std::string failure_reason;
  int64_t started_ms = 0;
  int64_t updated_ms = 0;
};

class MoveTaskCatalog {
 public:
  virtual ~MoveTaskCatalog() = default;

  // kAlreadyExists when the handle is taken.
  virtual Status create_move_task(const MoveTaskRecord& task) = 0;
  // Stores status, counters, failure reason and updated_ms. kNotFound if absent.
  virtual Status update_move_task(const MoveTaskRecord& task) = 0;
  virtual Result<std::optional<MoveTaskRecord>> find_move_task(const std::string& task_handle) = 0;
  // The source queue's tasks, newest first, at most `limit`.
  virtual Result<std::vector<MoveTaskRecord>> list_move_tasks(uint64_t source_queue_id, int limit) = 0;
  // Tasks RUNNING or CANCELLING (start-up: resume or finish cancelling).
  virtual Result<std::vector<MoveTaskRecord>> list_active_move_tasks() = 0;
};

}  // namespace spool
