#pragma once

// TopicCall: one authenticated topics API request on its way through a handler, and
// the small helpers every handler uses (reply, fail, body and query access).
//
// A call is shared by the handler's callbacks (shared_ptr): it lives until the last
// one has answered. reply() must be called exactly once.

#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_types.h"
#include "common/clock.h"
#include "common/form_codec.h"
#include "common/json.h"
#include "common/status.h"
#include "engine/topics/topic_engine.h"

namespace spool {

using TopicReply = std::function<void(HttpResponse, std::string_view outcome)>;

struct TopicCall {
  topics::TopicEngine& engine;
  const Clock& clock;
  std::string account;
  HttpRequest request;
  FormParams query;
  std::vector<std::string> path;  // decoded segments after "/v1"
  std::string request_id;
  TopicReply reply;

  void ok(int status, std::string json_body) const;
  void fail(const Status& status, const Json& details = Json()) const;
  // A produce body over topics::kMaxProduceBodyBytes: answers 413 request_too_large with
  // the limit and returns true.
  bool refuse_oversized_produce_body() const;

  // The body as a JSON object with only `allowed` members (kInvalidArgument otherwise,
  // naming the field). An empty body is an empty object.
  Result<Json> body_object(std::initializer_list<std::string_view> allowed) const;
  const std::string* param(std::string_view name) const { return find_param(query, name); }
  // An integer query parameter within [min, max], or `fallback` when absent.
  Result<int64_t> int_param(std::string_view name, int64_t fallback, int64_t min, int64_t max) const;
  // The live topic named by path segment `at`, or the failure (already answered: nullptr).
  topics::TopicPtr topic_at(size_t at) const;
};
using TopicCallPtr = std::shared_ptr<TopicCall>;

// What TopicCall::body_object() does, for a body held elsewhere.
Result<Json> parse_body_object(std::string_view body, std::initializer_list<std::string_view> allowed);
// Members of `object` must all be in `allowed`.
Status check_fields(const Json& object, std::initializer_list<std::string_view> allowed, std::string_view where);
// An integer member, nullopt when absent; kInvalidArgument naming it when not an integer.
Result<std::optional<int64_t>> int_member(const Json& object, std::string_view name);

}  // namespace spool
