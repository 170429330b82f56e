#pragma once

// TopicService: the retained-topics REST API (spec/topics-api.md) on the queue API's
// port. It identifies the caller exactly as SqsService does (SigV4, the scope's service
// "sqs" so any SQS-configured signer works), matches the route and runs its handler
// (api/topics/*_handlers.cpp). The tenant comes from the signature, never from the path,
// so each account sees only its own topics and groups.
//
// Safe from any thread; never blocks. Borrowed objects must outlive it.

#include <functional>
#include <string>
#include <string_view>

#include "api/api_config.h"
#include "api/http_types.h"
#include "auth/credentials.h"
#include "common/clock.h"
#include "engine/topics/topic_engine.h"

namespace spool {

// The reply, the outcome for metrics ("ok" or the error_code) and the operation
// (operationId of openapi.yaml, or "TopicsUnknown" when no route matched).
using TopicServiceReply =
    std::function<void(HttpResponse, std::string_view outcome, std::string_view operation)>;

class TopicService {
 public:
  TopicService(topics::TopicEngine& engine, const CredentialStore& credentials, const ApiConfig& config,
               const Clock& clock)
      : engine_(engine), credentials_(credentials), config_(config), clock_(clock) {}

  // True for paths this service owns ("/v1/..."); the rest is SQS.
  static bool owns_path(std::string_view path) { return path.starts_with("/v1/") || path == "/v1"; }

  void handle(HttpRequest request, const std::string& request_id, TopicServiceReply reply);

 private:
  topics::TopicEngine& engine_;
  const CredentialStore& credentials_;
  const ApiConfig& config_;
  const Clock& clock_;
};

}  // namespace spool
