#pragma once

// The shape every SQS action handler has: it reads the protocol-neutral request (the
// JSON protocol's request object; Query requests are converted to it first), talks to
// the engine and answers with the JSON protocol's response object or a Status. One
// handler per action, in api/actions/<action>.cpp; the codec is the only difference
// between the protocols.
//
// The request is the handler's own: it may move values out of it (message bodies and
// receipt handles are taken, not copied).
//
// Handlers run on HTTP pool threads and must not block: they answer through `done`,
// which may run on another thread. The context stays alive as long as any copy of
// `done` does, so callbacks that hold `done` may use `ctx` by reference.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/api_config.h"
#include "common/clock.h"
#include "common/json.h"
#include "common/status.h"
#include "engine/queue_engine.h"

namespace spool {

struct ActionContext {
  QueueEngine& engine;
  const ApiConfig& config;
  const Clock& clock;
  std::string account_id;     // the authenticated caller
  std::string access_key_id;
  std::string path_queue_url;  // a Query call sent to a queue URL: that URL; else ""
  std::string action;          // the SQS action being run, for queue policy checks
  int64_t max_queues = 0;      // the caller's quota of live queues; 0: no limit
};

using ActionDone = std::function<void(Result<Json>)>;
using ActionHandler = void (*)(const ActionContext& ctx, Json& request, ActionDone done);

// The handler of an SQS action name, or nullptr.
ActionHandler find_action(std::string_view action);

// ---- Request reading, with SQS's error wording. ----

// kMissingParameter when absent; kInvalidArgument when not a string.
Result<std::string> required_string(const Json& request, std::string_view name);
// The same, moving the value out of the request.
Result<std::string> take_required_string(Json& request, std::string_view name);
std::optional<std::string> optional_string(const Json& request, std::string_view name);
// nullopt when absent; kInvalidArgument naming the value and the range when not an
// integer in [min, max].
Result<std::optional<int64_t>> optional_int(const Json& request, std::string_view name, int64_t min,
                                            int64_t max);
// A map of strings (Attributes, Tags); absent: empty.
Result<std::map<std::string, std::string>> string_map(const Json& request, std::string_view name);
// A list of strings (AttributeNames, TagKeys); absent: empty.
Result<std::vector<std::string>> string_list(const Json& request, std::string_view name);

// The queue named by QueueUrl (or by the Query call's path). Another account's queue
// only when its Policy grants ctx.action to the caller (auth/queue_policy.h): if the
// policy does not name the caller at all, kQueueNotFound exactly as for a missing queue;
// if it names the caller but not for this action, kPermissionDenied.
Result<QueueMetaPtr> resolve_queue(const ActionContext& ctx, const Json& request);

// The queue `name` of `owner_account`, subject to the same policy check.
Result<QueueMetaPtr> find_accessible_queue(const ActionContext& ctx, const std::string& owner_account,
                                           const std::string& name);

std::string queue_url_of(const ActionContext& ctx, const QueueMeta& queue);
std::string queue_arn_of(const ActionContext& ctx, const QueueMeta& queue);

// One page of queue URLs (`queues` sorted by name) under `member`, with MaxResults
// (1..1000) and NextToken read from the request as ListQueues and
// ListDeadLetterSourceQueues take them. NextToken is the hex of the last name returned:
// opaque to clients, and stable while queues come and go between pages.
Result<Json> page_of_queue_urls(const ActionContext& ctx, const Json& request,
                                const std::vector<QueueMetaPtr>& queues, std::string_view member);

// An empty response object, for actions without output.
inline Json empty_response() { return Json::object(); }

}  // namespace spool
