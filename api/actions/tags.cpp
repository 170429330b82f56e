// TagQueue, UntagQueue and ListQueueTags: one concept (a queue's tags), three verbs.
#include "api/actions/action.h"

namespace spool {

void tag_queue_action(const ActionContext& ctx, Json& request, ActionDone done) {
  auto queue = resolve_queue(ctx, request);
  if (!queue) return done(queue.error());
  auto tags = string_map(request, "Tags");
  if (!tags) return done(tags.error());
  if (tags->empty()) return done(Status(Errc::kMissingParameter, "The request must contain the parameter Tags."));
  ctx.engine.tag_queue(*queue, std::move(*tags), [done](Status st) {
    if (!st.ok()) return done(st);
    done(empty_response());
  });
}

void untag_queue_action(const ActionContext& ctx, Json& request, ActionDone done) {
  auto queue = resolve_queue(ctx, request);
  if (!queue) return done(queue.error());
  auto keys = string_list(request, "TagKeys");
  if (!keys) return done(keys.error());
  if (keys->empty()) return done(Status(Errc::kMissingParameter, "The request must contain the parameter TagKeys."));
  ctx.engine.untag_queue(*queue, std::move(*keys), [done](Status st) {
    if (!st.ok()) return done(st);
    done(empty_response());
  });
}

void list_queue_tags_action(const ActionContext& ctx, Json& request, ActionDone done) {
  auto queue = resolve_queue(ctx, request);
  if (!queue) return done(queue.error());
  Json out = Json::object();
  if (!(*queue)->tags.empty()) {
    Json tags = Json::object();
    for (const auto& [key, value] : (*queue)->tags) tags.set(key, Json::string(value));
    out.set("Tags", std::move(tags));
  }
  done(std::move(out));
}

}  // namespace spool
