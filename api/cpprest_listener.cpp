// The cpprestsdk engine of HttpServer (see http_server.h): the only cpprestsdk server
// code. Kept as the reference the native engine is measured against.

#include "api/http_server.h"

#include <cpprest/http_listener.h>
#include <pplx/threadpool.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <optional>

#include "common/log.h"

namespace spool {
namespace http = web::http;

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
  // reply() itself throws when the request was answered already.
  try {
    request.reply(out).then([](pplx::task<void> sent) {
      try {
        sent.get();
      } catch (const std::exception& e) {
        log_debug("api", "reply not delivered", {{"error", e.what()}});
      }
    });
  } catch (const std::exception& e) {
    log_debug("api", "reply refused", {{"error", e.what()}});
  }
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

void dispatch(const HttpHandler& handler, const http::http_request& request, std::string body) {
  HttpRequest in;
  in.method = request.method();
  const auto& uri = request.request_uri();
  in.path = uri.path();
  in.query = uri.query();
  for (const auto& [name, value] : request.headers()) in.add_header(lower(name), value);
  in.body = std::move(body);
  handler(std::move(in), [request](HttpResponse response) { send(request, std::move(response)); });
}

// Reads the body a piece at a time, keeping at most `limit` bytes; past that it goes on
// reading and dropping the rest. `done` gets the body, or nullopt when it was longer than
// `limit` (or could not be read).
class BoundedBodyReader : public std::enable_shared_from_this<BoundedBodyReader> {
 public:
  using Done = std::function<void(std::optional<std::string>)>;
  BoundedBodyReader(const http::http_request& request, size_t limit, Done done)
      : request_(request), source_(request.body().streambuf()), limit_(limit), done_(std::move(done)),
        piece_(16 * 1024) {}

  void next() {
    auto self = shared_from_this();
    source_.getn(piece_.data(), piece_.size())
        .then([self](pplx::task<size_t> read) { self->take(read.get()); })
        .then([self](pplx::task<void> taken) {
          try {
            taken.get();
          } catch (const std::exception& e) {
            // A dropped connection, or a throw from `done`: answer if anyone listens.
            log_debug("api", "request body not read", {{"error", e.what()}});
            send(self->request_, internal_error());
          }
        });
  }

 private:
  void take(size_t n) {
    if (n == 0) {
      done_(is_over_ ? std::nullopt : std::optional<std::string>(std::move(kept_)));
      return;
    }
    if (!is_over_ && kept_.size() + n <= limit_) {
      kept_.append(reinterpret_cast<const char*>(piece_.data()), n);
    } else if (!is_over_) {
      is_over_ = true;
      std::string().swap(kept_);
    }
    next();
  }

  http::http_request request_;
  concurrency::streams::streambuf<uint8_t> source_;
  size_t limit_;
  Done done_;
  std::vector<uint8_t> piece_;
  std::string kept_;
  bool is_over_ = false;
};

void read_bounded_body(const http::http_request& request, size_t limit, BoundedBodyReader::Done done) {
  std::make_shared<BoundedBodyReader>(request, limit, std::move(done))->next();
}

class CpprestListener : public HttpListener {
 public:
  CpprestListener(const HttpServerOptions& options, HttpHandler handler)
      : host_(options.host), port_(options.port), handler_(std::move(handler)),
        max_body_bytes_(options.max_body_bytes),
        too_large_(options.too_large) {
    static std::once_flag sized;
    std::call_once(sized, [&] { crossplat::threadpool::initialize_with_threads(static_cast<size_t>(options.threads)); });
  }
  ~CpprestListener() override { stop(); }

  Status start() override;
  void stop() override;
  uint16_t port() const override { return port_; }

 private:
  std::string host_;
  uint16_t port_;
  HttpHandler handler_;
  int64_t max_body_bytes_;
  TooLargeResponder too_large_;
  std::unique_ptr<http::experimental::listener::http_listener> listener_;
};

Status CpprestListener::start() {
  bool is_ipv6 = host_.find(':') != std::string::npos;
  std::string uri = "http://" + (is_ipv6 ? "[" + host_ + "]" : host_) + ":" + std::to_string(port_);
  try {
    listener_ = std::make_unique<http::experimental::listener::http_listener>(uri);
    HttpHandler handler = handler_;
    listener_->support([handler, limit = max_body_bytes_, too_large = too_large_](http::http_request request) {
      const auto& headers = request.headers();
      bool has_length = headers.has(http::header_names::content_length);
      if (has_length && headers.content_length() > static_cast<uint64_t>(limit)) {
        read_bounded_body(request, 0, [request, limit, too_large](std::optional<std::string>) {
          send(request, too_large(request.request_uri().path(), limit));
        });
        return;
      }
      if (!has_length && headers.has(http::header_names::transfer_encoding)) {
        read_bounded_body(request, static_cast<size_t>(limit),
                          [handler, request, limit, too_large](std::optional<std::string> body) {
          if (!body) return send(request, too_large(request.request_uri().path(), limit));
          dispatch(handler, request, std::move(*body));
        });
        return;
      }
      // Read the raw body bytes (no charset decoding: form bodies and JSON are bytes).
      request.extract_vector()
          .then([handler, request](std::vector<unsigned char> body) {
            dispatch(handler, request, std::string(body.begin(), body.end()));
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
    listener_->open().wait();
  } catch (const std::exception& e) {
    listener_.reset();
    return Status(Errc::kUnavailable, "cannot listen on " + uri + ": " + e.what());
  }
  return Status();
}

void CpprestListener::stop() {
  if (!listener_) return;
  try {
    listener_->close().wait();
  } catch (const std::exception& e) {
    log_warn("api", "listener close failed", {{"error", e.what()}});
  }
  listener_.reset();
}

}  // namespace

std::unique_ptr<HttpListener> make_cpprest_listener(const HttpServerOptions& options, HttpHandler handler) {
  return std::make_unique<CpprestListener>(options, std::move(handler));
}

}  // namespace spool
