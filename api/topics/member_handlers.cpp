// Managed group membership over HTTP (spec/topics-api.md section 7): join, heartbeat
// and leave. The engine holds members in RAM (engine/topics/group_members.h); these
// handlers only decode and encode.

#include <set>

#include "api/topics/topic_errors.h"
#include "api/topics/topic_handlers.h"

namespace spool::topic_handlers {
namespace {

Result<topics::OffsetReset> offset_reset(const Json* value) {
  if (value == nullptr || value->is_null()) return topics::OffsetReset::kLatest;
  if (value->is_string()) {
    if (value->text() == "earliest") return topics::OffsetReset::kEarliest;
    if (value->text() == "latest") return topics::OffsetReset::kLatest;
    if (value->text() == "none") return topics::OffsetReset::kNone;
  }
  return Status(Errc::kInvalidArgument, "auto_offset_reset must be \"earliest\", \"latest\" or \"none\"");
}

// [{"topic", "partitions": [n, ...]}, ...] as a heartbeat's "owned".
Result<topics::TopicPartitions> owned_partitions(const Json& list) {
  const Status bad(Errc::kInvalidArgument, "owned is a list of {\"topic\", \"partitions\": [n, ...]}");
  if (!list.is_array()) return bad;
  topics::TopicPartitions out;
  for (const Json& entry : list.items()) {
    if (!entry.is_object() || !check_fields(entry, {"topic", "partitions"}, "owned").ok()) return bad;
    const Json* topic = entry.find("topic");
    const Json* partitions = entry.find("partitions");
    if (topic == nullptr || !topic->is_string() || partitions == nullptr || !partitions->is_array()) return bad;
    std::set<int32_t>& into = out[topic->text()];
    for (const Json& p : partitions->items()) {
      auto n = p.is_number() ? p.as_int() : std::nullopt;
      if (!n || *n < 0 || *n > INT32_MAX) return bad;
      into.insert(static_cast<int32_t>(*n));
    }
  }
  return out;
}

std::string member_json(const topics::MemberReply& reply) {
  Json out = Json::object();
  out.set("member_id", Json::string(reply.view.member_id));
  out.set("generation", Json::number(static_cast<int64_t>(reply.view.generation)));
  out.set("session_timeout_ms", Json::number(reply.view.session_timeout_ms));
  out.set("heartbeat_interval_ms", Json::number(reply.view.session_timeout_ms / 10));
  Json assignment = Json::array();
  for (const auto& [topic, partitions] : reply.assignment) {
    Json list = Json::array();
    for (const topics::AssignedPartition& a : partitions) {
      Json p = Json::object();
      p.set("partition", Json::number(a.partition));
      p.set("offset", a.offset ? Json::number(*a.offset) : Json());
      list.push(std::move(p));
    }
    Json t = Json::object();
    t.set("topic", Json::string(topic));
    t.set("partitions", std::move(list));
    assignment.push(std::move(t));
  }
  out.set("assignment", std::move(assignment));
  out.set("revoked", topic_partitions_json(reply.view.revoked));
  return to_json(out);
}

}  // namespace

Json topic_partitions_json(const topics::TopicPartitions& set) {
  Json out = Json::array();
  for (const auto& [topic, partitions] : set) {
    Json numbers = Json::array();
    for (int32_t p : partitions) numbers.push(Json::number(p));
    Json t = Json::object();
    t.set("topic", Json::string(topic));
    t.set("partitions", std::move(numbers));
    out.push(std::move(t));
  }
  return out;
}

Json partition_details(const Status& status, int32_t partition) {
  if (status.code() != Errc::kPartitionNotAssigned || partition < 0) return Json();
  Json details = Json::object();
  details.set("partition", Json::number(partition));
  return details;
}

void join_group(TopicCallPtr call) {
  auto body = call->body_object({"topics", "client_id", "session_timeout_ms", "auto_offset_reset"});
  if (!body) return call->fail(body.error());
  topics::JoinRequest request;
  const Json* names = body->find("topics");
  if (names == nullptr || !names->is_array() || names->items().empty()) {
    return call->fail(Status(Errc::kInvalidArgument, "topics must list at least one topic name"));
  }
  for (const Json& n : names->items()) {
    if (!n.is_string()) return call->fail(Status(Errc::kInvalidArgument, "topics must be a list of names"));
    request.topics.push_back(n.text());
  }
  if (const Json* c = body->find("client_id"); c != nullptr && !c->is_null()) {
    if (!c->is_string()) return call->fail(Status(Errc::kInvalidArgument, "client_id must be a string"));
    request.client_id = c->text();
  }
  auto session = int_member(*body, "session_timeout_ms");
  if (!session) return call->fail(session.error());
  if (*session) request.session_timeout_ms = **session;
  auto reset = offset_reset(body->find("auto_offset_reset"));
  if (!reset) return call->fail(reset.error());
  request.offset_reset = *reset;
  auto reply = call->engine.join_group(call->account, call->path.at(1), std::move(request));
  if (!reply) return call->fail(reply.error());
  call->ok(201, member_json(*reply));
}

void heartbeat(TopicCallPtr call) {
  auto body = call->body_object({"owned"});
  if (!body) return call->fail(body.error());
  std::optional<topics::TopicPartitions> owned;
  if (const Json* o = body->find("owned"); o != nullptr && !o->is_null()) {
    auto parsed = owned_partitions(*o);
    if (!parsed) return call->fail(parsed.error());
    owned = std::move(*parsed);
  }
  auto reply = call->engine.heartbeat(call->account, call->path.at(1), call->path.at(3), owned);
  if (!reply) return call->fail(reply.error());
  call->ok(200, member_json(*reply));
}

void leave_group(TopicCallPtr call) {
  if (Status s = call->engine.leave_group(call->account, call->path.at(1), call->path.at(3)); !s.ok()) {
    return call->fail(s);
  }
  HttpResponse r;
  r.status = 204;
  r.headers.emplace_back("x-amzn-RequestId", call->request_id);
  call->reply(std::move(r), "ok");
}

}  // namespace spool::topic_handlers
