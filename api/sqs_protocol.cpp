#include "api/sqs_protocol.h"

#include <algorithm>
#include <array>

#include "api/text_escape.h"
#include "common/json.h"

namespace spool {
namespace {

constexpr std::array<std::string_view, 23> kActions = {
    "AddPermission",      "CancelMessageMoveTask",   "ChangeMessageVisibility",
    "ChangeMessageVisibilityBatch", "CreateQueue",   "DeleteMessage",
    "DeleteMessageBatch", "DeleteQueue",             "GetQueueAttributes",
    "GetQueueUrl",        "ListDeadLetterSourceQueues", "ListMessageMoveTasks",
    "ListQueueTags",      "ListQueues",              "PurgeQueue",
    "ReceiveMessage",     "RemovePermission",        "SendMessage",
    "SendMessageBatch",   "SetQueueAttributes",      "StartMessageMoveTask",
    "TagQueue",           "UntagQueue",
};

constexpr std::string_view kTargetPrefix = "AmazonSQS.";

}  // namespace

std::span<const std::string_view> sqs_action_names() { return kActions; }

bool is_sqs_action(std::string_view action) { return !sqs_action_name(action).empty(); }

std::string_view sqs_action_name(std::string_view action) {
  auto it = std::lower_bound(kActions.begin(), kActions.end(), action);
  return it != kActions.end() && *it == action ? *it : std::string_view();
}

SqsCall classify_sqs_call(const HttpRequest& request) {
  SqsCall call;
  const std::string& target = request.header("x-amz-target");
  const std::string& content_type = request.header("content-type");
  if (!target.empty() || content_type.rfind("application/x-amz-json", 0) == 0) {
    call.protocol = Protocol::kJson;
    if (target.rfind(kTargetPrefix, 0) == 0) call.action = target.substr(kTargetPrefix.size());
    return call;
  }
  call.protocol = Protocol::kQuery;
  call.params = parse_form(request.query);
  if (request.method == "POST" && !request.body.empty()) {
    FormParams body = parse_form(request.body);
    call.params.insert(call.params.end(), body.begin(), body.end());
  }
  if (const std::string* action = find_param(call.params, "Action")) call.action = *action;
  return call;
}

bool is_sqs_path(std::string_view path) {
  if (path == "/" || path.empty()) return true;
  // "/<account>/<name>" with one optional trailing slash; the name's charset is checked
  // by the handlers, which answer with the proper error.
  if (path.front() != '/') return false;
  std::string_view rest = path.substr(1);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  size_t slash = rest.find('/');
  return slash != std::string_view::npos && slash > 0 && slash + 1 < rest.size() &&
         rest.find('/', slash + 1) == std::string_view::npos;
}

HttpResponse encode_error(Protocol protocol, const SqsError& error, std::string_view message,
                          const std::string& request_id) {
  HttpResponse r;
  r.status = error.http_status;
  std::string fault = error.sender_fault ? "Sender" : "Receiver";
  r.headers.emplace_back("x-amzn-RequestId", request_id);
  if (protocol == Protocol::kJson) {
    r.content_type = "application/x-amz-json-1.0";
    // Current SDKs read the legacy code from this header (awsQueryCompatible).
    r.headers.emplace_back("x-amzn-query-error", std::string(error.code) + ";" + fault);
    r.body = "{\"__type\":";
    append_json_string(r.body, "com.amazonaws.sqs#" + std::string(error.json_type));
    r.body += ",\"message\":";
    append_json_string(r.body, message);
    r.body += "}";
    return r;
  }
  r.content_type = "text/xml";
  r.body = "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"";
  r.body += kSqsXmlNamespace;
  r.body += "\"><Error><Type>" + fault + "</Type><Code>";
  append_xml_escaped(r.body, error.code);
  r.body += "</Code><Message>";
  append_xml_escaped(r.body, message);
  r.body += "</Message><Detail/></Error><RequestId>";
  r.body += request_id;
  r.body += "</RequestId></ErrorResponse>";
  return r;
}

}  // namespace spool
