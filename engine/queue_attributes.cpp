#include "engine/queue_attributes.h"

#include <algorithm>
#include <array>

#include "common/json.h"
#include "engine/message_body.h"
#include "engine/queue_names.h"

namespace spool {
namespace {

enum class Kind { kComputed, kInt, kBool, kChoice, kFifoQueue, kPolicy, kRedrive, kRedriveAllow, kText };

struct AttributeRule {
  std::string_view name;
  Kind kind;
  bool fifo_only = false;
  long min = 0, max = 0;                        // kInt
  std::array<std::string_view, 2> choices{};    // kChoice
  std::string_view default_value{};             // "" = reports nothing when unset
};

// In botocore's QueueAttributeName order. Ranges: spec section 4 and the CreateQueue
// API reference (MaximumMessageSize up to 1 MiB since Aug 2025).
constexpr std::array<AttributeRule, 21> kRules = {{
    {"Policy", Kind::kPolicy},
    {"VisibilityTimeout", Kind::kInt, false, 0, 43200, {}, "30"},
    {"MaximumMessageSize", Kind::kInt, false, 1024, 1048576, {}, "1048576"},
    {"MessageRetentionPeriod", Kind::kInt, false, 60, 1209600, {}, "345600"},
    {"ApproximateNumberOfMessages", Kind::kComputed},
    {"ApproximateNumberOfMessagesNotVisible", Kind::kComputed},
    {"CreatedTimestamp", Kind::kComputed},
    {"LastModifiedTimestamp", Kind::kComputed},
    {"QueueArn", Kind::kComputed},
    {"ApproximateNumberOfMessagesDelayed", Kind::kComputed},
    {"DelaySeconds", Kind::kInt, false, 0, 900, {}, "0"},
    {"ReceiveMessageWaitTimeSeconds", Kind::kInt, false, 0, 20, {}, "0"},
    {"RedrivePolicy", Kind::kRedrive},
    {"FifoQueue", Kind::kFifoQueue, true, 0, 0, {}, "true"},
    {"ContentBasedDeduplication", Kind::kBool, true, 0, 0, {}, "false"},
    {"KmsMasterKeyId", Kind::kText},
    {"KmsDataKeyReusePeriodSeconds", Kind::kInt, false, 60, 86400},
    {"DeduplicationScope", Kind::kChoice, true, 0, 0, {"queue", "messageGroup"}, "queue"},
    {"FifoThroughputLimit", Kind::kChoice, true, 0, 0, {"perQueue", "perMessageGroupId"}, "perQueue"},
    {"RedriveAllowPolicy", Kind::kRedriveAllow},
    // Default true since SSE-SQS became the default; a queue with KmsMasterKeyId reports false.
    {"SqsManagedSseEnabled", Kind::kBool, false, 0, 0, {}, "true"},
}};

const AttributeRule* find_rule(std::string_view name) {
  for (const AttributeRule& rule : kRules) {
    if (rule.name == name) return &rule;
  }
  return nullptr;
}

Status unknown_attribute(std::string_view name) {
  return Status(Errc::kInvalidAttributeName, "Unknown Attribute " + std::string(name) + ".");
}

Status bad_value(std::string_view name, const std::string& reason) {
  return Status(Errc::kInvalidAttributeValue,
                "Invalid value for the parameter " + std::string(name) + ". Reason: " + reason);
}

Status bad_policy(std::string_view name, std::string_view value, std::string_view reason) {
  return Status(Errc::kInvalidArgument, "Value " + std::string(value) + " for parameter " + std::string(name) +
                                            " is invalid. Reason: " + std::string(reason));
}

// Digits only: AWS refuses " 6", "+6", "6.0" and "" alike.
std::optional<long> parse_int(std::string_view text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

// Booleans: "true"/"false" in any case, as AWS's Java parser reads them.
std::optional<bool> parse_bool(std::string_view text) {
  if (equals_ignoring_case(text, "true")) return true;
  if (equals_ignoring_case(text, "false")) return false;
  return std::nullopt;
}

std::optional<int> receive_count(const Json& value) {
  std::optional<int64_t> n;
  if (value.is_number()) n = value.as_int();
  if (value.is_string()) {
    if (auto parsed = parse_int(value.text())) n = *parsed;
  }
  if (!n || *n < 1 || *n > 1000) return std::nullopt;
  return static_cast<int>(*n);
}

Status check_value(const AttributeRule& rule, const std::string& value, bool is_fifo, AttributeUse use) {
  switch (rule.kind) {
    case Kind::kComputed:
      return unknown_attribute(rule.name);
    case Kind::kInt: {
      const auto n = parse_int(value);
      if (!n || *n < rule.min || *n > rule.max) {
        return bad_value(rule.name, "'" + value + "' is not an integer from " + std::to_string(rule.min) + " to " +
                                        std::to_string(rule.max) + ".");
      }
      return Status();
    }
    case Kind::kBool:
      if (!parse_bool(value)) return bad_value(rule.name, "'" + value + "' is not true or false.");
      return Status();
    case Kind::kChoice:
      if (value != rule.choices[0] && value != rule.choices[1]) {
        return bad_value(rule.name, "'" + value + "' is not " + std::string(rule.choices[0]) + " or " +
                                        std::string(rule.choices[1]) + ".");
      }
      return Status();
    case Kind::kFifoQueue:
      if (!parse_bool(value).value_or(false)) {
        return bad_value(rule.name, use == AttributeUse::kSet ? "Modifying queue type is not supported."
                                                              : "'" + value + "' is not true.");
      }
      return Status();
    case Kind::kPolicy: {
      if (value.empty()) return Status();
      auto json = parse_json(value);
      if (!json || !json->is_object()) return bad_value(rule.name, "the policy is not a JSON object.");
      return Status();
    }
    case Kind::kRedrive: {
      auto policy = parse_redrive_policy(value);
      if (!policy) return policy.error();
      if (*policy) {
        const auto target = parse_queue_arn((*policy)->dead_letter_target_arn);
        if (target && is_fifo_queue_name(target->name) != is_fifo) {
          return bad_policy(rule.name, value, "Dead-letter queue must be same type of queue as the source..");
        }
      }
      return Status();
    }
    case Kind::kRedriveAllow: {
      auto policy = parse_redrive_allow_policy(value);
      return policy ? Status() : policy.error();
    }
    case Kind::kText:
      if (auto bad = first_disallowed_character(value)) return bad_value(rule.name, "invalid character '" + *bad + "'.");
      return Status();
  }
  return Status();
}

// JSON equality ignoring object member order: policies are documents, and Terraform
// compares them as such.
bool same_json(const Json& a, const Json& b) {
  if (a.type() != b.type()) return false;
  if (a.is_array()) {
    if (a.items().size() != b.items().size()) return false;
    for (size_t i = 0; i < a.items().size(); ++i) {
      if (!same_json(a.items()[i], b.items()[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    if (a.members().size() != b.members().size()) return false;
    for (const auto& [name, value] : a.members()) {
      const Json* other = b.find(name);
      if (other == nullptr || !same_json(value, *other)) return false;
    }
    return true;
  }
  return a == b;
}

bool same_value(const AttributeRule& rule, const std::string& a, const std::string& b) {
  switch (rule.kind) {
    case Kind::kInt:
      return parse_int(a) == parse_int(b);
    case Kind::kBool:
    case Kind::kFifoQueue:
      return parse_bool(a) == parse_bool(b);
    case Kind::kRedrive: {
      auto x = parse_redrive_policy(a), y = parse_redrive_policy(b);
      return x && y && *x == *y;
    }
    case Kind::kRedriveAllow: {
      auto x = parse_redrive_allow_policy(a), y = parse_redrive_allow_policy(b);
      return x && y && *x == *y;
    }
    case Kind::kPolicy: {
      if (a.empty() || b.empty()) return a.empty() == b.empty();
      auto x = parse_json(a), y = parse_json(b);
      return x && y ? same_json(*x, *y) : a == b;
    }
    case Kind::kComputed:
    case Kind::kChoice:
    case Kind::kText:
      return a == b;
  }
  return a == b;
}

}  // namespace

Status validate_queue_attributes(const std::map<std::string, std::string>& attributes, bool is_fifo,
                                 AttributeUse use) {
  for (const auto& [name, value] : attributes) {
    const AttributeRule* rule = find_rule(name);
    if (rule == nullptr || (rule->fifo_only && !is_fifo)) return unknown_attribute(name);
    if (Status s = check_value(*rule, value, is_fifo, use); !s.ok()) return s;
  }
  // Both forms of server-side encryption at once are refused; checked within one request.
  const auto sse = attributes.find("SqsManagedSseEnabled");
  const auto kms = attributes.find("KmsMasterKeyId");
  if (sse != attributes.end() && kms != attributes.end() && parse_bool(sse->second).value_or(false) &&
      !kms->second.empty()) {
    return bad_value("SqsManagedSseEnabled",
                     "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS "
                     "SSE or SQS SSE.");
  }
  // At create an absent DeduplicationScope is the default, queue; at set the caller
  // checks the merged attributes with check_fifo_throughput_limit().
  if (use == AttributeUse::kCreate || attributes.count("DeduplicationScope") > 0) {
    return check_fifo_throughput_limit(attributes);
  }
  return Status();
}

Status check_fifo_throughput_limit(const std::map<std::string, std::string>& attributes) {
  const auto scope = attributes.find("DeduplicationScope");
  const auto limit = attributes.find("FifoThroughputLimit");
  const bool per_group_scope = scope != attributes.end() && scope->second == "messageGroup";
  if (limit != attributes.end() && limit->second == "perMessageGroupId" && !per_group_scope) {
    return bad_value("FifoThroughputLimit", "perMessageGroupId is allowed only with DeduplicationScope messageGroup.");
  }
  return Status();
}

Result<std::optional<RedrivePolicy>> parse_redrive_policy(std::string_view value) {
  constexpr std::string_view kName = "RedrivePolicy";
  if (value.empty()) return std::optional<RedrivePolicy>();
  auto json = parse_json(value);
  if (!json || !json->is_object()) return bad_value(kName, "Redrive policy is not a valid JSON map.");
  const Json* count = json->find("maxReceiveCount");
  const Json* target = json->find("deadLetterTargetArn");
  if (count == nullptr) return bad_policy(kName, value, "Redrive policy does not contain mandatory attribute: maxReceiveCount.");
  if (target == nullptr) {
    return bad_policy(kName, value, "Redrive policy does not contain mandatory attribute: deadLetterTargetArn.");
  }
  if (json->members().size() != 2) {
    return bad_policy(kName, value, "Only following attributes are supported: [maxReceiveCount, deadLetterTargetArn].");
  }
  const std::optional<int> n = receive_count(*count);
  if (!n) {
    return bad_policy(kName, value, "Invalid value for maxReceiveCount: " + (count->is_string() || count->is_number() ? count->text() : to_json(*count)) +
                                        ", valid values are from 1 to 1000 both inclusive.");
  }
  if (!target->is_string() || !parse_queue_arn(target->text())) {
    return bad_policy(kName, value, "Only SQS queues are valid resources for deadLetterTargetArn.");
  }
  return std::optional<RedrivePolicy>(RedrivePolicy{target->text(), *n});
}

Result<std::optional<RedriveAllowPolicy>> parse_redrive_allow_policy(std::string_view value) {
  constexpr std::string_view kName = "RedriveAllowPolicy";
  if (value.empty()) return std::optional<RedriveAllowPolicy>();
  const Status unsupported =
      bad_value(kName, "Amazon SQS can't create the redrive allow policy, as it\u2019s in an unsupported format.");
  auto json = parse_json(value);
  if (!json || !json->is_object()) return unsupported;
  RedriveAllowPolicy policy;
  const Json* permission = json->find("redrivePermission");
  if (permission == nullptr || !permission->is_string()) return unsupported;
  if (permission->text() == "allowAll") {
    policy.permission = RedrivePermission::kAllowAll;
  } else if (permission->text() == "denyAll") {
    policy.permission = RedrivePermission::kDenyAll;
  } else if (permission->text() == "byQueue") {
    policy.permission = RedrivePermission::kByQueue;
  } else {
    return unsupported;
  }
  const Json* arns = json->find("sourceQueueArns");
  if (json->members().size() != (arns == nullptr ? 1u : 2u)) return unsupported;
  if (arns != nullptr) {
    if (!arns->is_array()) return unsupported;
    for (const Json& arn : arns->items()) {
      if (!arn.is_string()) return unsupported;
      policy.source_queue_arns.push_back(arn.text());
    }
  }
  constexpr std::string_view kCannot = "Amazon SQS can't create the redrive allow policy. ";
  const size_t count = policy.source_queue_arns.size();
  if (policy.permission == RedrivePermission::kByQueue && count == 0) {
    return bad_policy(kName, value, std::string(kCannot) + "When you specify the byQueue permission type, you must "
                                                           "also specify one or more sourceQueueArns values.");
  }
  if (policy.permission != RedrivePermission::kByQueue && count > 0) {
    return bad_policy(kName, value, std::string(kCannot) + "To specify one or more source queue ARNs, you must set "
                                                           "redrivePermission to byQueue.");
  }
  if (count > 10) {
    return bad_policy(kName, value, std::string(kCannot) + "The maximum number of source queue ARNs you can specify is 10.");
  }
  return std::optional<RedriveAllowPolicy>(std::move(policy));
}

QueueSettings queue_settings(const std::map<std::string, std::string>& attributes, bool is_fifo) {
  QueueSettings s;
  // Called for every send and receive: the lookup key reuses one buffer per thread
  // (four of the names are too long for a string's inline storage).
  thread_local std::string key;
  const auto text = [&](std::string_view name) -> std::string {
    key.assign(name);
    const auto it = attributes.find(key);
    if (it != attributes.end()) return it->second;
    return std::string(default_queue_attribute_value(name, is_fifo).value_or(""));
  };
  const auto integer = [&](std::string_view name, int fallback) {
    const auto n = parse_int(text(name));
    return n ? static_cast<int>(*n) : fallback;
  };
  s.delay_seconds = integer("DelaySeconds", s.delay_seconds);
  s.max_message_bytes = integer("MaximumMessageSize", s.max_message_bytes);
  s.retention_seconds = integer("MessageRetentionPeriod", s.retention_seconds);
  s.receive_wait_seconds = integer("ReceiveMessageWaitTimeSeconds", s.receive_wait_seconds);
  s.visibility_timeout_seconds = integer("VisibilityTimeout", s.visibility_timeout_seconds);
  if (is_fifo) {
    s.content_based_dedup = parse_bool(text("ContentBasedDeduplication")).value_or(false);
    s.dedup_scope_message_group = text("DeduplicationScope") == "messageGroup";
    s.throughput_per_message_group = text("FifoThroughputLimit") == "perMessageGroupId";
  }
  if (auto redrive = parse_redrive_policy(text("RedrivePolicy"))) s.redrive = *redrive;
  if (auto allow = parse_redrive_allow_policy(text("RedriveAllowPolicy"))) s.redrive_allow = *allow;
  return s;
}

std::optional<std::string> first_different_queue_attribute(const std::map<std::string, std::string>& requested,
                                                           const std::map<std::string, std::string>& existing,
                                                           bool is_fifo) {
  for (const auto& [name, value] : requested) {
    const AttributeRule* rule = find_rule(name);
    if (rule == nullptr) return name;
    const auto it = existing.find(name);
    const std::string current =
        it != existing.end() ? it->second : default_queue_attribute_value(name, is_fifo).value_or("");
    if (!same_value(*rule, value, current)) return name;
  }
  return std::nullopt;
}

bool same_queue_attributes(const std::map<std::string, std::string>& requested,
                           const std::map<std::string, std::string>& existing, bool is_fifo) {
  return !first_different_queue_attribute(requested, existing, is_fifo).has_value();
}

bool is_queue_attribute_name(std::string_view name) { return name == "All" || find_rule(name) != nullptr; }

bool applies_to_queue_type(std::string_view name, bool is_fifo) {
  if (name == "All") return true;
  const AttributeRule* rule = find_rule(name);
  return rule != nullptr && (is_fifo || !rule->fifo_only);
}

std::vector<std::string_view> queue_attribute_names(bool is_fifo) {
  std::vector<std::string_view> names;
  for (const AttributeRule& rule : kRules) {
    if (is_fifo || !rule.fifo_only) names.push_back(rule.name);
  }
  return names;
}

Status validate_attribute_names_for_get(const std::vector<std::string>& names, bool is_fifo) {
  for (const std::string& name : names) {
    if (!applies_to_queue_type(name, is_fifo)) return unknown_attribute(name);
  }
  return Status();
}

std::optional<std::string> default_queue_attribute_value(std::string_view name, bool is_fifo) {
  const AttributeRule* rule = find_rule(name);
  if (rule == nullptr || rule->default_value.empty() || (rule->fifo_only && !is_fifo)) return std::nullopt;
  return std::string(rule->default_value);
}

}  // namespace spool
