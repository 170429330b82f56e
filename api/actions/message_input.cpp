#include "api/actions/message_input.h"

#include <algorithm>

#include "common/md5_lanes.h"
#include "common/random.h"
#include "engine/fifo_ids.h"
#include "engine/message_body.h"
#include "engine/queue_attributes.h"

namespace spool {

std::string sequence_number(uint64_t seq) {
  std::string digits = std::to_string(seq);
  return std::string(digits.size() < 20 ? 20 - digits.size() : 0, '0') + digits;
}

Result<MessageAttributes> read_message_attributes(const Json& entry, std::string_view member) {
  MessageAttributes out;
  const Json* map = entry.find(member);
  if (map == nullptr || map->is_null()) return out;
  if (!map->is_object()) {
    return Status(Errc::kInvalidArgument, "The parameter " + std::string(member) + " must be a map.");
  }
  for (const auto& [name, value] : map->members()) {
    if (!value.is_object()) {
      return Status(Errc::kInvalidArgument, "The message attribute '" + name + "' must be a structure.");
    }
    MessageAttribute a;
    a.name = name;
    const Json* type = value.find("DataType");
    if (type == nullptr || !type->is_string() || type->text().empty()) {
      return Status(Errc::kInvalidArgument, "The message attribute '" + name + "' must contain a non-empty message attribute type.");
    }
    a.data_type = type->text();
    const Json* string_value = value.find("StringValue");
    const Json* binary_value = value.find("BinaryValue");
    if (a.is_binary()) {
      if (binary_value == nullptr || !binary_value->is_string()) {
        return Status(Errc::kInvalidArgument, "The message attribute '" + name + "' with type 'Binary' must use field 'Binary'.");
      }
      auto bytes = base64_decode(binary_value->text());
      if (!bytes) return Status(Errc::kInvalidArgument, "The message attribute '" + name + "' has an invalid base64 BinaryValue.");
      a.value = std::move(*bytes);
    } else {
      if (string_value == nullptr || !string_value->is_string()) {
        return Status(Errc::kInvalidArgument, "The message attribute '" + name + "' with type '" + a.data_type +
                                                  "' must use field 'String'.");
      }
      a.value = string_value->text();
    }
    out.push_back(std::move(a));
  }
  std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.name < y.name; });
  return out;
}

Json message_attributes_json(const MessageAttributes& attributes) {
  Json out = Json::object();
  for (const MessageAttribute& a : attributes) {
    Json v = Json::object();
    if (a.is_binary()) {
      v.set("BinaryValue", Json::string(base64_encode(a.value)));
    } else {
      v.set("StringValue", Json::string(a.value));
    }
    v.set("DataType", Json::string(a.data_type));
    out.set(a.name, std::move(v));
  }
  return out;
}

namespace {

constexpr std::string_view kNotForThisQueueType = "The request include parameter that is not valid for this queue type.";

// MessageGroupId and MessageDeduplicationId, with SQS's rules for each queue type:
// (group, dedupe id). A standard queue takes a group id (fair queues) but no
// deduplication id; a FIFO queue needs a group id, and a deduplication id unless the
// queue derives it from the body, and refuses a per-message delay.
Result<std::pair<std::string, std::string>> read_fifo_ids(const QueueMeta& queue, const QueueSettings& settings,
                                                          const Json& entry, const std::string& body,
                                                          std::optional<int64_t> delay) {
  std::optional<std::string> group = optional_string(entry, "MessageGroupId");
  std::optional<std::string> dedupe = optional_string(entry, "MessageDeduplicationId");
  if (group) {
    Status st = validate_fifo_id("MessageGroupId", *group);
    if (!st.ok()) return st;
  }
  if (dedupe) {
    if (!queue.is_fifo) {
      return Status(Errc::kInvalidArgument, "Value " + *dedupe +
                                                " for parameter MessageDeduplicationId is invalid. Reason: " +
                                                std::string(kNotForThisQueueType));
    }
    Status st = validate_fifo_id("MessageDeduplicationId", *dedupe);
    if (!st.ok()) return st;
  }
  if (!queue.is_fifo) return std::make_pair(group.value_or(""), std::string());
  if (!group) return Status(Errc::kMissingParameter, "The request must contain the parameter MessageGroupId.");
  if (delay && *delay != 0) {
    return Status(Errc::kInvalidArgument, "Value " + std::to_string(*delay) +
                                              " for parameter DelaySeconds is invalid. Reason: " +
                                              std::string(kNotForThisQueueType));
  }
  if (!dedupe) {
    if (!settings.content_based_dedup) {
      return Status(Errc::kInvalidArgument,
                    "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId "
                    "provided explicitly");
    }
    dedupe = content_deduplication_id(body);
  }
  return std::make_pair(std::move(*group), std::move(*dedupe));
}

}  // namespace

Status read_outgoing_message(const ActionContext& ctx, const QueueMeta& queue, const QueueSettings& settings,
                             Json& entry, PreparedMessage& p) {
  auto body = take_required_string(entry, "MessageBody");
  if (!body) return body.error();
  Status st = validate_message_body(*body);
  if (!st.ok()) return st;
  auto attributes = read_message_attributes(entry, "MessageAttributes");
  if (!attributes) return attributes.error();
  st = validate_message_attributes(*attributes);
  if (!st.ok()) return st;
  auto system = read_message_attributes(entry, "MessageSystemAttributes");
  if (!system) return system.error();
  st = validate_message_system_attributes(*system);
  if (!st.ok()) return st;
  auto delay = optional_int(entry, "DelaySeconds", 0, 900);
  if (!delay) return delay.error();
  auto ids = read_fifo_ids(queue, settings, entry, *body, *delay);
  if (!ids) return ids.error();

  size_t size = message_size_bytes(*body, *attributes);
  if (size > static_cast<size_t>(settings.max_message_bytes)) {
    return Status(Errc::kInvalidArgument, "One or more parameters are invalid. Reason: Message must be shorter than " +
                                              std::to_string(settings.max_message_bytes) + " bytes.");
  }
  // Computed raw, as stored; the hex forms are for the response.
  if (!attributes->empty()) {
    p.message.md5_attributes = md5_digest_of_message_attributes(*attributes);
    p.md5_attributes_hex = hex_encode(p.message.md5_attributes);
  }
  if (!system->empty()) {
    p.md5_system_attributes_hex = md5_of_message_attributes(*system);
    p.message.trace_header = system->front().value;
  }
  p.message.body = std::move(*body);
  p.message.attributes = std::move(*attributes);
  p.message.sender_id = ctx.access_key_id;
  if (*delay) p.message.delay_ms = **delay * 1000;
  p.message.group_id = std::move(ids->first);
  p.message.dedupe_id = std::move(ids->second);
  return Status();
}

void digest_bodies(std::span<PreparedMessage> messages) {
  std::vector<std::string_view> bodies;
  bodies.reserve(messages.size());
  for (const PreparedMessage& p : messages) bodies.push_back(p.message.body);
  std::vector<Md5Digest> digests(messages.size());
  md5_many(bodies, digests);
  for (size_t i = 0; i < messages.size(); ++i) messages[i].message.md5_body = digests[i];
}

}  // namespace spool
