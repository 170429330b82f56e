#include "api/actions/action.h"

namespace spool {

void get_queue_url_action(const ActionContext& ctx, Json& request, ActionDone done) {
  auto name = required_string(request, "QueueName");
  if (!name) return done(name.error());
  // Another account's queue needs a grant of sqs:GetQueueUrl in its policy.
  std::string owner = optional_string(request, "QueueOwnerAWSAccountId").value_or(ctx.account_id);
  auto queue = find_accessible_queue(ctx, owner, *name);
  if (!queue) return done(queue.error());
  Json out = Json::object();
  out.set("QueueUrl", Json::string(queue_url_of(ctx, **queue)));
  done(std::move(out));
}

}  // namespace spool
