#include "api/actions/action.h"

namespace spool {

void list_queues_action(const ActionContext& ctx, Json& request, ActionDone done) {
  std::string prefix = optional_string(request, "QueueNamePrefix").value_or("");
  done(page_of_queue_urls(ctx, request, ctx.engine.list_queues(ctx.account_id, prefix), "QueueUrls"));
}

// ListDeadLetterSourceQueues: the queues whose RedrivePolicy names this one.
void list_dead_letter_source_queues_action(const ActionContext& ctx, Json& request, ActionDone done) {
  auto queue = resolve_queue(ctx, request);
  if (!queue) return done(queue.error());
  auto page = page_of_queue_urls(ctx, request, ctx.engine.dead_letter_sources(**queue), "queueUrls");
  // queueUrls is a required member of this output, so an empty page still has it.
  if (page && page->find("queueUrls") == nullptr) page->set("queueUrls", Json::array());
  done(std::move(page));
}

}  // namespace spool
