#include "api/actions/action.h"

#include "common/random.h"

namespace spool {

// NextToken is the hex of the last name returned: opaque to clients, stable across
// calls, and it survives queues being created or deleted between pages.
void list_queues_action(const ActionContext& ctx, const Json& request, ActionDone done) {
  std::string prefix = optional_string(request, "QueueNamePrefix").value_or("");
  auto max_results = optional_int(request, "MaxResults", 1, 1000);
  if (!max_results) return done(max_results.error());
  std::string after;
  if (auto token = optional_string(request, "NextToken")) {
    if (!hex_decode(*token, &after) || after.empty()) {
      return done(Status(Errc::kInvalidArgument, "Invalid NextToken value."));
    }
  }
  std::vector<QueueMetaPtr> queues = ctx.engine.list_queues(ctx.account_id, prefix);
  size_t limit = static_cast<size_t>(max_results->value_or(1000));
  Json urls = Json::array();
  std::string last;
  bool more = false;
  for (const QueueMetaPtr& q : queues) {
    if (!after.empty() && q->name <= after) continue;
    if (urls.items().size() == limit) {
      more = true;
      break;
    }
    urls.push(Json::string(queue_url_of(ctx, *q)));
    last = q->name;
  }
  Json out = Json::object();
  if (!urls.items().empty()) out.set("QueueUrls", std::move(urls));
  // As SQS: a token only when MaxResults was given and more remain.
  if (more && max_results->has_value()) out.set("NextToken", Json::string(hex_encode(last)));
  done(out);
}

}  // namespace spool
