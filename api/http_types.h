#pragma once

// Our own HTTP request and response, so handlers are plain functions testable without a
// socket; only api/http_server.cpp converts to and from cpprestsdk types.

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spool {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // as sent, percent-encoded, without the query string
  std::string query;   // raw query string without '?'
  // Names lower-cased, in arrival order, each once (repeats folded into one value). A
  // vector: a request has a handful, and a map's node per header was 7 of a
  // ReceiveMessage's allocations; SigV4 verification takes this form as it is.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The header's value, or "" when absent. `name` must be lower-case.
  const std::string& header(std::string_view name) const;
  // Adds a header (`name` lower-case); a repeated name joins the earlier value with ", "
  // (RFC 9110 section 5.3).
  void add_header(std::string name, std::string_view value);
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
