// Consumer groups (spec/topics-api.md section 7): commits (stateless, or by a member
// for the partitions it owns), committed offsets and their reset, describe, list and
// delete. Join, heartbeat and leave are in member_handlers.cpp.

#include "api/topics/topic_errors.h"
#include "api/topics/topic_handlers.h"
#include "engine/topics/topic_config.h"

namespace spool::topic_handlers {
namespace {

Json offsets_json(const std::vector<topics::GroupPartitionOffset>& offsets) {
  Json list = Json::array();
  for (const auto& o : offsets) {
    Json e = Json::object();
    e.set("partition", Json::number(o.partition));
    e.set("offset", o.committed ? Json::number(o.committed->offset) : Json());
    e.set("metadata", o.committed ? Json::string(o.committed->metadata) : Json());
    e.set("committed_at", o.committed ? Json::number(o.committed->commit_ms) : Json());
    e.set("high_watermark", Json::number(o.high_watermark));
    e.set("lag", o.lag ? Json::number(*o.lag) : Json());
    list.push(std::move(e));
  }
  return list;
}

Status group_name(const TopicCall& call) { return topics::validate_group_name(call.path.at(1)); }

void no_content(const TopicCallPtr& call) {
  HttpResponse r;
  r.status = 204;
  r.headers.emplace_back("x-amzn-RequestId", call->request_id);
  call->reply(std::move(r), "ok");
}

}  // namespace

void commit_offsets(TopicCallPtr call) {
  if (Status s = group_name(*call); !s.ok()) return call->fail(s);
  auto body = call->body_object({"topic", "offsets", "member_id"});
  if (!body) return call->fail(body.error());
  std::optional<std::string> member_id;
  if (const Json* m = body->find("member_id"); m != nullptr && !m->is_null()) {
    if (!m->is_string()) return call->fail(Status(Errc::kInvalidArgument, "member_id must be a string"));
    member_id = m->text();
  }
  const Json* topic_name = body->find("topic");
  const Json* offsets = body->find("offsets");
  if (topic_name == nullptr || !topic_name->is_string() || offsets == nullptr || !offsets->is_array()) {
    return call->fail(Status(Errc::kInvalidArgument, "a commit needs \"topic\" and a list of \"offsets\""));
  }
  auto topic = call->engine.find_topic(call->account, topic_name->text());
  if (!topic) return call->fail(topic.error());
  std::vector<topics::OffsetCommit> commits;
  for (const Json& o : offsets->items()) {
    if (!o.is_object() || !check_fields(o, {"partition", "offset", "metadata"}, "offsets").ok()) {
      return call->fail(Status(Errc::kInvalidArgument, "an offset is {\"partition\", \"offset\", \"metadata\"?}"));
    }
    auto partition = int_member(o, "partition");
    auto offset = int_member(o, "offset");
    if (!partition || !*partition || **partition < 0 || **partition > INT32_MAX) {
      return call->fail(Status(Errc::kInvalidArgument, "partition must be an integer >= 0"));
    }
    if (!offset || !*offset || **offset < 0) {
      Json details = Json::object();
      details.set("partition", Json::number(**partition));
      return call->fail(Status(Errc::kInvalidArgument, "offset must be an integer >= 0"), details);
    }
    topics::OffsetCommit c;
    c.partition = static_cast<uint32_t>(**partition);
    c.offset = **offset;
    if (const Json* m = o.find("metadata"); m != nullptr && !m->is_null()) {
      if (!m->is_string()) return call->fail(Status(Errc::kInvalidArgument, "metadata must be a string"));
      c.metadata = m->text();
    }
    commits.push_back(std::move(c));
  }
  if (member_id) {
    // Checked here too (the engine checks again) to name the partition in the reply.
    std::vector<int32_t> partitions;
    for (const auto& c : commits) partitions.push_back(static_cast<int32_t>(c.partition));
    int32_t unowned = -1;
    Status s = call->engine.check_member(call->account, call->path.at(1), *member_id, **topic, partitions, &unowned);
    if (!s.ok()) return call->fail(s, partition_details(s, unowned));
  }
  call->engine.commit_offsets(call->account, call->path.at(1), member_id, *topic, std::move(commits),
                              [call](Status s) {
                                if (!s.ok()) return call->fail(s);
                                no_content(call);
                              });
}

void get_committed_offsets(TopicCallPtr call) {
  if (Status s = group_name(*call); !s.ok()) return call->fail(s);
  const std::string& group = call->path.at(1);
  Json out = Json::object();
  out.set("group", Json::string(group));
  if (const std::string* topic_name = call->param("topic")) {
    auto topic = call->engine.find_topic(call->account, *topic_name);
    if (!topic) return call->fail(topic.error());
    out.set("topic", Json::string(*topic_name));
    out.set("offsets", offsets_json(call->engine.committed_offsets(call->account, group, *topic)));
  } else {
    Json list = Json::array();
    for (const auto& topic : call->engine.group_topics(call->account, group)) {
      Json t = Json::object();
      t.set("topic", Json::string(topic->name));
      t.set("offsets", offsets_json(call->engine.committed_offsets(call->account, group, topic)));
      list.push(std::move(t));
    }
    out.set("topics", std::move(list));
  }
  call->ok(200, to_json(out));
}

void delete_committed_offsets(TopicCallPtr call) {
  if (Status s = group_name(*call); !s.ok()) return call->fail(s);
  const std::string* topic_name = call->param("topic");
  if (topic_name == nullptr) return call->fail(Status(Errc::kInvalidArgument, "topic is required"));
  auto topic = call->engine.find_topic(call->account, *topic_name);
  if (!topic) return call->fail(topic.error());
  call->engine.delete_group_offsets(call->account, call->path.at(1), *topic, [call](Status s) {
    if (!s.ok()) return call->fail(s);
    no_content(call);
  });
}

namespace {

Result<topics::OffsetResetTarget> reset_target(const Json* to) {
  using Kind = topics::OffsetResetTarget::Kind;
  const Status bad(Errc::kInvalidArgument,
                   "to is \"earliest\", \"latest\", {\"timestamp\": ms} or {\"offset\": n}");
  if (to == nullptr) return bad;
  if (to->is_string() && to->text() == "earliest") return topics::OffsetResetTarget{Kind::kEarliest, 0};
  if (to->is_string() && to->text() == "latest") return topics::OffsetResetTarget{Kind::kLatest, 0};
  if (!to->is_object() || to->members().size() != 1) return bad;
  const auto& [name, value] = to->members().front();
  auto n = value.is_number() ? value.as_int() : std::nullopt;
  if (!n || *n < 0 || (name != "timestamp" && name != "offset")) return bad;
  return topics::OffsetResetTarget{name == "timestamp" ? Kind::kTimestamp : Kind::kOffset, *n};
}

}  // namespace

void reset_offsets(TopicCallPtr call) {
  auto body = call->body_object({"topic", "partitions", "to", "dry_run"});
  if (!body) return call->fail(body.error());
  const Json* topic_name = body->find("topic");
  if (topic_name == nullptr || !topic_name->is_string()) {
    return call->fail(Status(Errc::kInvalidArgument, "a reset needs \"topic\""));
  }
  auto to = reset_target(body->find("to"));
  if (!to) return call->fail(to.error());
  std::vector<int32_t> partitions;
  if (const Json* list = body->find("partitions"); list != nullptr && !list->is_null()) {
    if (!list->is_array()) return call->fail(Status(Errc::kInvalidArgument, "partitions must be a list"));
    for (const Json& p : list->items()) {
      auto n = p.is_number() ? p.as_int() : std::nullopt;
      if (!n || *n < 0 || *n > INT32_MAX) {
        return call->fail(Status(Errc::kInvalidArgument, "partitions must be integers >= 0"));
      }
      partitions.push_back(static_cast<int32_t>(*n));
    }
  }
  const Json* dry_run = body->find("dry_run");
  if (dry_run != nullptr && !dry_run->is_null() && !dry_run->is_bool()) {
    return call->fail(Status(Errc::kInvalidArgument, "dry_run must be true or false"));
  }
  auto topic = call->engine.find_topic(call->account, topic_name->text());
  if (!topic) return call->fail(topic.error());
  call->engine.reset_offsets(
      call->account, call->path.at(1), *topic, std::move(partitions), *to,
      dry_run != nullptr && dry_run->is_bool() && dry_run->as_bool(),
      [call](Result<std::vector<std::pair<int32_t, int64_t>>> moved) {
        if (!moved) return call->fail(moved.error());
        Json list = Json::array();
        for (const auto& [partition, offset] : *moved) {
          Json e = Json::object();
          e.set("partition", Json::number(partition));
          e.set("offset", Json::number(offset));
          list.push(std::move(e));
        }
        Json out = Json::object();
        out.set("offsets", std::move(list));
        call->ok(200, to_json(out));
      });
}

void list_groups(TopicCallPtr call) {
  // Groups with live members or committed offsets.
  const std::string* prefix = call->param("prefix");
  Json list = Json::array();
  for (const auto& [group, g] : call->engine.list_groups(call->account)) {
    if (prefix && !group.starts_with(*prefix)) continue;
    Json e = Json::object();
    e.set("group", Json::string(group));
    e.set("state", Json::string(std::string(topics::group_state_name(g.membership.state))));
    e.set("member_count", Json::number(static_cast<int64_t>(g.membership.members.size())));
    Json names = Json::array();
    for (const auto& n : g.topics) names.push(Json::string(n));
    e.set("topics", std::move(names));
    list.push(std::move(e));
  }
  Json out = Json::object();
  out.set("groups", std::move(list));
  out.set("next_token", Json());
  call->ok(200, to_json(out));
}

void describe_group(TopicCallPtr call) {
  const std::string& group = call->path.at(1);
  auto g = call->engine.describe_group(call->account, group);
  if (!g) return call->fail(g.error());
  Json out = Json::object();
  out.set("group", Json::string(group));
  out.set("state", Json::string(std::string(topics::group_state_name(g->membership.state))));
  out.set("generation", Json::number(static_cast<int64_t>(g->membership.generation)));
  Json names = Json::array();
  for (const auto& t : g->topics) names.push(Json::string(t));
  out.set("topics", std::move(names));
  Json members = Json::array();
  for (const auto& m : g->membership.members) {
    Json e = Json::object();
    e.set("member_id", Json::string(m.member_id));
    e.set("client_id", Json::string(m.client_id));
    e.set("last_seen", Json::number(m.last_seen_ms));
    e.set("assignment", topic_partitions_json(m.owned));
    members.push(std::move(e));
  }
  out.set("members", std::move(members));
  call->ok(200, to_json(out));
}

void delete_group(TopicCallPtr call) {
  call->engine.delete_group(call->account, call->path.at(1), [call](Status s) {
    if (!s.ok()) return call->fail(s);
    no_content(call);
  });
}

}  // namespace spool::topic_handlers
