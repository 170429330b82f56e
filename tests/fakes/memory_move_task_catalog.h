#pragma once

// MemoryMoveTaskCatalog: the MoveTaskCatalog seam in RAM, with PgCatalog's contracts
// (kAlreadyExists, kNotFound, newest first). Safe from any thread.

#include <algorithm>
#include <map>
#include <mutex>

#include "storage/move_task_catalog.h"

namespace spool {

class MemoryMoveTaskCatalog final : public MoveTaskCatalog {
 public:
  Status create_move_task(const MoveTaskRecord& task) override {
    std::lock_guard lock(mutex_);
    if (tasks_.count(task.task_handle) > 0) return Status(Errc::kAlreadyExists, "task handle taken");
    tasks_[task.task_handle] = Stored{task, next_order_++};
    return Status();
  }
  Status update_move_task(const MoveTaskRecord& task) override {
    std::lock_guard lock(mutex_);
    auto it = tasks_.find(task.task_handle);
    if (it == tasks_.end()) return Status(Errc::kNotFound, "no such task");
    MoveTaskRecord& r = it->second.record;
    r.status = task.status;
    r.messages_moved = task.messages_moved;
    r.messages_to_move = task.messages_to_move;
    r.failure_reason = task.failure_reason;
    r.updated_ms = task.updated_ms;
    return Status();
  }
  Result<std::optional<MoveTaskRecord>> find_move_task(const std::string& task_handle) override {
    std::lock_guard lock(mutex_);
    auto it = tasks_.find(task_handle);
    if (it == tasks_.end()) return std::optional<MoveTaskRecord>();
    return std::optional<MoveTaskRecord>(it->second.record);
  }
  Result<std::vector<MoveTaskRecord>> list_move_tasks(uint64_t source_queue_id, int limit) override {
    std::lock_guard lock(mutex_);
    std::vector<const Stored*> matching;
    for (const auto& [handle, s] : tasks_) {
      if (s.record.source_queue_id == source_queue_id) matching.push_back(&s);
    }
    std::sort(matching.begin(), matching.end(), [](const Stored* a, const Stored* b) {
      if (a->record.started_ms != b->record.started_ms) return a->record.started_ms > b->record.started_ms;
      return a->order > b->order;
    });
    std::vector<MoveTaskRecord> out;
    for (const Stored* s : matching) {
      if (static_cast<int>(out.size()) == limit) break;
      out.push_back(s->record);
    }
    return out;
  }
  Result<std::vector<MoveTaskRecord>> list_active_move_tasks() override {
    std::lock_guard lock(mutex_);
    std::vector<MoveTaskRecord> out;
    for (const auto& [handle, s] : tasks_) {
      if (s.record.status == "RUNNING" || s.record.status == "CANCELLING") out.push_back(s.record);
    }
    return out;
  }

 private:
  struct Stored {
    MoveTaskRecord record;
    uint64_t order = 0;  // creation order, for ties in started_ms
  };
  std::mutex mutex_;
  std::map<std::string, Stored> tasks_;
  uint64_t next_order_ = 0;
};

}  // namespace spool
