#pragma once

// Our own HTTP request and response, so handlers are plain functions testable without a
// socket; only api/http_server.cpp converts to and from cpprestsdk types.

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace spool {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // as sent, percent-encoded, without the query string
  std::string query;   // raw query string without '?'
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  // The header's value, or "" when absent. `name` must be lower-case.
  const std::string& header(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Completes a request. Call exactly once, from any thread.
using Reply = std::function<void(HttpResponse)>;

}  // namespace spool
