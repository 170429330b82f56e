#pragma once

// The route table of the topics API: method + path pattern -> operation and handler.
// Path segments after "/v1" are percent-decoded before matching; "{}" matches any one
// segment (a topic, partition or group), which handlers read by position.
//
// Pure lookup; safe from any thread.

#include <string>
#include <string_view>
#include <vector>

#include "api/topics/topic_call.h"

namespace spool {

using TopicHandler = void (*)(TopicCallPtr);

struct TopicRouteMatch {
  std::string_view operation;   // operationId; empty when nothing matched
  TopicHandler handler = nullptr;
  std::string allowed;          // when the path matched but the method did not: "GET, POST"
};

// `segments`: the decoded path segments after "/v1".
TopicRouteMatch match_topic_route(std::string_view method, const std::vector<std::string>& segments);
// "/v1/topics/a%2Fb" -> {"topics", "a/b"}; empty when the path does not start with /v1.
std::vector<std::string> topic_path_segments(std::string_view path);

}  // namespace spool
