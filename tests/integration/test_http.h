#pragma once

// A minimal blocking HTTP/1.1 client for integration tests (loopback only): one request
// per connection, "Connection: close", reads until the server closes.

#include <map>
#include <string>

namespace spool::testing_support {

struct TestHttpResponse {
  int status = 0;  // 0: no answer (connection refused, timeout)
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

TestHttpResponse http_request(int port, const std::string& method, const std::string& target,
                              const std::map<std::string, std::string>& headers = {},
                              const std::string& body = "");

inline TestHttpResponse http_get(int port, const std::string& target) {
  return http_request(port, "GET", target);
}

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();

}  // namespace spool::testing_support
