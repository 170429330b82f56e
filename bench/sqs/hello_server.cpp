// spool_bench_hello: the HTTP ceiling of an HTTP engine on this machine. Answers every
// POST with a fixed small JSON (and any other method with "ok"), checks nothing, and runs
// on --threads (default 2) like spoold's listener. --engine=cpprestsdk (default) is the
// library's listener; --engine=native is spoold's own server (api/native_listener.cpp)
// with the same trivial handler. Stops on SIGINT/SIGTERM.
//
//   spool_bench_hello [--listen=127.0.0.1:9400] [--threads=2] [--engine=cpprestsdk|native]

#include <signal.h>

#include <cpprest/http_listener.h>
#include <pplx/threadpool.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "api/http_server.h"

namespace {

const std::string kBody = R"({"MessageId":"x","MD5OfMessageBody":"y"})";

void observe(pplx::task<void> t) {
  try {
    t.get();
  } catch (const std::exception& e) {
    (void)e;  // the generator closes its connections at the end of a run
  }
}

int serve_native(const std::string& listen, int threads, const sigset_t& stop_signals) {
  size_t colon = listen.rfind(':');
  spool::HttpServerOptions options;
  options.host = listen.substr(0, colon);
  if (options.host.size() > 2 && options.host.front() == '[') options.host = options.host.substr(1, options.host.size() - 2);
  options.port = static_cast<uint16_t>(std::atoi(listen.c_str() + colon + 1));
  options.threads = threads;
  options.engine = spool::HttpEngine::kNative;
  spool::HttpServer server(options, [](spool::HttpRequest request, spool::Reply reply) {
    spool::HttpResponse response;
    if (request.method == "POST") {
      response.content_type = "application/x-amz-json-1.0";
      response.body = kBody;
    } else {
      response.body = "ok";
    }
    reply(std::move(response));
  });
  spool::Status st = server.start();
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.message().c_str());
    return 1;
  }
  std::printf("spool_bench_hello (native) listening on http://%s with %d threads\n", listen.c_str(), threads);
  std::fflush(stdout);
  int sig = 0;
  sigwait(&stop_signals, &sig);
  server.stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string listen = "127.0.0.1:9400";
  int threads = 2;
  bool is_native = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--listen=", 0) == 0) {
      listen = arg.substr(9);
    } else if (arg == "--engine=native" || arg == "--engine=cpprestsdk") {
      is_native = arg == "--engine=native";
    } else if (arg.rfind("--threads=", 0) == 0) {
      threads = std::atoi(arg.c_str() + 10);
      if (threads < 1 || threads > 256) {
        std::fprintf(stderr, "--threads: 1..256\n");
        return 2;
      }
    } else {
      std::fprintf(stderr,
                   "usage: spool_bench_hello [--listen=127.0.0.1:9400] [--threads=2] [--engine=cpprestsdk|native]\n");
      return 2;
    }
  }
  if (listen.rfind("127.", 0) != 0 && listen.rfind("[::1]", 0) != 0) {
    std::fprintf(stderr, "--listen must be a loopback address\n");
    return 2;
  }

  // Block the stop signals before any thread starts so that only sigwait sees them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  if (is_native) return serve_native(listen, threads, set);

  crossplat::threadpool::initialize_with_threads(static_cast<size_t>(threads));
  web::http::experimental::listener::http_listener listener("http://" + listen);
  listener.support([](web::http::http_request req) {
    if (req.method() == web::http::methods::POST) {
      req.reply(web::http::status_codes::OK, kBody, "application/x-amz-json-1.0").then(observe);
    } else {
      req.reply(web::http::status_codes::OK, "ok", "text/plain").then(observe);
    }
  });
  try {
    listener.open().wait();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "listen on %s failed: %s\n", listen.c_str(), e.what());
    return 1;
  }
  std::printf("spool_bench_hello listening on http://%s with %d threads\n", listen.c_str(), threads);
  std::fflush(stdout);
  int sig = 0;
  sigwait(&set, &sig);
  listener.close().wait();
  return 0;
}
