// StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask: redriving a
// dead-letter queue's messages (engine/move_tasks.h does the moving).

#include "api/actions/action.h"
#include "engine/queue_names.h"

namespace spool {
namespace {

Status not_found() { return Status(Errc::kNotFound, "The resource that you requested could not be found."); }

// A queue of the caller named by ARN; another account's answers like a missing one.
Result<QueueMetaPtr> queue_by_arn(const ActionContext& ctx, const std::string& arn) {
  auto ref = parse_queue_arn(arn);
  if (!ref || ref->account != ctx.account_id) return not_found();
  auto queue = ctx.engine.find_queue(ref->account, ref->name);
  if (!queue) return not_found();
  return *queue;
}

MoveTasks* move_tasks_of(const ActionContext& ctx) { return ctx.engine.move_tasks(); }

Status no_move_tasks() {
  return Status(Errc::kUnsupported, "Message move tasks need the PostgreSQL catalog, which this server lacks.");
}

}  // namespace

void start_message_move_task_action(const ActionContext& ctx, Json& request, ActionDone done) {
  auto source_arn = required_string(request, "SourceArn");
  if (!source_arn) return done(source_arn.error());
  auto rate = optional_int(request, "MaxNumberOfMessagesPerSecond", 1, 500);
  if (!rate) return done(rate.error());
  auto source = queue_by_arn(ctx, *source_arn);
  if (!source) return done(source.error());
  QueueMetaPtr destination;
  if (auto destination_arn = optional_string(request, "DestinationArn")) {
    auto found = queue_by_arn(ctx, *destination_arn);
    if (!found) return done(found.error());
    destination = *found;
    if (destination->queue_id == (*source)->queue_id) {
      return done(Status(Errc::kInvalidArgument, "The destination queue must differ from the source queue."));
    }
  }
  // As in SQS: only dead-letter queues of other queues, and only standard ones.
  if ((*source)->is_fifo || (destination && destination->is_fifo)) {
    return done(Status(Errc::kUnsupported, "Message move tasks support standard queues only."));
  }
  if (ctx.engine.dead_letter_sources(**source).empty()) {
    return done(Status(Errc::kInvalidArgument, "Source queue must be configured as a Dead Letter Queue."));
  }
  MoveTasks* tasks = move_tasks_of(ctx);
  if (tasks == nullptr) return done(no_move_tasks());
  std::optional<int> per_second;
  if (*rate) per_second = static_cast<int>(**rate);
  tasks->start_task(*source, destination, per_second, [done](Result<std::string> handle) {
    if (!handle) return done(handle.error());
    Json out = Json::object();
    out.set("TaskHandle", Json::string(*handle));
    done(std::move(out));
  });
}

void list_message_move_tasks_action(const ActionContext& ctx, Json& request, ActionDone done) {
  auto source_arn = required_string(request, "SourceArn");
  if (!source_arn) return done(source_arn.error());
  auto max = optional_int(request, "MaxResults", 1, 10);
  if (!max) return done(max.error());
  auto source = queue_by_arn(ctx, *source_arn);
  if (!source) return done(source.error());
  MoveTasks* tasks = move_tasks_of(ctx);
  if (tasks == nullptr) return done(no_move_tasks());
  std::string arn = *source_arn;
  tasks->list(*source, static_cast<int>(max->value_or(1)),
              [&ctx, arn, done](Result<std::vector<MoveTaskRecord>> listed) {
                if (!listed) return done(listed.error());
                Json results = Json::array();
                for (const MoveTaskRecord& t : *listed) {
                  Json e = Json::object();
                  if (t.status == "RUNNING") e.set("TaskHandle", Json::string(t.task_handle));
                  e.set("Status", Json::string(t.status));
                  e.set("SourceArn", Json::string(arn));
                  if (t.destination_queue_id) {
                    if (QueueMetaPtr d = ctx.engine.find_queue_by_id(*t.destination_queue_id)) {
                      e.set("DestinationArn", Json::string(queue_arn_of(ctx, *d)));
                    }
                  }
                  if (t.max_messages_per_second) {
                    e.set("MaxNumberOfMessagesPerSecond", Json::number(*t.max_messages_per_second));
                  }
                  e.set("ApproximateNumberOfMessagesMoved", Json::number(t.messages_moved));
                  e.set("ApproximateNumberOfMessagesToMove", Json::number(t.messages_to_move));
                  if (!t.failure_reason.empty()) e.set("FailureReason", Json::string(t.failure_reason));
                  e.set("StartedTimestamp", Json::number(t.started_ms));
                  results.push(std::move(e));
                }
                Json out = Json::object();
                out.set("Results", std::move(results));
                done(std::move(out));
              });
}

void cancel_message_move_task_action(const ActionContext& ctx, Json& request, ActionDone done) {
  auto handle = required_string(request, "TaskHandle");
  if (!handle) return done(handle.error());
  MoveTasks* tasks = move_tasks_of(ctx);
  if (tasks == nullptr) return done(no_move_tasks());
  tasks->cancel(ctx.account_id, *handle, [done](Result<int64_t> moved) {
    if (!moved) return done(moved.error());
    Json out = Json::object();
    out.set("ApproximateNumberOfMessagesMoved", Json::number(*moved));
    done(std::move(out));
  });
}

}  // namespace spool
