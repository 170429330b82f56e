#pragma once

// SqsService: runs one SQS call once the Dispatcher has classified it — identifies the
// caller, holds it to its request rate, turns the request into the protocol-neutral Json
// (parsing the JSON body, or converting Query parameters), runs the action's handler and
// encodes its answer in the caller's protocol.
//
// Safe from any thread; never blocks. Borrowed objects must outlive it.

#include <functional>
#include <string>

#include "api/api_config.h"
#include "api/http_types.h"
#include "api/sqs_protocol.h"
#include "auth/credentials.h"
#include "auth/quota_config.h"
#include "auth/rate_limiter.h"
#include "common/clock.h"
#include "engine/queue_engine.h"

namespace spool {

// The reply and the outcome label for metrics ("ok" or the SQS error code).
using SqsReply = std::function<void(HttpResponse, std::string_view outcome)>;

class SqsService {
 public:
  SqsService(QueueEngine& engine, const CredentialStore& credentials, const ApiConfig& config,
             const QuotaConfig& quotas, const Clock& clock)
      : engine_(engine), credentials_(credentials), config_(config), quotas_(quotas), clock_(clock),
        limiter_(clock) {}

  // Requires: call.action is an SQS action name.
  void handle(const HttpRequest& request, SqsCall call, const std::string& request_id, SqsReply reply);

 private:
  QueueEngine& engine_;
  const CredentialStore& credentials_;
  const ApiConfig& config_;
  const QuotaConfig& quotas_;
  const Clock& clock_;
  RateLimiter limiter_;
};

}  // namespace spool
