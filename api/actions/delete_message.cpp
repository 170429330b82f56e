// DeleteMessage and DeleteMessageBatch.
#include "api/actions/batch_entries.h"

namespace spool {

void delete_message_action(const ActionContext& ctx, Json& request, ActionDone done) {
  auto queue = resolve_queue(ctx, request);
  if (!queue) return done(queue.error());
  auto handle = required_string(request, "ReceiptHandle");
  if (!handle) return done(handle.error());
  ctx.engine.shard_of(**queue).delete_messages((*queue)->queue_id, {*handle}, [done](std::vector<Status> st) {
    if (!st.front().ok()) return done(st.front());
    done(empty_response());
  });
}

void delete_message_batch_action(const ActionContext& ctx, Json& request, ActionDone done) {
  auto queue = resolve_queue(ctx, request);
  if (!queue) return done(queue.error());
  auto entries = read_batch_entries(request, "DeleteMessageBatchRequestEntry");
  if (!entries) return done(entries.error());
  std::vector<std::string> ids, handles;
  Json failed = Json::array();
  for (Json* e : *entries) {
    std::string id = e->find("Id")->text();
    auto handle = take_required_string(*e, "ReceiptHandle");
    if (!handle) {
      failed.push(failed_entry(id, handle.error()));
      continue;
    }
    ids.push_back(std::move(id));
    handles.push_back(std::move(*handle));
  }
  ctx.engine.shard_of(**queue).delete_messages(
      (*queue)->queue_id, std::move(handles),
      [ids = std::move(ids), failed = std::move(failed), done](std::vector<Status> statuses) mutable {
        done(id_only_batch_result(ids, statuses, std::move(failed)));
      });
}

}  // namespace spool
