#pragma once

// HttpServer: the only place that knows cpprestsdk. It accepts HTTP requests, reads each
// body in full, hands our own HttpRequest to the handler and sends the handler's reply.
//
// A body larger than `max_body_bytes` (by its Content-Length, or as it arrives when
// chunked) is answered 413 without reaching the handler and without being kept: it is
// read and dropped piece by piece, because cpprestsdk writes no response before the
// request's whole body has arrived and would otherwise buffer all of it in memory.
//
// Handlers run on cpprestsdk's pool threads and must not block: they answer through the
// Reply, possibly later and from another thread (a shard's). start()/stop() from one
// thread; stop() stops accepting and waits for the listener to close.

#include <functional>
#include <memory>
#include <string>

#include "api/http_types.h"
#include "common/status.h"

namespace spool {

using HttpHandler = std::function<void(HttpRequest, Reply)>;

class HttpServer {
 public:
  // Sizes cpprestsdk's process-wide thread pool. Call once, before the first listener
  // opens (the pool is created on first use and can't be resized).
  static void configure_thread_pool(int threads);

  HttpServer(std::string host, uint16_t port, HttpHandler handler, int64_t max_body_bytes);
  ~HttpServer();

  // Binds and starts accepting. kUnavailable when the address can't be bound.
  Status start();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace spool
