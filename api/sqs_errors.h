#pragma once

// The one table from Spool's Errc to SQS errors on the wire (docs/ARCHITECTURE.md:
// SQS errors exist only at the api edge). Handlers never write error bodies themselves.

#include <string_view>

#include "common/status.h"

namespace spool {

struct SqsError {
  // Shape name in the JSON protocol's __type ("com.amazonaws.sqs#<name>").
  std::string_view json_type;
  // Legacy code: the Query protocol's <Code> and the x-amzn-query-error header.
  std::string_view code;
  int http_status;
  bool sender_fault;  // Sender (client's fault) or Receiver (ours)
};

// Requires: code != Errc::kOk.
SqsError sqs_error_for(Errc code);

// Errors raised by the api layer itself, before any handler runs.
inline constexpr SqsError kInvalidActionError{"InvalidAction", "InvalidAction", 400, true};
inline constexpr SqsError kMissingActionError{"MissingAction", "MissingAction", 400, true};
inline constexpr SqsError kInvalidAddressError{"InvalidAddress", "InvalidAddress", 404, true};
inline constexpr SqsError kUnknownOperationError{"UnknownOperationException", "InvalidAction",
                                                 400, true};

}  // namespace spool
