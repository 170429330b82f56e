#include "api/actions/action.h"

namespace spool {

void delete_queue_action(const ActionContext& ctx, Json& request, ActionDone done) {
  auto queue = resolve_queue(ctx, request);
  if (!queue) return done(queue.error());
  ctx.engine.delete_queue(*queue, [done](Status st) {
    if (!st.ok()) return done(st);
    done(empty_response());
  });
}

}  // namespace spool
