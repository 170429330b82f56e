#include "api/actions/action.h"

#include "auth/queue_policy.h"
#include "common/random.h"
#include "engine/queue_names.h"

namespace spool {

namespace {

// The string member `name`, or the Status required_string reports. J: Json or const Json.
template <class J>
Result<J*> required_string_member(J& request, std::string_view name) {
  J* v = request.find(name);
  if (v == nullptr || v->is_null()) {
    return Status(Errc::kMissingParameter, "The request must contain the parameter " + std::string(name) + ".");
  }
  if (!v->is_string()) {
    return Status(Errc::kInvalidArgument, "The parameter " + std::string(name) + " must be a string.");
  }
  return v;
}

}  // namespace

Result<std::string> required_string(const Json& request, std::string_view name) {
  auto v = required_string_member(request, name);
  if (!v) return v.error();
  return (*v)->text();
}

Result<std::string> take_required_string(Json& request, std::string_view name) {
  auto v = required_string_member(request, name);
  if (!v) return v.error();
  return std::move((*v)->text());
}

std::optional<std::string> optional_string(const Json& request, std::string_view name) {
  const Json* v = request.find(name);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->text();
}

Result<std::optional<int64_t>> optional_int(const Json& request, std::string_view name, int64_t min,
                                            int64_t max) {
  const Json* v = request.find(name);
  if (v == nullptr || v->is_null()) return std::optional<int64_t>();
  std::optional<int64_t> n;
  if (v->is_number()) n = v->as_int();
  auto range = [&] {
    return "Value " + v->text() + " for parameter " + std::string(name) +
           " is invalid. Reason: Must be between " + std::to_string(min) + " and " + std::to_string(max) + ".";
  };
  if (!n) return Status(Errc::kInvalidArgument, range());
  if (*n < min || *n > max) return Status(Errc::kInvalidArgument, range());
  return n;
}

Result<std::map<std::string, std::string>> string_map(const Json& request, std::string_view name) {
  std::map<std::string, std::string> out;
  const Json* v = request.find(name);
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_object()) {
    return Status(Errc::kInvalidArgument, "The parameter " + std::string(name) + " must be a map of strings.");
  }
  for (const auto& [key, value] : v->members()) {
    if (!value.is_string()) {
      return Status(Errc::kInvalidArgument, "The value of " + std::string(name) + "." + key + " must be a string.");
    }
    out[key] = value.text();
  }
  return out;
}

Result<std::vector<std::string>> string_list(const Json& request, std::string_view name) {
  std::vector<std::string> out;
  const Json* v = request.find(name);
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_array()) {
    return Status(Errc::kInvalidArgument, "The parameter " + std::string(name) + " must be a list of strings.");
  }
  for (const Json& item : v->items()) {
    if (!item.is_string()) {
      return Status(Errc::kInvalidArgument, "Every member of " + std::string(name) + " must be a string.");
    }
    out.push_back(item.text());
  }
  return out;
}

Result<QueueMetaPtr> resolve_queue(const ActionContext& ctx, const Json& request) {
  std::string_view url;  // the request's or the context's: both outlive the call
  if (const Json* given = request.find("QueueUrl"); given != nullptr && given->is_string()) {
    url = given->text();
  } else if (!ctx.path_queue_url.empty()) {
    url = ctx.path_queue_url;
  } else {
    return Status(Errc::kMissingParameter, "The request must contain the parameter QueueUrl.");
  }
  auto ref = parse_queue_url(url);
  if (!ref) return ref.error();
  return find_accessible_queue(ctx, ref->account, ref->name);
}

Result<QueueMetaPtr> find_accessible_queue(const ActionContext& ctx, const std::string& owner_account,
                                           const std::string& name) {
  if (owner_account == ctx.account_id) return ctx.engine.find_queue(owner_account, name);
  // SQS's words for a queue that is missing or not shared with the caller; the same
  // answer for both, so that other tenants' queue names do not leak.
  const Status invisible(Errc::kQueueNotFound, "The specified queue does not exist or you do not have access to it.");
  auto queue = ctx.engine.find_queue(owner_account, name);
  if (!queue) return invisible;
  auto policy = (*queue)->attributes.find("Policy");
  std::string arn = queue_arn_of(ctx, **queue);
  QueueAccessRequest access{ctx.account_id, owner_account, ctx.action, arn,
                            policy == (*queue)->attributes.end() ? std::string_view() : std::string_view(policy->second)};
  switch (authorize_queue_access(access)) {
    case QueueAccess::kAllowed:
      return queue;
    case QueueAccess::kDenied:
      return Status(Errc::kPermissionDenied, "Access to the resource " + queue_url_of(ctx, **queue) + " is denied.");
    case QueueAccess::kInvisible:
      return invisible;
  }
  return invisible;
}

std::string queue_url_of(const ActionContext& ctx, const QueueMeta& queue) {
  return queue_url(ctx.config.base_url(), queue.account_id, queue.name);
}

std::string queue_arn_of(const ActionContext& ctx, const QueueMeta& queue) {
  return queue_arn(ctx.config.region, queue.account_id, queue.name);
}

Result<Json> page_of_queue_urls(const ActionContext& ctx, const Json& request,
                                const std::vector<QueueMetaPtr>& queues, std::string_view member) {
  auto max_results = optional_int(request, "MaxResults", 1, 1000);
  if (!max_results) return max_results.error();
  std::string after;
  if (auto token = optional_string(request, "NextToken")) {
    if (!hex_decode(*token, &after) || after.empty()) {
      return Status(Errc::kInvalidArgument, "Invalid NextToken value.");
    }
  }
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
  if (!urls.items().empty()) out.set(std::string(member), std::move(urls));
  // As SQS: a token only when MaxResults was given and more remain.
  if (more && max_results->has_value()) out.set("NextToken", Json::string(hex_encode(last)));
  return out;
}

}  // namespace spool
