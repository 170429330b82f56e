#pragma once

// The topics API's error table (spec/topics-api.md section 8): one Errc -> HTTP status
// and snake_case error_code, as an exhaustive switch, and the JSON error body.
//
// Pure functions; safe from any thread.

#include <string>
#include <string_view>

#include "api/http_types.h"
#include "common/json.h"
#include "common/status.h"

namespace spool {

struct TopicError {
  int http_status;
  std::string_view code;
};

TopicError topic_error_for(Errc code);
inline std::string_view topic_error_code(Errc code) { return topic_error_for(code).code; }

// {"error_code", "message", "request_id", ...details}; `details` is an object or null.
HttpResponse topic_error_response(const Status& status, const std::string& request_id,
                                  const Json& details = Json());
HttpResponse topic_error_response(int http_status, std::string_view code, const std::string& message,
                                  const std::string& request_id, const Json& details = Json());

}  // namespace spool
