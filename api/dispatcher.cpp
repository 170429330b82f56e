#include "api/dispatcher.h"

#include <chrono>

#include "api/topics/topic_errors.h"
#include "common/random.h"

namespace spool {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

HttpResponse plain(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace

void Dispatcher::handle(HttpRequest request, Reply reply) {
  auto start = std::chrono::steady_clock::now();
  if (request.method == "GET" && request.query.empty()) {
    if (request.path == "/health") {
      metrics_.request_finished("Health", "ok", seconds_since(start));
      reply(plain(200, "ok\n"));
      return;
    }
    if (request.path == "/ready") {
      bool ready = is_ready_();
      metrics_.request_finished("Ready", ready ? "ok" : "unavailable", seconds_since(start));
      reply(ready ? plain(200, "ready\n") : plain(503, "catalog unreachable\n"));
      return;
    }
    if (request.path == "/metrics") {
      HttpResponse r = plain(200, metrics_.render());
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      metrics_.request_finished("Metrics", "ok", seconds_since(start));
      reply(std::move(r));
      return;
    }
  }
  if (topics_ != nullptr && TopicService::owns_path(request.path)) {
    topics_->handle(std::move(request), uuid_v4(),
                    [this, start, reply](HttpResponse response, std::string_view outcome,
                                         std::string_view operation) {
                      metrics_.request_finished(operation, outcome, seconds_since(start));
                      reply(std::move(response));
                    });
    return;
  }
  handle_sqs(request, reply, start);
}

HttpResponse Dispatcher::too_large(const std::string& path, int64_t limit) const {
  if (topics_ == nullptr || !TopicService::owns_path(path)) return plain_too_large(limit);
  Json details = Json::object();
  details.set("limit", Json::number(limit));
  return topic_error_response(413, "request_too_large",
                              "the body is over " + std::to_string(limit) + " bytes", uuid_v4(), details);
}

void Dispatcher::handle_sqs(const HttpRequest& request, const Reply& reply,
                            std::chrono::steady_clock::time_point start) {
  SqsCall call = classify_sqs_call(request);
  std::string request_id = uuid_v4();
  auto fail = [&](const SqsError& error, std::string_view action, std::string message) {
    metrics_.request_finished(action, error.code, seconds_since(start));
    reply(encode_error(call.protocol, error, message, request_id));
  };
  std::string_view metric_action = is_sqs_action(call.action) ? std::string_view(call.action)
                                                              : std::string_view("Unknown");
  if (call.protocol == Protocol::kQuery && !is_sqs_path(request.path)) {
    fail(kInvalidAddressError, metric_action,
         "The address " + request.path + " is not valid for this endpoint.");
    return;
  }
  if (call.action.empty()) {
    if (call.protocol == Protocol::kJson) {
      fail(kUnknownOperationError, metric_action,
           "X-Amz-Target must name an action, as AmazonSQS.<Action>");
    } else {
      fail(kMissingActionError, metric_action, "The request must contain the parameter Action.");
    }
    return;
  }
  if (!is_sqs_action(call.action)) {
    fail(call.protocol == Protocol::kJson ? kUnknownOperationError : kInvalidActionError,
         metric_action, "The action " + call.action + " is not valid for this endpoint.");
    return;
  }
  if (sqs_ == nullptr) {
    fail(sqs_error_for(Errc::kUnsupported), metric_action,
         "The action " + call.action + " is not supported by this server.");
    return;
  }
  const std::string_view action = sqs_action_name(call.action);  // static: no copy to capture
  sqs_->handle(request, std::move(call), request_id,
               [this, action, start, reply](HttpResponse response, std::string_view outcome) {
                 metrics_.request_finished(action, outcome, seconds_since(start));
                 reply(std::move(response));
               });
}

}  // namespace spool
