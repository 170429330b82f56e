#pragma once

// HTTP/1.1 response parsing for the generator's keep-alive connections: Content-Length,
// chunked, or read until the peer closes.

#include <cstddef>
#include <string>
#include <string_view>

namespace spool_bench {

struct Response {
  int status = 0;
  std::string_view body;  // into the connection buffer or `decoded`
  std::string decoded;    // chunked bodies
  size_t consumed = 0;    // bytes of the buffer this response used
  bool close = false;     // server will close the connection after it
};

// 1 = complete, 0 = need more, -1 = malformed. `eof` = the peer closed the stream.
int parse_response(std::string_view buf, bool eof, Response& r);

}  // namespace spool_bench
