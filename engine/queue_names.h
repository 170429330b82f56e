#pragma once

// Queue names, queue URLs and queue ARNs (spec section 3).
//
// A queue is identified by (account, name). Clients send back the URL we gave them, so
// any scheme, host and port is accepted and only the path "/<account>/<name>" matters.
//
// Pure functions; safe from any thread.

#include <string>
#include <string_view>

#include "common/status.h"

namespace spool {

inline constexpr size_t kMaxQueueNameLength = 80;  // ".fifo" included
inline constexpr std::string_view kFifoSuffix = ".fifo";

// CreateQueue's name rules with AWS's answers (all kInvalidArgument, InvalidParameterValue):
//  - empty: "Value for parameter QueueName is invalid. Reason: Must specify a queue name."
//  - FifoQueue=true: the name must be 1..80 chars of [A-Za-z0-9_-] ending in ".fifo"
//    ("The name of a FIFO queue can only include ...");
//  - otherwise 1..80 chars of [A-Za-z0-9_-]; a ".fifo" name without FifoQueue=true is
//    refused with the standard message ("Can only include alphanumeric characters, ...").
Status validate_queue_name(std::string_view name, bool fifo_attribute_true);

// True when the name ends in ".fifo" (the only way to tell a FIFO queue by its name).
bool is_fifo_queue_name(std::string_view name);

// "<base_url>/<account>/<name>"; a trailing '/' on base_url is not doubled.
std::string queue_url(std::string_view base_url, std::string_view account, std::string_view name);

// "arn:aws:sqs:<region>:<account>:<name>".
std::string queue_arn(std::string_view region, std::string_view account, std::string_view name);

struct QueueRef {
  std::string account;  // 12 digits
  std::string name;     // a syntactically valid queue name; it may not exist
  bool operator==(const QueueRef&) const = default;
};

// Any "<scheme>://<host>[:port]/<12-digit account>/<queue name>[/]". A bare name, a
// missing account or any other shape is what AWS calls InvalidAddress ("The address
// <url> is not valid for this endpoint."); Errc has no value for it yet, so this returns
// kInvalidArgument with AWS's message (see the report: an Errc::kInvalidAddress would map
// it exactly). Whether the queue exists is the caller's business (kQueueNotFound).
Result<QueueRef> parse_queue_url(std::string_view url);

// "arn:<partition>:sqs:<region>:<12 digits>:<queue name>"; kInvalidArgument otherwise.
Result<QueueRef> parse_queue_arn(std::string_view arn);

}  // namespace spool
