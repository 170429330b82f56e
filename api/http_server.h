#pragma once

// HttpServer: accepts HTTP/1.1 requests, reads each body in full, hands our own
// HttpRequest to the handler and sends the handler's reply. Two engines behind one
// interface, chosen at start-up (--http-engine):
//
// - native (default): our epoll server (native_listener.cpp). A handler runs on the I/O
//   thread that read the request; the thread that calls Reply writes the response itself,
//   so a reply from a shard costs no hand-off back to an I/O thread.
// - cpprestsdk: the library's listener (cpprest_listener.cpp), kept as the reference the
//   benchmarks compare against.
//
// Either way a body larger than `max_body_bytes` is answered 413 without reaching the
// handler and without being kept: it is read and dropped as it arrives, so the client
// reads the 413 rather than a reset connection (SDKs retry resets). The answer comes from
// `too_large` (each API words its own; by default plain text, as SQS's front end).
//
// Handlers must not block: they answer through the Reply, possibly later and from
// another thread (a shard's). start()/stop() from one thread; stop() stops accepting and
// waits for the I/O threads to finish; replies that arrive afterwards close their
// connection.

#include <functional>
#include <memory>
#include <string>

#include "api/http_types.h"
#include "common/status.h"

namespace spool {

using HttpHandler = std::function<void(HttpRequest, Reply)>;

enum class HttpEngine { kNative, kCpprestsdk };

// The 413 for a request to `path` whose body passed `limit` bytes.
using TooLargeResponder = std::function<HttpResponse(const std::string& path, int64_t limit)>;

// SQS's front end's answer: plain text, not an SQS error (aws/aws-sdk-js#479).
HttpResponse plain_too_large(int64_t limit);

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  int64_t max_body_bytes = 8 * 1024 * 1024;
  TooLargeResponder too_large = [](const std::string&, int64_t limit) { return plain_too_large(limit); };
  int threads = 2;  // I/O threads (native) or the process-wide pool size (cpprestsdk)
  HttpEngine engine = HttpEngine::kNative;
};

// One engine's listener; HttpServer holds one.
class HttpListener {
 public:
  virtual ~HttpListener() = default;
  virtual Status start() = 0;
  virtual void stop() = 0;
  virtual uint16_t port() const = 0;
};

std::unique_ptr<HttpListener> make_native_listener(const HttpServerOptions& options, HttpHandler handler);
// Sizes cpprestsdk's process-wide pool on first call (it can't be resized later).
std::unique_ptr<HttpListener> make_cpprest_listener(const HttpServerOptions& options, HttpHandler handler);

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler handler);
  ~HttpServer();

  // Binds and starts accepting. kUnavailable when the address can't be bound.
  Status start();
  void stop();
  // The bound port (the chosen one when options.port was 0), once started.
  uint16_t port() const { return listener_->port(); }

 private:
  std::unique_ptr<HttpListener> listener_;
};

}  // namespace spool
