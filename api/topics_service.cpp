#include "api/topics_service.h"

#include <memory>

#include "api/sqs_errors.h"
#include "api/topics/topic_errors.h"
#include "api/topics/topic_routes.h"
#include "auth/sigv4.h"

namespace spool {

void TopicService::handle(HttpRequest request, const std::string& request_id, TopicServiceReply reply) {
  std::vector<std::string> segments = topic_path_segments(request.path);
  TopicRouteMatch route = match_topic_route(request.method, segments);
  std::string operation(route.operation.empty() ? "TopicsUnknown" : route.operation);
  auto answer = [reply, operation](HttpResponse r, std::string_view outcome) { reply(std::move(r), outcome, operation); };

  // Who is calling, verified over the path and query exactly as received (the same
  // check as every SQS call; spec/topics-api.md section 2).
  SignedRequestView signed_request{request.method, request.path, request.query, request.headers, request.body};
  SigV4Failure why = SigV4Failure::kNone;
  auto caller = verify_sigv4(signed_request, credentials_, config_.region, clock_.now_ms(), &why);
  if (!caller) {
    // The queue API's error code names the reason (spec/topics-api.md section 8).
    Json details = Json::object();
    details.set("reason", Json::string(std::string(sqs_error_for(caller.error().code()).json_type)));
    return answer(topic_error_response(caller.error(), request_id, details), "unauthenticated");
  }
  if (route.handler == nullptr) {
    if (!route.allowed.empty()) {
      HttpResponse r = topic_error_response(405, "method_not_allowed",
                                            request.method + " is not allowed here; use " + route.allowed,
                                            request_id);
      r.headers.emplace_back("Allow", route.allowed);
      return answer(std::move(r), "method_not_allowed");
    }
    return answer(topic_error_response(404, "not_found", "no such route: " + request.path, request_id),
                  "not_found");
  }
  auto call = std::make_shared<TopicCall>(TopicCall{engine_, clock_, caller->account_id, std::move(request),
                                                    {}, std::move(segments), request_id, answer});
  call->query = parse_form(call->request.query);
  route.handler(std::move(call));
}

}  // namespace spool
