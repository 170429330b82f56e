#include "api/actions/action.h"

#include <algorithm>

#include "engine/queue_attributes.h"

namespace spool {
namespace {

bool wants_counters(const std::vector<std::string_view>& names) {
  return std::any_of(names.begin(), names.end(),
                     [](std::string_view n) { return n.rfind("ApproximateNumberOfMessages", 0) == 0; });
}

}  // namespace

void get_queue_attributes_action(const ActionContext& ctx, Json& request, ActionDone done) {
  auto queue = resolve_queue(ctx, request);
  if (!queue) return done(queue.error());
  auto requested = string_list(request, "AttributeNames");
  if (!requested) return done(requested.error());
  const QueueMeta& q = **queue;
  Status valid = validate_attribute_names_for_get(*requested, q.is_fifo);
  if (!valid.ok()) return done(valid);

  // The model's order, filtered to what was asked ("All" asks for everything).
  bool all = std::find(requested->begin(), requested->end(), "All") != requested->end();
  std::vector<std::string_view> names;
  for (std::string_view n : queue_attribute_names(q.is_fifo)) {
    if (all || std::find(requested->begin(), requested->end(), n) != requested->end()) names.push_back(n);
  }
  auto render = [&ctx, queue = *queue, names](const QueueCounters* counters) {
    const QueueMeta& q = *queue;
    Json attributes = Json::object();
    for (std::string_view n : names) {
      std::optional<std::string> value;
      if (n == "QueueArn") value = queue_arn_of(ctx, q);
      else if (n == "CreatedTimestamp") value = std::to_string(q.created_ms / 1000);
      else if (n == "LastModifiedTimestamp") value = std::to_string(q.modified_ms / 1000);
      else if (n == "ApproximateNumberOfMessages") value = std::to_string(counters->visible);
      else if (n == "ApproximateNumberOfMessagesNotVisible") value = std::to_string(counters->in_flight);
      else if (n == "ApproximateNumberOfMessagesDelayed") value = std::to_string(counters->delayed);
      else if (auto it = q.attributes.find(std::string(n)); it != q.attributes.end()) value = it->second;
      else value = default_queue_attribute_value(n, q.is_fifo);
      if (value) attributes.set(std::string(n), Json::string(*value));
    }
    Json out = Json::object();
    if (!attributes.members().empty()) out.set("Attributes", std::move(attributes));
    return out;
  };
  if (!wants_counters(names)) return done(render(nullptr));
  ctx.engine.shard_of(q).counters(q.queue_id, [render, done](Result<QueueCounters> counters) {
    if (!counters) return done(counters.error());
    done(render(&*counters));
  });
}

}  // namespace spool
