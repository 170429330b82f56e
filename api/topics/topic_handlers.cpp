#include "api/topics/topic_handlers.h"

#include <charconv>

#include "engine/topics/topic_config.h"

namespace spool::topic_handlers {
namespace {

// Config values arrive as JSON numbers or strings and are kept as their text.
Result<std::map<std::string, std::string>> config_from(const Json* config) {
  std::map<std::string, std::string> out;
  if (config == nullptr || config->is_null()) return out;
  if (!config->is_object()) return Status(Errc::kInvalidConfig, "config must be an object");
  for (const auto& [key, value] : config->members()) {
    if (!value.is_number() && !value.is_string()) {
      return Status(Errc::kInvalidConfig, key + ": must be a number or a string");
    }
    out[key] = value.text();
  }
  return out;
}

Json config_details(const Status& s) {
  Json details;
  if (s.code() == Errc::kInvalidConfig || s.code() == Errc::kUnsupportedConfig) {
    details = Json::object();
    details.set("config_key", Json::string(s.message().substr(0, s.message().find(':'))));
  }
  return details;
}

}  // namespace

std::optional<int32_t> partition_at(const TopicCall& call, size_t at) {
  const std::string& text = call.path.at(at);
  int32_t p = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), p);
  if (ec != std::errc() || end != text.data() + text.size() || p < 0) {
    call.fail(Status(Errc::kPartitionNotFound, "partition '" + text + "' is not a partition number"));
    return std::nullopt;
  }
  return p;
}

Json partition_json(const topics::Topic&, const topics::TopicPartition& partition) {
  PartitionStats s = partition.log().stats();
  Json p = Json::object();
  p.set("partition", Json::number(partition.number()));
  p.set("log_start_offset", Json::number(s.bounds.log_start_offset));
  p.set("high_watermark", Json::number(s.bounds.high_watermark));
  p.set("size_bytes", Json::number(static_cast<int64_t>(s.size_bytes)));
  p.set("segments", Json::number(s.segments));
  return p;
}

Json topic_json(const topics::Topic& topic) {
  Json t = Json::object();
  t.set("name", Json::string(topic.name));
  t.set("id", Json::string(std::to_string(topic.id)));
  t.set("partition_count", Json::number(topic.partition_count()));
  t.set("created_at", Json::number(topic.created_ms));
  Json config = Json::object();
  for (const auto& [key, value] : topics::effective_config(topic.config)) {
    config.set(key, topics::is_numeric_config_key(key) ? Json::number_text(value) : Json::string(value));
  }
  t.set("config", std::move(config));
  Json partitions = Json::array();
  for (const auto& p : topic.partitions) partitions.push(partition_json(topic, *p));
  t.set("partitions", std::move(partitions));
  return t;
}

void create_topic(TopicCallPtr call) {
  auto body = call->body_object({"name", "partitions", "config"});
  if (!body) return call->fail(body.error());
  const Json* name = body->find("name");
  if (name == nullptr || !name->is_string()) {
    return call->fail(Status(Errc::kInvalidTopicName, "name is required and must be a string"));
  }
  auto partitions = int_member(*body, "partitions");
  if (!partitions) return call->fail(Status(Errc::kInvalidPartitions, partitions.error().message()));
  auto config = config_from(body->find("config"));
  if (!config) return call->fail(config.error(), config_details(config.error()));
  int count = static_cast<int>(std::clamp<int64_t>(partitions->value_or(1), -1, 100000));
  call->engine.create_topic(call->account, name->text(), count, std::move(*config),
                            [call](Result<topics::TopicPtr> topic) {
                              if (!topic) return call->fail(topic.error(), config_details(topic.error()));
                              call->ok(201, to_json(topic_json(**topic)));
                            });
}

void list_topics(TopicCallPtr call) {
  auto limit = call->int_param("limit", 100, 1, 1000);
  if (!limit) return call->fail(limit.error());
  const std::string* prefix = call->param("prefix");
  const std::string* token = call->param("next_token");
  Json topics = Json::array();
  std::string next;
  int64_t n = 0;
  for (const auto& t : call->engine.list_topics(call->account, prefix ? *prefix : "")) {
    // The token is the last name of the previous page: names are unique and sorted.
    if (token && t->name <= *token) continue;
    if (n == *limit) {
      next = topics.items().back().find("name")->text();
      break;
    }
    Json s = Json::object();
    s.set("name", Json::string(t->name));
    s.set("id", Json::string(std::to_string(t->id)));
    s.set("partition_count", Json::number(t->partition_count()));
    s.set("created_at", Json::number(t->created_ms));
    topics.push(std::move(s));
    ++n;
  }
  Json out = Json::object();
  out.set("topics", std::move(topics));
  out.set("next_token", next.empty() ? Json() : Json::string(next));
  call->ok(200, to_json(out));
}

void describe_topic(TopicCallPtr call) {
  if (auto topic = call->topic_at(1)) call->ok(200, to_json(topic_json(*topic)));
}

void alter_topic(TopicCallPtr call) {
  auto topic = call->topic_at(1);
  if (!topic) return;
  auto body = call->body_object({"config", "partitions"});
  if (!body) return call->fail(body.error());
  std::optional<std::map<std::string, std::string>> config;
  if (body->find("config") != nullptr) {
    auto parsed = config_from(body->find("config"));
    if (!parsed) return call->fail(parsed.error(), config_details(parsed.error()));
    config = std::move(*parsed);
  }
  auto partitions = int_member(*body, "partitions");
  if (!partitions) return call->fail(Status(Errc::kInvalidPartitions, partitions.error().message()));
  std::optional<int> count;
  if (*partitions) count = static_cast<int>(std::clamp<int64_t>(**partitions, -1, 100000));
  call->engine.alter_topic(topic, std::move(config), count, [call, count](Result<topics::TopicPtr> t) {
    if (!t) return call->fail(t.error(), config_details(t.error()));
    Json out = topic_json(**t);
    if (count) out.set("warning", Json::string("adding partitions moves keys to other partitions"));
    call->ok(200, to_json(out));
  });
}

void delete_topic(TopicCallPtr call) {
  auto topic = call->topic_at(1);
  if (!topic) return;
  call->engine.delete_topic(topic, [call](Status s) {
    if (!s.ok()) return call->fail(s);
    HttpResponse r;
    r.status = 204;
    r.headers.emplace_back("x-amzn-RequestId", call->request_id);
    call->reply(std::move(r), "ok");
  });
}

void list_partitions(TopicCallPtr call) {
  auto topic = call->topic_at(1);
  if (!topic) return;
  Json partitions = Json::array();
  for (const auto& p : topic->partitions) partitions.push(partition_json(*topic, *p));
  Json out = Json::object();
  out.set("partitions", std::move(partitions));
  call->ok(200, to_json(out));
}

void describe_partition(TopicCallPtr call) {
  auto topic = call->topic_at(1);
  if (!topic) return;
  auto p = partition_at(*call, 3);
  if (!p) return;
  if (*p >= topic->partition_count()) {
    return call->fail(Status(Errc::kPartitionNotFound, "partition " + std::to_string(*p) + " of topic " +
                                                           topic->name + " does not exist"));
  }
  call->ok(200, to_json(partition_json(*topic, *topic->partitions[static_cast<size_t>(*p)])));
}

}  // namespace spool::topic_handlers
