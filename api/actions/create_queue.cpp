#include "api/actions/action.h"

namespace spool {

void create_queue_action(const ActionContext& ctx, Json& request, ActionDone done) {
  auto name = required_string(request, "QueueName");
  if (!name) return done(name.error());
  auto attributes = string_map(request, "Attributes");
  if (!attributes) return done(attributes.error());
  auto tags = string_map(request, "tags");
  if (!tags) return done(tags.error());
  CreateQueueCommand command{ctx.account_id, *name, std::move(*attributes), std::move(*tags), ctx.max_queues};
  ctx.engine.create_queue(std::move(command), [url_base = ctx.config.base_url(), done](Result<QueueMetaPtr> queue) {
    if (!queue) return done(queue.error());
    Json out = Json::object();
    out.set("QueueUrl", Json::string(url_base + "/" + (*queue)->account_id + "/" + (*queue)->name));
    done(std::move(out));
  });
}

}  // namespace spool
