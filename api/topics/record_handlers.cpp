#include <charconv>

#include "api/topics/fetch_json.h"
#include "api/topics/produce_body.h"
#include "api/topics/topic_errors.h"
#include "api/topics/topic_handlers.h"
#include "api/topics/topic_values.h"

namespace spool::topic_handlers {
namespace {

Json index_details(const Status& s) {
  // Engine messages for one record start with "record <i>: ".
  Json details;
  const std::string& m = s.message();
  if (m.starts_with("record ")) {
    int64_t index = 0;
    auto [end, ec] = std::from_chars(m.data() + 7, m.data() + m.size(), index);
    if (ec == std::errc() && *end == ':') {
      details = Json::object();
      details.set("index", Json::number(index));
    }
  }
  return details;
}

void produce(TopicCallPtr call, std::optional<int32_t> only_partition) {
  auto topic = call->topic_at(1);
  if (!topic) return;
  if (call->refuse_oversized_produce_body()) return;
  auto records = decode_produce_body(call->request.body);
  if (!records) return call->fail(records.error(), index_details(records.error()));
  call->engine.produce(topic, std::move(*records), only_partition,
                       [call](Result<std::vector<topics::ProduceResult>> results) {
                         if (!results) return call->fail(results.error(), index_details(results.error()));
                         std::string out;
                         out.reserve(results->size() * 48 + 64);
                         size_t failed = 0;
                         for (const auto& r : *results) failed += r.error.ok() ? 0 : 1;
                         out += "{\"failed_record_count\":" + std::to_string(failed) + ",\"results\":[";
                         for (size_t i = 0; i < results->size(); ++i) {
                           const topics::ProduceResult& r = (*results)[i];
                           if (i > 0) out += ',';
                           if (r.error.ok()) {
                             out += "{\"partition\":" + std::to_string(r.partition) + ",\"offset\":" +
                                    std::to_string(r.offset) + ",\"timestamp\":" +
                                    std::to_string(r.timestamp_ms) + "}";
                           } else {
                             out += "{\"partition\":" + std::to_string(r.partition) + ",\"error_code\":";
                             append_json_string(out, topic_error_code(r.error.code()));
                             out += ",\"message\":";
                             append_json_string(out, r.error.message());
                             out += "}";
                           }
                         }
                         out += "]}";
                         call->ok(200, std::move(out));
                       });
}

Json offset_json(const topics::Topic& topic, int32_t partition, const topics::OffsetLookup& o) {
  Json out = Json::object();
  out.set("topic", Json::string(topic.name));
  out.set("partition", Json::number(partition));
  out.set("offset", o.offset ? Json::number(*o.offset) : Json());
  out.set("timestamp", o.timestamp_ms ? Json::number(*o.timestamp_ms) : Json());
  out.set("log_start_offset", Json::number(o.bounds.log_start_offset));
  out.set("high_watermark", Json::number(o.bounds.high_watermark));
  return out;
}

}  // namespace

void produce_records(TopicCallPtr call) { produce(std::move(call), std::nullopt); }

void produce_to_partition(TopicCallPtr call) {
  auto p = partition_at(*call, 3);
  if (p) produce(std::move(call), *p);
}

void fetch_records(TopicCallPtr call) {
  auto topic = call->topic_at(1);
  if (!topic) return;
  auto partition = partition_at(*call, 3);
  if (!partition) return;
  // A member's fetch: it must own the partition, and the call keeps its session alive.
  const std::string* group = call->param("group");
  const std::string* member_id = call->param("member_id");
  if ((group == nullptr) != (member_id == nullptr)) {
    return call->fail(Status(Errc::kInvalidArgument, "group and member_id go together"));
  }
  if (group != nullptr) {
    int32_t unowned = -1;
    Status s = call->engine.check_member(call->account, *group, *member_id, *topic, {*partition}, &unowned);
    if (!s.ok()) return call->fail(s, partition_details(s, unowned));
  }
  topics::FetchRequest request;
  auto offset = offset_param(*call, "offset", true);
  if (!offset) return call->fail(offset.error());
  request.offset = *offset;
  auto max_records = call->int_param("max_records", 500, 1, 10'000);
  if (!max_records) return call->fail(max_records.error());
  auto max_bytes = call->int_param("max_bytes", 1 << 20, 1, 16 << 20);
  if (!max_bytes) return call->fail(max_bytes.error());
  auto wait_ms = call->int_param("wait_ms", 0, 0, 30'000);
  if (!wait_ms) return call->fail(wait_ms.error());
  auto format = parse_value_format(call->param("value_format") ? *call->param("value_format") : "auto");
  if (!format) return call->fail(format.error());
  request.max_records = static_cast<uint32_t>(*max_records);
  request.max_bytes = static_cast<size_t>(*max_bytes);
  request.wait = std::chrono::milliseconds(*wait_ms);
  const int32_t p = *partition;
  const ValueFormat vf = *format;
  call->engine.fetch(topic, p, request, [call, topic, p, vf](Result<topics::FetchReply> reply) {
    if (!reply) return call->fail(reply.error(), fetch_error_details(*call, topic, p, reply.error()));
    std::string out;
    if (Status s = append_fetch_reply(out, topic->name, p, *reply, vf); !s.ok()) return call->fail(s);
    call->ok(200, std::move(out));
  });
}

void list_partition_offsets(TopicCallPtr call) {
  auto topic = call->topic_at(1);
  if (!topic) return;
  auto p = partition_at(*call, 3);
  if (!p) return;
  auto when = offset_param(*call, "timestamp", true);
  if (!when) return call->fail(when.error());
  auto found = call->engine.list_offset(topic, *p, *when);
  if (!found) return call->fail(found.error());
  call->ok(200, to_json(offset_json(*topic, *p, *found)));
}

void list_offsets(TopicCallPtr call) {
  auto topic = call->topic_at(1);
  if (!topic) return;
  auto when = offset_param(*call, "timestamp", true);
  if (!when) return call->fail(when.error());
  Json partitions = Json::array();
  for (int32_t p = 0; p < topic->partition_count(); ++p) {
    auto found = call->engine.list_offset(topic, p, *when);
    if (!found) return call->fail(found.error());
    partitions.push(offset_json(*topic, p, *found));
  }
  Json out = Json::object();
  out.set("partitions", std::move(partitions));
  call->ok(200, to_json(out));
}

}  // namespace spool::topic_handlers
