// ChangeMessageVisibility and ChangeMessageVisibilityBatch.
#include "api/actions/batch_entries.h"

namespace spool {
namespace {

Result<VisibilityChange> read_change(const Json& entry) {
  auto handle = required_string(entry, "ReceiptHandle");
  if (!handle) return handle.error();
  if (entry.find("VisibilityTimeout") == nullptr) {
    return Status(Errc::kMissingParameter, "The request must contain the parameter VisibilityTimeout.");
  }
  auto timeout = optional_int(entry, "VisibilityTimeout", 0, 43200);
  if (!timeout) return timeout.error();
  return VisibilityChange{*handle, **timeout * 1000};
}

}  // namespace

void change_message_visibility_action(const ActionContext& ctx, Json& request, ActionDone done) {
  auto queue = resolve_queue(ctx, request);
  if (!queue) return done(queue.error());
  auto change = read_change(request);
  if (!change) return done(change.error());
  ctx.engine.shard_of(**queue).change_visibility((*queue)->queue_id, {*change}, [done](std::vector<Status> st) {
    if (!st.front().ok()) return done(st.front());
    done(empty_response());
  });
}

void change_message_visibility_batch_action(const ActionContext& ctx, Json& request, ActionDone done) {
  auto queue = resolve_queue(ctx, request);
  if (!queue) return done(queue.error());
  auto entries = read_batch_entries(request, "ChangeMessageVisibilityBatchRequestEntry");
  if (!entries) return done(entries.error());
  std::vector<std::string> ids;
  std::vector<VisibilityChange> changes;
  Json failed = Json::array();
  for (Json* e : *entries) {
    std::string id = e->find("Id")->text();
    auto change = read_change(*e);
    if (!change) {
      failed.push(failed_entry(id, change.error()));
      continue;
    }
    ids.push_back(id);
    changes.push_back(std::move(*change));
  }
  ctx.engine.shard_of(**queue).change_visibility(
      (*queue)->queue_id, std::move(changes), [ids, failed, done](std::vector<Status> statuses) mutable {
        done(id_only_batch_result(ids, statuses, std::move(failed)));
      });
}

}  // namespace spool
