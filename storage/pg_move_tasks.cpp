// PgCatalog's MoveTaskCatalog half: the message_move_tasks table (migration 1).

#include "storage/pg_catalog.h"

namespace spool {
namespace {

constexpr const char* kColumns =
    "task_handle, account_id, source_queue_id, destination_queue_id, max_messages_per_second, status,"
    " messages_moved, messages_to_move, failure_reason, started_ms, updated_ms";

std::string optional_text(const std::optional<uint64_t>& v) { return v ? std::to_string(*v) : std::string(); }

MoveTaskRecord task_from(const PgRows& rows, int i) {
  MoveTaskRecord t;
  t.task_handle = rows.text(i, 0);
  t.account_id = rows.text(i, 1);
  t.source_queue_id = static_cast<uint64_t>(rows.int64(i, 2));
  if (!rows.is_null(i, 3)) t.destination_queue_id = static_cast<uint64_t>(rows.int64(i, 3));
  if (!rows.is_null(i, 4)) t.max_messages_per_second = static_cast<int>(rows.int64(i, 4));
  t.status = rows.text(i, 5);
  t.messages_moved = rows.int64(i, 6);
  t.messages_to_move = rows.int64(i, 7);
  if (!rows.is_null(i, 8)) t.failure_reason = rows.text(i, 8);
  t.started_ms = rows.int64(i, 9);
  t.updated_ms = rows.int64(i, 10);
  return t;
}

Result<std::vector<MoveTaskRecord>> tasks_from(Result<PgRows> rows) {
  if (!rows) return rows.error();
  std::vector<MoveTaskRecord> out;
  for (int i = 0; i < rows->size(); ++i) out.push_back(task_from(*rows, i));
  return out;
}

}  // namespace

Status PgCatalog::create_move_task(const MoveTaskRecord& t) {
  std::lock_guard lock(mutex_);
  // NULLIF turns the empty text of an absent optional into SQL NULL.
  auto rows = conn_->exec(std::string("INSERT INTO message_move_tasks (") + kColumns +
                              ") VALUES ($1, $2, $3, NULLIF($4, '')::bigint, NULLIF($5, '')::integer, $6, $7, $8,"
                              " NULLIF($9, ''), $10, $11)",
                          {t.task_handle, t.account_id, std::to_string(t.source_queue_id),
                           optional_text(t.destination_queue_id),
                           t.max_messages_per_second ? std::to_string(*t.max_messages_per_second) : std::string(),
                           t.status, std::to_string(t.messages_moved), std::to_string(t.messages_to_move),
                           t.failure_reason, std::to_string(t.started_ms), std::to_string(t.updated_ms)});
  if (!rows) {
    if (is_unique_violation(rows.error())) return Status(Errc::kAlreadyExists, "task handle taken");
    return rows.error();
  }
  return Status();
}

Status PgCatalog::update_move_task(const MoveTaskRecord& t) {
  std::lock_guard lock(mutex_);
  auto rows = conn_->exec(
      "UPDATE message_move_tasks SET status = $2, messages_moved = $3, messages_to_move = $4,"
      " failure_reason = NULLIF($5, ''), updated_ms = $6 WHERE task_handle = $1",
      {t.task_handle, t.status, std::to_string(t.messages_moved), std::to_string(t.messages_to_move),
       t.failure_reason, std::to_string(t.updated_ms)});
  if (!rows) return rows.error();
  if (rows->affected() == 0) return Status(Errc::kNotFound, "no such message move task");
  return Status();
}

Result<std::optional<MoveTaskRecord>> PgCatalog::find_move_task(const std::string& task_handle) {
  std::lock_guard lock(mutex_);
  auto tasks = tasks_from(conn_->exec(
      std::string("SELECT ") + kColumns + " FROM message_move_tasks WHERE task_handle = $1", {task_handle}));
  if (!tasks) return tasks.error();
  if (tasks->empty()) return std::optional<MoveTaskRecord>();
  return std::optional<MoveTaskRecord>(std::move(tasks->front()));
}

Result<std::vector<MoveTaskRecord>> PgCatalog::list_move_tasks(uint64_t source_queue_id, int limit) {
  std::lock_guard lock(mutex_);
  return tasks_from(conn_->exec(std::string("SELECT ") + kColumns +
                                    " FROM message_move_tasks WHERE source_queue_id = $1"
                                    " ORDER BY started_ms DESC, task_handle LIMIT $2",
                                {std::to_string(source_queue_id), std::to_string(limit)}));
}

Result<std::vector<MoveTaskRecord>> PgCatalog::list_active_move_tasks() {
  std::lock_guard lock(mutex_);
  return tasks_from(conn_->exec(std::string("SELECT ") + kColumns +
                                " FROM message_move_tasks WHERE status IN ('RUNNING', 'CANCELLING')"
                                " ORDER BY started_ms"));
}

}  // namespace spool
