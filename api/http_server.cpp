#include "api/http_server.h"

namespace spool {

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler)
    : listener_(options.engine == HttpEngine::kNative ? make_native_listener(options, std::move(handler))
                                                      : make_cpprest_listener(options, std::move(handler))) {}

HttpServer::~HttpServer() { stop(); }

HttpResponse plain_too_large(int64_t limit) {
  HttpResponse r;
  r.status = 413;
  r.body = "HTTP content length exceeded " + std::to_string(limit) + " bytes.";
  return r;
}

Status HttpServer::start() { return listener_->start(); }

void HttpServer::stop() { listener_->stop(); }

}  // namespace spool
