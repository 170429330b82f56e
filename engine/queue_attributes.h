#pragma once

// Queue attributes (spec section 4): which names exist, which a queue type accepts,
// the value rules of CreateQueue/SetQueueAttributes with AWS's error codes, defaults,
// and the effective settings the engine runs on.
//
// Attribute values travel and are stored as strings, exactly as the client sent them
// (Terraform needs them to read back byte for byte); QueueSettings is the parsed view.
//
// Error codes, as AWS answers them:
//  - unknown name, a read-only name, or a FIFO-only name on a standard queue
//    -> kInvalidAttributeName "Unknown Attribute <name>."
//  - a value out of range or malformed
//    -> kInvalidAttributeValue "Invalid value for the parameter <name>. Reason: ..."
//  - a RedrivePolicy / RedriveAllowPolicy that is JSON of the right shape but breaks a rule
//    -> kInvalidArgument "Value <value> for parameter <name> is invalid. Reason: ..."
//
// Pure functions; safe from any thread.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace spool {

enum class AttributeUse { kCreate, kSet };

struct RedrivePolicy {
  std::string dead_letter_target_arn;
  int max_receive_count = 0;  // 1..1000
  bool operator==(const RedrivePolicy&) const = default;
};

enum class RedrivePermission { kAllowAll, kDenyAll, kByQueue };

struct RedriveAllowPolicy {
  RedrivePermission permission = RedrivePermission::kAllowAll;
  std::vector<std::string> source_queue_arns;  // only with kByQueue; 1..10
  bool operator==(const RedriveAllowPolicy&) const = default;
};

// Checks the names and values of a CreateQueue/SetQueueAttributes map for a queue of
// the given type. `is_fifo` is the queue's type: at create, whether FifoQueue is "true".
// FifoQueue itself is accepted only on FIFO queues and only as "true" (at set it is a
// no-op; anything else is "Modifying queue type is not supported."). An empty
// RedrivePolicy, RedriveAllowPolicy, Policy or KmsMasterKeyId removes that attribute.
// Whether a dead-letter target exists and is in the same account is the caller's check;
// its type (FIFO or standard, read from the ARN's name) is checked here.
Status validate_queue_attributes(const std::map<std::string, std::string>& attributes, bool is_fifo,
                                 AttributeUse use);

// FifoThroughputLimit=perMessageGroupId needs DeduplicationScope=messageGroup (AWS's
// SetQueueAttributes reference), judged on a queue's whole attribute map (an absent
// scope is the default, queue). kInvalidAttributeValue otherwise.
Status check_fifo_throughput_limit(const std::map<std::string, std::string>& attributes);

// The policies' parsed forms. "" -> nullopt (no policy). Errors as for validation.
Result<std::optional<RedrivePolicy>> parse_redrive_policy(std::string_view value);
Result<std::optional<RedriveAllowPolicy>> parse_redrive_allow_policy(std::string_view value);

// Effective settings (defaults applied) parsed from a stored, already valid map.
struct QueueSettings {
  int delay_seconds = 0;
  // AWS raised MaximumMessageSize's maximum and default from 262144 to 1 MiB (Aug 2025).
  int max_message_bytes = 1048576;
  int retention_seconds = 345600;
  int receive_wait_seconds = 0;
  int visibility_timeout_seconds = 30;
  bool content_based_dedup = false;
  bool dedup_scope_message_group = false;      // DeduplicationScope=messageGroup
  bool throughput_per_message_group = false;   // FifoThroughputLimit=perMessageGroupId
  std::optional<RedrivePolicy> redrive;
  std::optional<RedriveAllowPolicy> redrive_allow;
};
QueueSettings queue_settings(const std::map<std::string, std::string>& attributes, bool is_fifo);

// CreateQueue on an existing name succeeds only if every requested attribute equals the
// existing queue's effective value (defaults applied; numbers, booleans and JSON
// policies compared by meaning, not spelling). Attributes the request leaves out are
// not compared. Returns the first attribute that differs, or nullopt when all agree.
std::optional<std::string> first_different_queue_attribute(
    const std::map<std::string, std::string>& requested,
    const std::map<std::string, std::string>& existing, bool is_fifo);
bool same_queue_attributes(const std::map<std::string, std::string>& requested,
                           const std::map<std::string, std::string>& existing, bool is_fifo);

// Every attribute name SQS knows, "All" included (botocore's QueueAttributeName).
bool is_queue_attribute_name(std::string_view name);
// Whether a name applies to a queue type (FIFO-only names do not apply to standard queues).
bool applies_to_queue_type(std::string_view name, bool is_fifo);
// The names GetQueueAttributes(All) may answer for a queue type, in the model's order
// ("All" excluded). Policy, RedrivePolicy, RedriveAllowPolicy and the KMS ones appear
// only when set; the caller skips absent ones.
std::vector<std::string_view> queue_attribute_names(bool is_fifo);
// GetQueueAttributes' AttributeNames: unknown names, and FIFO-only names on a standard
// queue, -> kInvalidAttributeName "Unknown Attribute <name>.".
Status validate_attribute_names_for_get(const std::vector<std::string>& names, bool is_fifo);
// The value a queue reports for an attribute nobody set, or nullopt when it reports
// nothing (Policy, RedrivePolicy, ...). Computed ones (QueueArn, counts) -> nullopt.
std::optional<std::string> default_queue_attribute_value(std::string_view name, bool is_fifo);

}  // namespace spool
