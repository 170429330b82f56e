#include "api/actions/action.h"

namespace spool {

void get_queue_url_action(const ActionContext& ctx, const Json& request, ActionDone done) {
  auto name = required_string(request, "QueueName");
  if (!name) return done(name.error());
  // Another account's queue needs a grant in its policy (tenancy issue); until then the
  // owner id must be the caller's own.
  if (auto owner = optional_string(request, "QueueOwnerAWSAccountId"); owner && *owner != ctx.account_id) {
    return done(Status(Errc::kQueueNotFound, "The specified queue does not exist."));
  }
  auto queue = ctx.engine.find_queue(ctx.account_id, *name);
  if (!queue) return done(queue.error());
  Json out = Json::object();
  out.set("QueueUrl", Json::string(queue_url_of(ctx, **queue)));
  done(out);
}

}  // namespace spool
