#include "api/topics/topic_call.h"

#include <charconv>

#include "api/topics/topic_errors.h"

namespace spool {

void TopicCall::ok(int status, std::string json_body) const {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json; charset=utf-8";
  r.headers.emplace_back("x-amzn-RequestId", request_id);
  r.body = std::move(json_body);
  reply(std::move(r), "ok");
}

void TopicCall::fail(const Status& status, const Json& details) const {
  reply(topic_error_response(status, request_id, details), topic_error_for(status.code()).code);
}

bool TopicCall::refuse_oversized_produce_body() const {
  if (request.body.size() <= topics::kMaxProduceBodyBytes) return false;
  Json details = Json::object();
  details.set("limit", Json::number(static_cast<int64_t>(topics::kMaxProduceBodyBytes)));
  // Worded as the listener's own refusal of bodies over its limit (Dispatcher::too_large).
  fail(Status(Errc::kRequestTooLarge, "the body is over " + std::to_string(topics::kMaxProduceBodyBytes) + " bytes"),
       details);
  return true;
}

Status check_fields(const Json& object, std::initializer_list<std::string_view> allowed, std::string_view where) {
  for (const auto& [name, value] : object.members()) {
    bool known = false;
    for (std::string_view a : allowed) known = known || a == name;
    if (!known) return Status(Errc::kInvalidArgument, "unknown field '" + name + "' in " + std::string(where));
  }
  return Status();
}

Result<std::optional<int64_t>> int_member(const Json& object, std::string_view name) {
  const Json* v = object.find(name);
  if (v == nullptr || v->is_null()) return std::optional<int64_t>();
  auto n = v->is_number() ? v->as_int() : std::nullopt;
  if (!n) return Status(Errc::kInvalidArgument, std::string(name) + " must be an integer");
  return std::optional<int64_t>(*n);
}

Result<Json> TopicCall::body_object(std::initializer_list<std::string_view> allowed) const {
  return parse_body_object(request.body, allowed);
}

Result<Json> parse_body_object(std::string_view body, std::initializer_list<std::string_view> allowed) {
  if (body.empty()) return Json::object();
  auto parsed = parse_json(body);
  if (!parsed) return Status(Errc::kInvalidArgument, "the body is not JSON: " + parsed.error().message());
  if (!parsed->is_object()) return Status(Errc::kInvalidArgument, "the body must be a JSON object");
  if (Status s = check_fields(*parsed, allowed, "the request body"); !s.ok()) return s;
  return parsed;
}

Result<int64_t> TopicCall::int_param(std::string_view name, int64_t fallback, int64_t min, int64_t max) const {
  const std::string* text = param(name);
  if (text == nullptr) return fallback;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size() || text->empty() || v < min || v > max) {
    return Status(Errc::kInvalidArgument, std::string(name) + " is '" + *text + "'; must be an integer from " +
                                              std::to_string(min) + " to " + std::to_string(max));
  }
  return v;
}

topics::TopicPtr TopicCall::topic_at(size_t at) const {
  auto topic = engine.find_topic(account, path.at(at));
  if (!topic) {
    fail(topic.error());
    return nullptr;
  }
  return *topic;
}

}  // namespace spool
