#include "api/sqs_service.h"

#include <memory>

#include "api/actions/action.h"
#include "api/query_codec.h"
#include "api/sqs_errors.h"
#include "auth/sigv4.h"
#include "common/check.h"
#include "common/json.h"

namespace spool {
namespace {

constexpr SqsError kSerializationError{"SerializationException", "SerializationException", 400, true};

HttpResponse encode_success(Protocol protocol, std::string_view action, Json result,
                            const std::string& request_id) {
  HttpResponse r;
  r.headers.emplace_back("x-amzn-RequestId", request_id);
  if (protocol == Protocol::kJson) {
    r.content_type = "application/x-amz-json-1.0";
    r.body = result.is_raw() ? std::move(result.text()) : to_json(result);
  } else {
    r.content_type = "text/xml";
    if (result.is_raw()) {
      // Written as JSON for the JSON protocol's sake; XML is rendered from the tree.
      Result<Json> tree = parse_json(result.text());
      SPOOL_CHECK(static_cast<bool>(tree));  // the writer's output is JSON by construction
      result = std::move(*tree);
    }
    r.body = json_response_to_xml(action, result, request_id);
  }
  return r;
}

}  // namespace

void SqsService::handle(const HttpRequest& request, SqsCall call, const std::string& request_id,
                        SqsReply reply) {
  Protocol protocol = call.protocol;
  auto fail = [&](const SqsError& error, const std::string& message) {
    reply(encode_error(protocol, error, message, request_id), error.code);
  };
  auto fail_status = [&](const Status& st) { fail(sqs_error_for(st.code()), st.message()); };

  // Who is calling: every call carries a valid SigV4 signature (spec section 10), over the
  // path and query exactly as received.
  SignedRequestView signed_request{request.method, request.path, request.query, request.headers, request.body};
  auto caller = verify_sigv4(signed_request, credentials_, config_.region, clock_.now_ms());
  if (!caller) return fail_status(caller.error());
  AccountQuotas account_quotas = credentials_.quotas_of(caller->account_id);
  if (!limiter_.try_acquire(caller->account_id, quotas_.requests_per_second_for(account_quotas))) {
    return fail_status(Status(Errc::kThrottled, "Rate exceeded"));
  }

  Result<Json> input = Json::object();
  if (protocol == Protocol::kJson) {
    if (!request.body.empty()) input = parse_json(request.body);
    if (!input) return fail(kSerializationError, input.error().message());
    if (!input->is_object()) return fail(kSerializationError, "The request body must be a JSON object.");
  } else {
    input = query_to_json_request(call.action, call.params);
    if (!input) return fail_status(input.error());
  }

  ActionHandler handler = find_action(call.action);
  if (handler == nullptr) {
    return fail_status(Status(Errc::kUnsupported, "The action " + call.action + " is not supported by this server yet."));
  }
  const std::string_view action = sqs_action_name(call.action);  // static: no copy to capture
  auto ctx = std::make_shared<ActionContext>(ActionContext{engine_, config_, clock_, std::move(caller->account_id),
                                                           std::move(caller->access_key_id),
                                                           request.path == "/" ? "" : "http://queue" + request.path,
                                                           std::move(call.action), quotas_.queues_for(account_quotas)});
  // `done` owns the context: it lives until the handler's last callback has answered.
  handler(*ctx, *input, [ctx, protocol, action, request_id, reply](Result<Json> result) {
    if (!result) {
      SqsError e = sqs_error_for(result.error().code());
      reply(encode_error(protocol, e, result.error().message(), request_id), e.code);
      return;
    }
    reply(encode_success(protocol, action, std::move(*result), request_id), "ok");
  });
}

}  // namespace spool
