// fetchMany: POST /v1/fetch (spec/topics-api.md section 5, "Multi-partition fetch").
//
// {"wait_ms", "max_bytes", "max_records", "group", "member_id", "value_format",
//  "partitions": [{"topic", "partition", "offset", "max_bytes"}]}
// -> {"partitions": [<fetch reply> | <inline error>, ...]} in request order.
// The engine does the reading, the shared limits and the rotation (multi_fetch.cpp).

#include "api/topics/fetch_json.h"
#include "api/topics/topic_handlers.h"
#include "engine/topics/topic_config.h"

namespace spool::topic_handlers {
namespace {

// An integer member within [min, max], or `fallback` when absent.
Result<int64_t> bounded(const Json& object, std::string_view name, int64_t fallback, int64_t min, int64_t max,
                        std::string_view where = "") {
  auto v = int_member(object, name);
  if (!v) return v.error();
  if (!*v) return fallback;
  if (**v < min || **v > max) {
    return Status(Errc::kInvalidArgument, std::string(where) + std::string(name) + " is " + std::to_string(**v) +
                                              "; must be from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return **v;
}

// One element of "partitions".
Result<topics::PartitionFetch> partition_fetch(const Json& item, size_t index, int64_t call_max_bytes) {
  const std::string where = "partitions[" + std::to_string(index) + "]: ";
  if (!item.is_object()) return Status(Errc::kInvalidArgument, where + "must be an object");
  if (Status s = check_fields(item, {"topic", "partition", "offset", "max_bytes"}, where); !s.ok()) return s;
  topics::PartitionFetch f;
  const Json* topic = item.find("topic");
  if (topic == nullptr || !topic->is_string()) return Status(Errc::kInvalidArgument, where + "topic must be a string");
  f.topic = topic->text();
  auto partition = bounded(item, "partition", -1, 0, INT32_MAX, where);
  if (!partition) return partition.error();
  if (*partition < 0) return Status(Errc::kInvalidArgument, where + "partition is required");
  f.partition = static_cast<int32_t>(*partition);
  const Json* offset = item.find("offset");
  if (offset != nullptr && offset->is_string() && (offset->text() == "earliest" || offset->text() == "latest")) {
    f.offset = offset->text() == "earliest" ? topics::kEarliest : topics::kLatest;
  } else {
    auto n = bounded(item, "offset", -1, 0, INT64_MAX, where);
    if (!n) return n.error();
    if (*n < 0) return Status(Errc::kInvalidArgument, where + "offset is required: an integer >= 0, earliest or latest");
    f.offset = *n;
  }
  auto max_bytes = bounded(item, "max_bytes", call_max_bytes, 1, 16 << 20, where);
  if (!max_bytes) return max_bytes.error();
  if (item.find("max_bytes") != nullptr) f.max_bytes = static_cast<size_t>(*max_bytes);
  return f;
}

// Form only; ownership is checked per partition once the partitions are parsed.
Status check_fetch_member(const std::optional<std::string>& group, const std::optional<std::string>& member_id) {
  if (group) {
    if (Status s = topics::validate_group_name(*group); !s.ok()) return s;
  }
  if (member_id.has_value() != group.has_value()) return Status(Errc::kInvalidArgument, "group and member_id go together");
  return Status();
}

// A member's fetch (spec section 7 rule 4): each partition it does not own is refused
// inline with partition_not_assigned, the others are fetched; an unknown member fails
// the whole call. Every check refreshes the member's session. Partitions of topics that
// do not exist are left to the fetch, which reports them inline.
Result<std::vector<Status>> member_refusals(TopicCall& call, const std::string& group, const std::string& member_id,
                                            const topics::MultiFetchRequest& request) {
  std::vector<Status> refused(request.partitions.size());
  for (size_t i = 0; i < request.partitions.size(); ++i) {
    const topics::PartitionFetch& p = request.partitions[i];
    auto topic = call.engine.find_topic(call.account, p.topic);
    if (!topic) continue;
    int32_t unowned = -1;
    Status s = call.engine.check_member(call.account, group, member_id, **topic, {p.partition}, &unowned);
    if (s.code() == Errc::kPartitionNotAssigned) {
      refused[i] = std::move(s);
    } else if (s.code() == Errc::kPartitionNotFound) {
      continue;  // reported inline by the fetch, with the partition count
    } else if (!s.ok()) {
      return s;
    }
  }
  return refused;
}

Result<std::optional<std::string>> string_member(const Json& body, std::string_view name) {
  const Json* v = body.find(name);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) return Status(Errc::kInvalidArgument, std::string(name) + " must be a string");
  return std::optional<std::string>(v->text());
}

}  // namespace

void fetch_many(TopicCallPtr call) {
  auto body = call->body_object(
      {"wait_ms", "max_bytes", "max_records", "group", "member_id", "value_format", "partitions"});
  if (!body) return call->fail(body.error());
  topics::MultiFetchRequest request;
  auto wait_ms = bounded(*body, "wait_ms", 0, 0, 30'000);
  if (!wait_ms) return call->fail(wait_ms.error());
  auto max_bytes = bounded(*body, "max_bytes", 1 << 20, 1, 16 << 20);
  if (!max_bytes) return call->fail(max_bytes.error());
  auto max_records = bounded(*body, "max_records", 500, 1, 10'000);
  if (!max_records) return call->fail(max_records.error());
  auto format_text = string_member(*body, "value_format");
  if (!format_text) return call->fail(format_text.error());
  auto format = parse_value_format(format_text->value_or("auto"));
  if (!format) return call->fail(format.error());
  auto group = string_member(*body, "group");
  if (!group) return call->fail(group.error());
  auto member_id = string_member(*body, "member_id");
  if (!member_id) return call->fail(member_id.error());
  if (Status s = check_fetch_member(*group, *member_id); !s.ok()) return call->fail(s);
  const Json* partitions = body->find("partitions");
  if (partitions == nullptr || !partitions->is_array()) {
    return call->fail(Status(Errc::kInvalidArgument, "partitions is required: an array of 1 to 1000 partitions"));
  }
  if (partitions->items().empty() || partitions->items().size() > topics::kMaxFetchPartitions) {
    return call->fail(Status(Errc::kInvalidArgument, "partitions holds " + std::to_string(partitions->items().size()) +
                                                         " partitions; must be 1 to 1000"));
  }
  for (size_t i = 0; i < partitions->items().size(); ++i) {
    auto f = partition_fetch(partitions->items()[i], i, *max_bytes);
    if (!f) return call->fail(f.error());
    request.partitions.push_back(std::move(*f));
  }
  request.wait = std::chrono::milliseconds(*wait_ms);
  request.max_bytes = static_cast<size_t>(*max_bytes);
  request.max_records = static_cast<uint32_t>(*max_records);
  // Names as asked, for replies about topics that do not exist.
  std::vector<std::pair<std::string, int32_t>> asked;
  for (const auto& p : request.partitions) asked.emplace_back(p.topic, p.partition);
  std::vector<Status> refused(request.partitions.size());
  if (*group) {
    auto refusals = member_refusals(*call, **group, **member_id, request);
    if (!refusals) return call->fail(refusals.error());
    refused = std::move(*refusals);
    // Only the owned partitions are fetched; the refused ones are answered in place.
    topics::MultiFetchRequest owned = request;
    owned.partitions.clear();
    for (size_t i = 0; i < request.partitions.size(); ++i) {
      if (refused[i].ok()) owned.partitions.push_back(request.partitions[i]);
    }
    if (owned.partitions.empty()) {
      std::string out = "{\"partitions\":[";
      for (size_t i = 0; i < refused.size(); ++i) {
        if (i > 0) out += ',';
        append_partition_error(out, asked[i].first, asked[i].second, refused[i], std::nullopt);
      }
      out += "]}";
      return call->ok(200, std::move(out));
    }
    request = std::move(owned);
  }
  const ValueFormat vf = *format;
  call->engine.fetch_many(
      call->account, std::move(request),
      [call, asked = std::move(asked), refused = std::move(refused), vf](
          Result<std::vector<topics::PartitionFetchResult>> results) {
        if (!results) return call->fail(results.error());
        std::string out = "{\"partitions\":[";
        size_t next = 0;  // the next fetched result; refused partitions have none
        for (size_t i = 0; i < asked.size(); ++i) {
          if (i > 0) out += ',';
          if (!refused[i].ok()) {
            append_partition_error(out, asked[i].first, asked[i].second, refused[i], std::nullopt);
            continue;
          }
          const topics::PartitionFetchResult& r = (*results)[next++];
          if (!r.error.ok()) {
            append_partition_error(out, asked[i].first, asked[i].second, r.error, r.error_bounds);
          } else if (Status s = append_fetch_reply(out, asked[i].first, asked[i].second, r.reply, vf); !s.ok()) {
            return call->fail(s);
          }
        }
        out += "]}";
        call->ok(200, std::move(out));
      });
}

}  // namespace spool::topic_handlers
