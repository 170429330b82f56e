#include "engine/topics/topic_config.h"

#include <charconv>
#include <climits>
#include <optional>

namespace spool::topics {
namespace {

Status bad(std::string_view key, const std::string& why) {
  return Status(Errc::kInvalidConfig, std::string(key) + ": " + why);
}

// Parses a whole decimal integer and checks it against [min, max] or the special `also`.
Result<int64_t> integer(std::string_view key, const std::string& text, int64_t min, int64_t max,
                        std::optional<int64_t> also = std::nullopt) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return bad(key, "'" + text + "' is not an integer");
  }
  if ((v < min || v > max) && !(also && v == *also)) {
    std::string range = std::to_string(min) + ".." + std::to_string(max);
    if (also) range = std::to_string(*also) + " or " + range;
    return bad(key, std::to_string(v) + " is out of range; must be " + range);
  }
  return v;
}

bool name_chars_ok(std::string_view name, std::string_view extra) {
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              extra.find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<TopicConfig> parse_topic_config(const std::map<std::string, std::string>& set) {
  TopicConfig c;
  constexpr int64_t kMax = INT64_MAX;
  for (const auto& [key, value] : set) {
    Result<int64_t> v = int64_t{0};
    if (key == "retention.ms") {
      v = integer(key, value, 60'000, kMax, -1);
      if (v) c.retention_ms = *v;
    } else if (key == "retention.bytes") {
      v = integer(key, value, 1 << 20, kMax, -1);
      if (v) c.retention_bytes = *v;
    } else if (key == "segment.bytes") {
      v = integer(key, value, 1 << 20, 1 << 30);
      if (v) c.segment_bytes = *v;
    } else if (key == "segment.ms") {
      v = integer(key, value, 60'000, kMax);
      if (v) c.segment_ms = *v;
    } else if (key == "max.message.bytes") {
      v = integer(key, value, 1024, 8 << 20);
      if (v) c.max_message_bytes = *v;
    } else if (key == "message.timestamp.type") {
      if (value != "CreateTime" && value != "LogAppendTime") {
        return bad(key, "'" + value + "' must be CreateTime or LogAppendTime");
      }
      c.log_append_time = value == "LogAppendTime";
    } else if (key == "cleanup.policy") {
      if (value == "compact" || value == "compact,delete" || value == "delete,compact") {
        return Status(Errc::kUnsupportedConfig,
                      "cleanup.policy: compaction is not implemented yet; use delete");
      }
      if (value != "delete") return bad(key, "'" + value + "' must be delete");
    } else {
      return bad(key, "unknown config key");
    }
    if (!v) return v.error();
  }
  return c;
}

std::map<std::string, std::string> effective_config(const TopicConfig& c) {
  return {{"retention.ms", std::to_string(c.retention_ms)},
          {"retention.bytes", std::to_string(c.retention_bytes)},
          {"segment.bytes", std::to_string(c.segment_bytes)},
          {"segment.ms", std::to_string(c.segment_ms)},
          {"cleanup.policy", "delete"},
          {"max.message.bytes", std::to_string(c.max_message_bytes)},
          {"message.timestamp.type", c.log_append_time ? "LogAppendTime" : "CreateTime"}};
}

bool is_numeric_config_key(std::string_view key) {
  return key != "cleanup.policy" && key != "message.timestamp.type";
}

Status validate_topic_name(std::string_view name) {
  if (name.empty() || name.size() > 249 || name == "." || name == ".." ||
      !name_chars_ok(name, "._-")) {
    return Status(Errc::kInvalidTopicName,
                  "topic names are 1-249 characters of [A-Za-z0-9._-], not '.' or '..'");
  }
  return Status();
}

Status validate_group_name(std::string_view name) {
  if (name.empty() || name.size() > 255 || !name_chars_ok(name, "._:-")) {
    return Status(Errc::kInvalidGroupId, "group names are 1-255 characters of [A-Za-z0-9._:-]");
  }
  return Status();
}

}  // namespace spool::topics
