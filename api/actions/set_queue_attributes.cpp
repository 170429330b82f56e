#include "api/actions/action.h"

namespace spool {

void set_queue_attributes_action(const ActionContext& ctx, Json& request, ActionDone done) {
  auto queue = resolve_queue(ctx, request);
  if (!queue) return done(queue.error());
  auto attributes = string_map(request, "Attributes");
  if (!attributes) return done(attributes.error());
  if (request.find("Attributes") == nullptr) {
    return done(Status(Errc::kMissingParameter, "The request must contain the parameter Attributes."));
  }
  ctx.engine.set_queue_attributes(*queue, std::move(*attributes), [done](Status st) {
    if (!st.ok()) return done(st);
    done(empty_response());
  });
}

}  // namespace spool
