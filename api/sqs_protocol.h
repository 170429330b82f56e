#pragma once

// The two SQS wire protocols on one port (spec/sqs-api.md section 1): how a request says
// which protocol and action it uses, and how errors are written back in each.
//
//   AWS JSON 1.0: POST, X-Amz-Target: AmazonSQS.<Action>, JSON body.
//   AWS Query:    Action=<Action>&Version=2012-11-05&... as a form body (POST) or query
//                 string (GET), on "/" or on a queue URL's path; XML responses.
//
// Pure functions; safe from any thread.

#include <span>
#include <string>
#include <string_view>

#include "common/form_codec.h"
#include "api/http_types.h"
#include "api/sqs_errors.h"

namespace spool {

enum class Protocol { kJson, kQuery };

struct SqsCall {
  Protocol protocol = Protocol::kQuery;
  std::string action;  // "" when the request names none
  FormParams params;   // Query only: query-string and form-body parameters, in order
};

// Every action of the SQS API (botocore's model, 2012-11-05), sorted.
std::span<const std::string_view> sqs_action_names();
bool is_sqs_action(std::string_view action);
// The same name in static storage (to keep without a copy), or "" for none.
std::string_view sqs_action_name(std::string_view action);

// Reads protocol and action. JSON when X-Amz-Target is present or the content type is
// application/x-amz-json-1.0; Query otherwise.
SqsCall classify_sqs_call(const HttpRequest& request);

// True for "/" and for paths shaped like a queue URL ("/<account>/<name>"), where
// Query requests may be sent.
bool is_sqs_path(std::string_view path);

HttpResponse encode_error(Protocol protocol, const SqsError& error, std::string_view message,
                          const std::string& request_id);

// The XML namespace of every Query response.
inline constexpr std::string_view kSqsXmlNamespace = "http://queue.amazonaws.com/doc/2012-11-05/";

}  // namespace spool
