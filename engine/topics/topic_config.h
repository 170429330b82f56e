#pragma once

// A topic's configuration (spec/topics-api.md section 3): the keys Spool accepts, their
// defaults and bounds, and the name rules for topics and groups.
//
// Values arrive as text (a JSON number's text or a string's bytes) and are validated
// here once; the engine then uses the typed TopicConfig.
//
// Pure functions and plain values; safe from any thread.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/status.h"

namespace spool::topics {

inline constexpr int kMaxPartitions = 1024;

struct TopicConfig {
  int64_t retention_ms = 604'800'000;   // 7 days; -1 = forever; else >= 60,000
  int64_t retention_bytes = -1;         // per partition; -1 = no limit; else >= 1 MiB
  int64_t segment_bytes = 134'217'728;  // 1 MiB .. 1 GiB
  int64_t segment_ms = 86'400'000;      // >= 60,000
  int64_t max_message_bytes = 1'048'576;  // 1 KiB .. 8 MiB: key + value + headers
  bool log_append_time = false;         // message.timestamp.type=LogAppendTime
};

// Applies `set` (only the keys a client gave) over the defaults. kInvalidConfig naming
// the key for an unknown key or a bad value; kUnsupportedConfig for cleanup.policy
// values that need compaction.
Result<TopicConfig> parse_topic_config(const std::map<std::string, std::string>& set);
// Every key with its effective value, as text for the API ("retention.ms" -> "604800000");
// numeric keys are marked in `numeric` so the api can print them as JSON numbers.
std::map<std::string, std::string> effective_config(const TopicConfig& config);
bool is_numeric_config_key(std::string_view key);

// Kafka's rule: 1-249 of [A-Za-z0-9._-], not "." or "..". kInvalidTopicName.
Status validate_topic_name(std::string_view name);
// 1-255 of [A-Za-z0-9._:-]. kInvalidGroupId.
Status validate_group_name(std::string_view name);

}  // namespace spool::topics
