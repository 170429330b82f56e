#include "api/actions/action.h"

namespace spool {

void purge_queue_action(const ActionContext& ctx, Json& request, ActionDone done) {
  auto queue = resolve_queue(ctx, request);
  if (!queue) return done(queue.error());
  ctx.engine.shard_of(**queue).purge((*queue)->queue_id, [done](Status st) {
    if (!st.ok()) return done(st);
    done(empty_response());
  });
}

}  // namespace spool
