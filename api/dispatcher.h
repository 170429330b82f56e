#pragma once

// Dispatcher: the api's front door. Routes one HttpRequest to the operational endpoints
// (/health, /ready, /metrics), to the topics REST API (/v1/...) or to the SQS protocols,
// and makes sure every request gets
// a well-formed answer in its protocol, with its outcome counted.
//
// Safe from any thread; handle() never blocks. Borrowed objects must outlive it.

#include <chrono>
#include <functional>

#include "api/api_metrics.h"
#include "api/http_server.h"
#include "api/http_types.h"
#include "api/sqs_protocol.h"
#include "api/sqs_service.h"
#include "api/topics_service.h"

namespace spool {

class Dispatcher {
 public:
  // `is_ready` must not block (see Readiness). Without `sqs`, every well-formed SQS call
  // is answered UnsupportedOperation (tests of the routing alone).
  // Without `topics`, /v1/ paths go to the SQS protocols like any other path.
  Dispatcher(ApiMetrics& metrics, std::function<bool()> is_ready, SqsService* sqs = nullptr,
             TopicService* topics = nullptr)
      : metrics_(metrics), is_ready_(std::move(is_ready)), sqs_(sqs), topics_(topics) {}

  void handle(HttpRequest request, Reply reply);
  // The 413 for a body over the HTTP layer's `limit` (HttpServerOptions::too_large): the
  // topics API's JSON `request_too_large` on its paths, SQS's front end's plain text
  // elsewhere.
  HttpResponse too_large(const std::string& path, int64_t limit) const;

 private:
  void handle_sqs(const HttpRequest& request, const Reply& reply,
                  std::chrono::steady_clock::time_point start);

  ApiMetrics& metrics_;
  std::function<bool()> is_ready_;
  SqsService* sqs_;
  TopicService* topics_;
};

}  // namespace spool
