#include "api/actions/message_input.h"

#include <algorithm>

#include "common/random.h"
#include "engine/message_body.h"
#include "engine/queue_attributes.h"

namespace spool {

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

Result<PreparedMessage> read_outgoing_message(const ActionContext& ctx, const QueueMeta& queue,
                                              const Json& entry) {
  auto body = required_string(entry, "MessageBody");
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

  QueueSettings settings = queue_settings(queue.attributes, queue.is_fifo);
  size_t size = message_size_bytes(*body, *attributes);
  if (size > static_cast<size_t>(settings.max_message_bytes)) {
    return Status(Errc::kInvalidArgument, "One or more parameters are invalid. Reason: Message must be shorter than " +
                                              std::to_string(settings.max_message_bytes) + " bytes.");
  }
  PreparedMessage p;
  p.md5_body_hex = md5_hex(*body);
  hex_decode(p.md5_body_hex, &p.message.md5_body);
  if (!attributes->empty()) {
    p.md5_attributes_hex = md5_of_message_attributes(*attributes);
    hex_decode(p.md5_attributes_hex, &p.message.md5_attributes);
  }
  if (!system->empty()) {
    p.md5_system_attributes_hex = md5_of_message_attributes(*system);
    p.message.trace_header = system->front().value;
  }
  p.message.body = std::move(*body);
  p.message.attributes = std::move(*attributes);
  p.message.sender_id = ctx.access_key_id;
  if (*delay) p.message.delay_ms = **delay * 1000;
  return p;
}

}  // namespace spool
