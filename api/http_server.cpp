#include "api/http_server.h"

#include <cpprest/http_listener.h>
#include <pplx/threadpool.h>

#include <algorithm>
#include <cctype>

#include "common/log.h"

namespace spool {
namespace http = web::http;

struct HttpServer::Impl {
  std::string host;
  uint16_t port;
  HttpHandler handler;
  std::unique_ptr<http::experimental::listener::http_listener> listener;
};

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

void send(http::http_request request, HttpResponse response) {
  http::http_response out(static_cast<http::status_code>(response.status));
  for (auto& [name, value] : response.headers) out.headers().add(name, value);
  // The byte-vector overload: the std::string one casts between streambuf<char> and
  // streambuf<unsigned char> inside cpprestsdk, which UBSan rightly reports.
  out.set_body(std::vector<unsigned char>(response.body.begin(), response.body.end()));
  out.headers().set_content_type(response.content_type);
  // An unobserved task exception ends the process (seen with cpprestsdk); observe it.
  request.reply(out).then([](pplx::task<void> sent) {
    try {
      sent.get();
    } catch (const std::exception& e) {
      log_debug("api", "reply not delivered", {{"error", e.what()}});
    }
  });
}

HttpResponse internal_error() {
  HttpResponse r;
  r.status = 500;
  r.content_type = "text/xml";
  r.body =
      "<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code>"
      "<Message>The request processing has failed because of an unknown error.</Message>"
      "</Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>";
  return r;
}

}  // namespace

void HttpServer::configure_thread_pool(int threads) {
  crossplat::threadpool::initialize_with_threads(static_cast<size_t>(threads));
}

HttpServer::HttpServer(std::string host, uint16_t port, HttpHandler handler)
    : impl_(std::make_unique<Impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
  impl_->handler = std::move(handler);
}

HttpServer::~HttpServer() { stop(); }

Status HttpServer::start() {
  bool is_ipv6 = impl_->host.find(':') != std::string::npos;
  std::string uri = "http://" + (is_ipv6 ? "[" + impl_->host + "]" : impl_->host) + ":" +
                    std::to_string(impl_->port);
  try {
    impl_->listener = std::make_unique<http::experimental::listener::http_listener>(uri);
    HttpHandler handler = impl_->handler;
    impl_->listener->support([handler](http::http_request request) {
      // Read the raw body bytes (no charset decoding: form bodies and JSON are bytes).
      request.extract_vector()
          .then([handler, request](std::vector<unsigned char> body) {
            HttpRequest in;
            in.method = request.method();
            const auto& uri = request.request_uri();
            in.path = uri.path();
            in.query = uri.query();
            for (const auto& [name, value] : request.headers()) in.headers[lower(name)] = value;
            in.body.assign(body.begin(), body.end());
            handler(std::move(in), [request](HttpResponse response) { send(request, std::move(response)); });
          })
          .then([request](pplx::task<void> done) {
            try {
              done.get();
            } catch (const std::exception& e) {
              log_warn("api", "request failed before a reply", {{"error", e.what()}});
              send(request, internal_error());
            }
          });
    });
    impl_->listener->open().wait();
  } catch (const std::exception& e) {
    impl_->listener.reset();
    return Status(Errc::kUnavailable, "cannot listen on " + uri + ": " + e.what());
  }
  return Status();
}

void HttpServer::stop() {
  if (!impl_ || !impl_->listener) return;
  try {
    impl_->listener->close().wait();
  } catch (const std::exception& e) {
    log_warn("api", "listener close failed", {{"error", e.what()}});
  }
  impl_->listener.reset();
}

}  // namespace spool
