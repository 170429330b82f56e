#pragma once

// HttpRequestParser: an incremental HTTP/1.1 request parser for the native server
// (http_native_server.cpp). Pure: bytes in, requests out, no sockets, so every edge is a
// unit test and a fuzz target.
//
// What it accepts: origin-form or absolute-form targets; Content-Length or
// `Transfer-Encoding: chunked` bodies (chunk extensions and trailers are read and
// ignored); HTTP/1.0 and 1.1 keep-alive rules. What it refuses, with the status to
// answer before closing the connection: malformed syntax 400, both Content-Length and
// Transfer-Encoding or differing Content-Lengths 400 (request smuggling), a header block
// over `max_header_bytes` 431, a transfer coding other than chunked 501, HTTP/2+ 505.
//
// A body over `max_body_bytes` is not kept: the parser goes on consuming and dropping it
// so the connection stays in step and the client reads a 413 instead of a reset (SDKs
// retry resets). `body_too_large()` then says so.
//
// One caller at a time.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/http_types.h"

namespace spool {

class HttpRequestParser {
 public:
  enum class State { kNeedMore, kComplete, kError };

  explicit HttpRequestParser(size_t max_body_bytes, size_t max_header_bytes = 64 * 1024);

  // Consumes a prefix of `data` and returns its length. Stops at the end of a complete
  // request (the rest belongs to the next one) or at an error.
  size_t feed(std::string_view data);

  State state() const { return state_; }
  // kError: the status to answer (400, 431, 501, 505).
  int error_status() const { return error_status_; }

  // Valid once the header block is parsed: the client sent `Expect: 100-continue` and
  // the body has not arrived yet; the server should send "100 Continue".
  bool expects_continue() const { return expect_continue_ && state_ == State::kNeedMore && in_body(); }
  bool headers_done() const { return phase_ > Phase::kHeaders; }

  // kComplete only.
  bool body_too_large() const { return body_too_large_; }
  bool keep_alive() const { return keep_alive_; }
  // Moves the request out and readies the parser for the next one.
  HttpRequest take();

 private:
  enum class Phase { kHeaders, kBody, kChunkSize, kChunkData, kChunkDataEnd, kTrailers, kDone };

  bool in_body() const { return phase_ != Phase::kHeaders && phase_ != Phase::kDone; }
  void fail(int status);
  void parse_head(std::string_view head);
  void append_body(std::string_view bytes);
  void drop_body();
  void complete();
  size_t feed_headers(std::string_view data);
  size_t feed_line(std::string_view data, bool is_trailer);

  size_t max_body_bytes_;
  size_t max_header_bytes_;
  State state_ = State::kNeedMore;
  Phase phase_ = Phase::kHeaders;
  int error_status_ = 0;
  HttpRequest request_;
  std::string line_;             // the header block, or a chunk-size / trailer line, so far
  uint64_t remaining_ = 0;       // body or chunk bytes still to read
  uint64_t body_seen_ = 0;       // body bytes so far, kept or not
  bool body_too_large_ = false;
  bool keep_alive_ = true;
  bool expect_continue_ = false;
};

}  // namespace spool
