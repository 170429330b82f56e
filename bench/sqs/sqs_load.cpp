// spool_bench_sqs: a closed-loop SQS load generator, independent of Spool's code.
//
// Speaks the AWS JSON 1.0 protocol (POST /, X-Amz-Target: AmazonSQS.<Action>) over raw
// HTTP/1.1 keep-alive sockets and signs every request with its own SigV4 signer
// (HMAC-SHA256 from OpenSSL). N connections are spread over W epoll loop threads
// (--threads; W = N is one thread per connection).
//
//   spool_bench_sqs --scenario=send|send-batch|receive-delete|latency
//                   [--target=127.0.0.1:9324] [--connections=16] [--threads=0 (auto)]
//                   [--seconds=10] [--max-requests=10000000] [--body-size=256]
//                   [--wait-time=0] [--prefill=100000]            (receive-delete)
//                   [--rate=1000] [--senders=32] [--receivers=4]   (latency)
//                   [--access-key=test] [--secret-key=test] [--region=us-east-1]
//                   [--label=spool]   (first column of the markdown row printed last)
//                   [--groups=N]      (a FIFO queue; send-batch and receive-delete only)
//   spool_bench_sqs --selftest        (SigV4 known answer from botocore; prints the header)
//
// This file: the epoll loops, phases and the report. Beside it: load_args.h (flags,
// target), roles.h (what a connection does), sigv4_signer.h, json_scan.h, http_response.h.
//
// Every request that does not answer 200 is an error; the first error body is printed.
// --target must be a loopback address (127.0.0.0/8, ::1 or "localhost").

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "http_response.h"
#include "load_args.h"
#include "json_scan.h"
#include "roles.h"
#include "sigv4_signer.h"

namespace {

using namespace spool_bench;

// ---------------------------------------------------------------------------------------
// Event loop: one epoll instance driving several connections.

struct Conn {
  enum State { kConnecting, kWriting, kReading, kTimer, kDone } state = kTimer;
  int fd = -1;
  std::unique_ptr<Role> role;
  Step step;
  bool in_flight = false;
  std::string out;
  size_t out_off = 0;
  std::string in;
  Response resp;
  Clock::time_point sent_at, wake_at;
  bool epollout = false;
};

class Loop {
 public:
  Loop(const Target& target, Shared& sh, const Args& args)
      : target_(target), sh_(sh), signer_(args.access_key, args.secret_key, args.region) {
    ep_ = epoll_create1(EPOLL_CLOEXEC);
  }
  ~Loop() {
    for (auto& c : conns_)
      if (c->fd >= 0) close(c->fd);
    close(ep_);
  }
  void add(std::unique_ptr<Role> role) {
    auto c = std::make_unique<Conn>();
    c->role = std::move(role);
    c->wake_at = Clock::now();
    conns_.push_back(std::move(c));
  }
  bool finished() const { return finished_.load(); }
  Stats& stats() { return stats_; }

  void run() {
    for (auto& c : conns_) start_connect(*c);
    epoll_event evs[64];
    while (!sh_.stop_hard.load(std::memory_order_relaxed)) {
      // Nanosecond timeouts: a millisecond timeout truncated to 0 ms made the loop spin
      // through the last millisecond before every paced send, a whole core of the two.
      std::chrono::nanoseconds timeout = std::chrono::milliseconds(50);
      auto now = Clock::now();
      bool any_live = false;
      for (auto& c : conns_) {
        if (c->state == Conn::kDone) continue;
        any_live = true;
        if (c->state == Conn::kTimer) {
          timeout = std::clamp<std::chrono::nanoseconds>(c->wake_at - now, std::chrono::nanoseconds(0), timeout);
        }
      }
      if (!any_live) break;
      int n = wait_events(evs, 64, timeout);
      for (int i = 0; i < n; ++i) on_event(*static_cast<Conn*>(evs[i].data.ptr), evs[i].events);
      now = Clock::now();
      for (auto& c : conns_)
        if (c->state == Conn::kTimer && c->wake_at <= now) {
          if (c->fd < 0) start_connect(*c);
          else kick(*c);
        }
    }
    finished_.store(true);
  }

 private:
  int wait_events(epoll_event* evs, int max, std::chrono::nanoseconds timeout) {
    if (!no_pwait2_) {
      timespec ts{static_cast<time_t>(timeout.count() / 1000000000), static_cast<long>(timeout.count() % 1000000000)};
      int n = epoll_pwait2(ep_, evs, max, &ts, nullptr);
      if (n >= 0 || errno != ENOSYS) return n;
      no_pwait2_ = true;  // kernel before 5.11: whole milliseconds, rounded up
    }
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(timeout).count();
    return epoll_wait(ep_, evs, max, static_cast<int>(ms));
  }

  void set_events(Conn& c, bool want_out) {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | (want_out ? uint32_t{EPOLLOUT} : 0u);
    ev.data.ptr = &c;
    epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
    c.epollout = want_out;
  }

  void start_connect(Conn& c) {
    c.fd = socket(target_.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) return retry_later(c, "socket", errno);
    int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
    ev.data.ptr = &c;
    epoll_ctl(ep_, EPOLL_CTL_ADD, c.fd, &ev);
    c.epollout = true;
    c.in.clear();
    int rc = connect(c.fd, reinterpret_cast<const sockaddr*>(&target_.addr), target_.addr_len);
    if (rc == 0 || errno == EINPROGRESS) {
      c.state = Conn::kConnecting;
      return;
    }
    retry_later(c, "connect", errno);
  }

  void retry_later(Conn& c, const char* what, int err) {
    stats_.conn_errors += 1;
    if (c.in_flight) {
      stats_.errors += 1;
      c.in_flight = false;
      c.role->done(sh_, stats_, c.step, 0, {});
    }
    sh_.note_error(std::string(what) + ": " + std::strerror(err));
    if (c.fd >= 0) {
      epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
      close(c.fd);
      c.fd = -1;
    }
    c.state = Conn::kTimer;
    c.wake_at = Clock::now() + std::chrono::milliseconds(100);
  }

  void reconnect_now(Conn& c) {
    epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
    close(c.fd);
    c.fd = -1;
    start_connect(c);
  }

  // Asks the role for the next step and starts it.
  void kick(Conn& c) {
    c.step.record_latency = true;
    c.role->next(sh_, c.step);
    switch (c.step.kind) {
      case Step::kStop:
        c.state = Conn::kDone;
        return;
      case Step::kWait:
        c.state = Conn::kTimer;
        c.wake_at = c.step.wake;
        return;
      case Step::kSend:
        break;
    }
    build_request(signer_, date_.now(), target_.host_header, c.step.action, c.step.body, c.out);
    c.out_off = 0;
    c.in_flight = true;
    c.sent_at = Clock::now();
    c.state = Conn::kWriting;
    write_some(c);
  }

  void write_some(Conn& c) {
    while (c.out_off < c.out.size()) {
      ssize_t n = ::send(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
      if (n > 0) {
        c.out_off += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (!c.epollout) set_events(c, true);
        return;
      }
      return retry_later(c, "send", n < 0 ? errno : EPIPE);
    }
    if (c.epollout) set_events(c, false);
    c.state = Conn::kReading;
  }

  void on_event(Conn& c, uint32_t ev) {
    if (c.fd < 0) return;
    if (c.state == Conn::kConnecting) {
      if (!(ev & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return;
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) return retry_later(c, "connect", err);
      set_events(c, false);
      c.state = Conn::kTimer;  // kick decides
      kick(c);
      return;
    }
    if (c.state == Conn::kWriting && (ev & EPOLLOUT)) {
      write_some(c);
      if (c.state != Conn::kReading) return;
    }
    if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) read_some(c);
  }

  void read_some(Conn& c) {
    bool eof = false;
    char buf[65536];
    for (;;) {
      ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
      if (n > 0) {
        c.in.append(buf, static_cast<size_t>(n));
        if (static_cast<size_t>(n) < sizeof buf) break;
        continue;
      }
      if (n == 0) {
        eof = true;
        break;
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      return retry_later(c, "recv", errno);
    }
    if (c.state != Conn::kReading) {
      if (!eof) return;
      if (c.in_flight) return retry_later(c, "recv", ECONNRESET);  // closed mid-write
      // The server closed an idle keep-alive connection.
      if (c.state == Conn::kDone) {
        epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
        close(c.fd);
        c.fd = -1;
        return;
      }
      reconnect_now(c);  // the kick after connect asks the role again
      return;
    }
    int r = parse_response(c.in, eof, c.resp);
    if (r == 0) {
      if (eof) return retry_later(c, "recv", ECONNRESET);
      return;
    }
    if (r < 0) {
      sh_.note_error("malformed HTTP response: " + c.in.substr(0, 200));
      return retry_later(c, "parse", EPROTO);
    }
    auto now = Clock::now();
    c.in_flight = false;
    stats_.requests += 1;
    if (c.step.record_latency) {
      auto us = std::chrono::duration_cast<std::chrono::microseconds>(now - c.sent_at).count();
      stats_.lat_us.push_back(static_cast<uint32_t>(std::min<int64_t>(us, UINT32_MAX)));
    }
    if (c.resp.status != 200) {
      stats_.errors += 1;
      sh_.note_error(std::string(c.step.action) + " -> HTTP " + std::to_string(c.resp.status) +
                     ": " + std::string(c.resp.body.substr(0, 600)));
    }
    c.role->done(sh_, stats_, c.step, c.resp.status, c.resp.body);
    bool close_after = c.resp.close || eof;
    c.in.erase(0, c.resp.consumed);
    if (close_after) {
      reconnect_now(c);  // kick runs once connected
      return;
    }
    c.state = Conn::kTimer;
    kick(c);
  }

  const Target& target_;
  Shared& sh_;
  Signer signer_;
  AmzDate date_;
  int ep_ = -1;
  bool no_pwait2_ = false;
  std::vector<std::unique_ptr<Conn>> conns_;
  Stats stats_;
  std::atomic<bool> finished_{false};
};

// ---------------------------------------------------------------------------------------
// Blocking single request (setup: CreateQueue).

struct Reply {
  int status = 0;
  std::string body;
};

Reply call(const Target& t, const Args& a, std::string_view action, const std::string& body) {
  Reply out;
  int fd = socket(t.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval tv{30, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&t.addr), t.addr_len) != 0) {
    out.body = std::string("connect: ") + std::strerror(errno);
    close(fd);
    return out;
  }
  Signer signer(a.access_key, a.secret_key, a.region);
  AmzDate date;
  std::string req;
  build_request(signer, date.now(), t.host_header, action, body, req);
  size_t off = 0;
  while (off < req.size()) {
    ssize_t n = ::send(fd, req.data() + off, req.size() - off, MSG_NOSIGNAL);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  std::string in;
  char buf[65536];
  Response r;
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    bool eof = n <= 0;
    if (n > 0) in.append(buf, static_cast<size_t>(n));
    int pr = parse_response(in, eof, r);
    if (pr == 1) {
      out.status = r.status;
      out.body = std::string(r.body);
      break;
    }
    if (pr < 0 || eof) {
      out.body = "no complete HTTP response (" + std::string(n < 0 ? std::strerror(errno) : "closed") + ")";
      break;
    }
  }
  close(fd);
  return out;
}

std::string create_queue(const Target& t, const Args& a, const std::string& base) {
  std::string name = a.groups > 0 ? base + ".fifo" : base;
  std::string body = "{\"QueueName\":";
  json_escape_into(name, body);
  if (a.groups > 0) body.append(",\"Attributes\":{\"FifoQueue\":\"true\"}");
  body.append("}");
  Reply r = call(t, a, "CreateQueue", body);
  if (r.status != 200) {
    std::fprintf(stderr, "CreateQueue %s failed: HTTP %d %s\n", name.c_str(), r.status, r.body.c_str());
    std::exit(1);
  }
  std::string url;
  json_each_string(r.body, "QueueUrl", [&](const std::string& u) { url = u; });
  if (url.empty()) {
    // e.g. the hello target, which answers every POST alike.
    url = "http://" + t.host_header + "/000000000000/" + name;
    std::fprintf(stderr, "note: CreateQueue returned no QueueUrl (%s); using %s\n",
                 r.body.substr(0, 120).c_str(), url.c_str());
  }
  return url;
}

// ---------------------------------------------------------------------------------------
// Running a phase: roles spread round-robin over loops.

struct PhaseResult {
  Stats stats;
  double seconds = 0;
  std::string first_error;
  uint64_t sent = 0, received = 0;
};

using RoleFactory = std::function<std::unique_ptr<Role>(int index)>;

// `roles` connections; loops = threads (0 = auto). The phase ends at `seconds`, when every
// role stopped, or (latency) `after_issue` decides, with a hard bound of seconds + grace.
PhaseResult run_phase(const Target& t, const Args& a, Shared& sh, int roles, int threads,
                      const RoleFactory& make, double seconds,
                      const std::function<bool()>& drained = {}, double grace = 0) {
  if (threads <= 0) threads = std::min(roles, 2);
  threads = std::min(threads, roles);
  std::vector<std::unique_ptr<Loop>> loops;
  for (int i = 0; i < threads; ++i) loops.push_back(std::make_unique<Loop>(t, sh, a));
  for (int i = 0; i < roles; ++i) loops[static_cast<size_t>(i % threads)]->add(make(i));
  auto start = Clock::now();
  std::vector<std::thread> ths;
  for (auto& l : loops) ths.emplace_back([&l] { l->run(); });
  auto deadline = start + std::chrono::duration<double>(seconds);
  auto all_done = [&] {
    for (auto& l : loops)
      if (!l->finished()) return false;
    return true;
  };
  while (Clock::now() < deadline && !all_done())
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  auto end = Clock::now();
  sh.stop_issue.store(true);
  if (drained) {
    auto hard = Clock::now() + std::chrono::duration<double>(grace);
    while (Clock::now() < hard && !drained() && !all_done())
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  sh.stop_hard.store(true);
  for (auto& th : ths) th.join();
  PhaseResult r;
  if (sh.drain_target > 0 && sh.received.load() >= sh.drain_target) {
    // Drained: the work ended with the last delete, whatever long polls waited after it.
    auto last = Clock::time_point(std::chrono::nanoseconds(sh.last_delete_ns.load()));
    if (last > start && last < end) end = last;
  }
  r.seconds = std::chrono::duration<double>(end - start).count();
  for (auto& l : loops) r.stats.merge(l->stats());
  r.first_error = sh.first_error;
  r.sent = sh.sent.load();
  r.received = sh.received.load();
  return r;
}

double pct_ms(std::vector<uint32_t>& v, double q) {
  if (v.empty()) return 0;
  size_t i = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())));
  return v[i] / 1000.0;
}

void report(const Args& a, const std::string& scenario_label, int connections, PhaseResult& r,
            bool e2e) {
  auto& st = r.stats;
  std::sort(st.lat_us.begin(), st.lat_us.end());
  std::sort(st.e2e_us.begin(), st.e2e_us.end());
  double secs = r.seconds > 0 ? r.seconds : 1;
  double rps = static_cast<double>(st.requests) / secs;
  double mps = static_cast<double>(st.messages) / secs;
  std::printf("%s %s: %d connections, %.2f s: %" PRIu64 " requests (%.0f req/s), %" PRIu64
              " messages (%.0f msg/s), request p50 %.2f ms p99 %.2f ms max %.2f ms, errors %" PRIu64
              " (connection errors %" PRIu64 ", batch results with Failed entries %" PRIu64
              ", empty receives %" PRIu64 ")\n",
              a.label.c_str(), scenario_label.c_str(), connections, secs, st.requests, rps,
              st.messages, mps, pct_ms(st.lat_us, 0.5), pct_ms(st.lat_us, 0.99),
              st.lat_us.empty() ? 0.0 : st.lat_us.back() / 1000.0, st.errors, st.conn_errors,
              st.batch_failed, st.empty_receives);
  if (e2e) {
    std::printf("  send->receive latency over %zu messages (sent %" PRIu64 ", received %" PRIu64
                ", target rate %.0f/s, achieved %.0f/s): p50 %.2f ms p99 %.2f ms max %.2f ms\n",
                st.e2e_us.size(), r.sent, r.received, a.rate, static_cast<double>(r.sent) / a.seconds,
                pct_ms(st.e2e_us, 0.5), pct_ms(st.e2e_us, 0.99),
                st.e2e_us.empty() ? 0.0 : st.e2e_us.back() / 1000.0);
  }
  if (!r.first_error.empty()) std::printf("  first error: %s\n", r.first_error.c_str());
  std::vector<uint32_t>& lat = e2e ? st.e2e_us : st.lat_us;
  std::string name = scenario_label;
  if (e2e) {
    char extra[96];
    std::snprintf(extra, sizeof extra, " (send→receive, %.0f/s, max %.1f ms)",
                  a.rate, lat.empty() ? 0.0 : lat.back() / 1000.0);
    name += extra;
  }
  std::printf("| %s | %s | %d | %.0f | %.0f | %.2f | %.2f | %" PRIu64 " |\n", a.label.c_str(),
              name.c_str(), connections, rps, mps, pct_ms(lat, 0.5), pct_ms(lat, 0.99), st.errors);
  std::fflush(stdout);
}

// ---------------------------------------------------------------------------------------
// Self-test: one fixed request signed by botocore 1.43's SigV4Auth (bench/sqs/sigv4_ref.py).

int selftest(const Args& a) {
  const std::string date = "20240102T030405Z";
  const std::string host = "127.0.0.1:9324";
  const std::string body = R"({"QueueName":"selftest","Attributes":{"VisibilityTimeout":"30"}})";
  const std::string expected =
      "AWS4-HMAC-SHA256 Credential=test/20240102/us-east-1/sqs/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
      "Signature=c656567315d93da3a3f7da5ee83980410bea4ad551c99d87e3243e29663df79c";
  Signer s(a.access_key, a.secret_key, a.region);
  std::string got = s.authorization(date, host, kContentType, "AmazonSQS.CreateQueue", body);
  std::printf("%s\n", got.c_str());
  bool ok = true;
  if (a.access_key == "test" && a.secret_key == "test" && a.region == "us-east-1") {
    ok = got == expected;
    std::fprintf(stderr, "sigv4 known answer (botocore SigV4Auth): %s\n", ok ? "match" : "MISMATCH");
    if (!ok) std::fprintf(stderr, "expected %s\n", expected.c_str());
  }
  // HTTP parser and JSON scanner sanity.
  Response r;
  std::string chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
  if (parse_response(chunked, false, r) != 1 || r.body != "hello") ok = false;
  std::string cl = "HTTP/1.1 400 Bad\r\ncontent-length: 2\r\nConnection: close\r\n\r\n{}";
  if (parse_response(cl, false, r) != 1 || r.status != 400 || r.body != "{}" || !r.close) ok = false;
  std::vector<std::string> hs;
  json_each_string(R"({"Messages": [{"ReceiptHandle": "a\"b\/c"}, {"ReceiptHandle":"d"}]})",
                   "ReceiptHandle", [&](const std::string& h) { hs.push_back(h); });
  if (hs.size() != 2 || hs[0] != "a\"b/c" || hs[1] != "d") ok = false;
  if (!has_failed_entries(R"({"Failed": [ {"Id":"x"} ]})") || has_failed_entries(R"({"Failed":[]})"))
    ok = false;
  std::fprintf(stderr, "selftest %s\n", ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  Args a = parse_args(argc, argv);
  if (a.selftest) return selftest(a);
  Target t = parse_target(a.target);
  std::string base = a.queue.empty() ? "bench-" + a.scenario + "-" + std::to_string(getpid()) +
                                           "-" + std::to_string(time(nullptr))
                                     : a.queue;

  if (a.groups > 0 && a.scenario != "send-batch" && a.scenario != "receive-delete") {
    die("--groups goes with --scenario=send-batch or receive-delete, not %s", a.scenario);
  }
  if (a.scenario == "send" || a.scenario == "send-batch") {
    std::string url = create_queue(t, a, base);
    Shared sh;
    sh.max_requests = a.max_requests;
    bool batch = a.scenario == "send-batch";
    auto r = run_phase(t, a, sh, a.connections, a.threads, [&](int) -> std::unique_ptr<Role> {
      if (batch) return make_send_batch_role(url, a.body_size, a.groups);
      return make_send_role(url, a.body_size);
    }, a.seconds);
    report(a, a.scenario + (a.groups > 0 ? " fifo/" + std::to_string(a.groups) + "g" : ""), a.connections, r, false);
    return 0;
  }

  if (a.scenario == "receive-delete") {
    std::string url = create_queue(t, a, base);
    if (a.prefill > 0) {
      Shared pre;
      pre.max_requests = (a.prefill + 9) / 10;
      auto r = run_phase(t, a, pre, std::min(a.connections, 16), a.threads, [&](int) {
        return make_send_batch_role(url, a.body_size, a.groups);
      }, 300);
      std::printf("prefill: %" PRIu64 " messages in %.2f s (%.0f msg/s), errors %" PRIu64 "%s%s\n",
                  r.stats.messages, r.seconds, r.stats.messages / std::max(r.seconds, 1e-9),
                  r.stats.errors, r.first_error.empty() ? "" : "; first error: ",
                  r.first_error.c_str());
    }
    Shared sh;
    sh.max_requests = a.max_requests;
    sh.drain_target = a.prefill;
    auto r = run_phase(t, a, sh, a.connections, a.threads, [&](int) {
      return make_receive_delete_role(url, a.wait_time, false);
    }, a.seconds);
    report(a,
           "receive-delete (wait " + std::to_string(a.wait_time) + ")" +
               (a.groups > 0 ? " fifo/" + std::to_string(a.groups) + "g" : ""),
           a.connections, r, false);
    return 0;
  }

  if (a.scenario == "latency") {
    std::string url = create_queue(t, a, base);
    Shared sh;
    sh.max_requests = a.max_requests + 1'000'000;  // receivers and deletes on top of sends
    Pacer pacer;
    pacer.rate = a.rate;
    pacer.max_messages = a.max_requests;
    pacer.t0 = Clock::now() + std::chrono::milliseconds(200);  // receivers connect first
    int total = a.senders + a.receivers;
    auto r = run_phase(t, a, sh, total, a.threads, [&](int i) -> std::unique_ptr<Role> {
      if (i % total < a.senders && i < a.senders) return make_paced_send_role(url, a.body_size, &pacer);
      return make_receive_delete_role(url, 20, true);
    }, a.seconds + 0.2, [&] { return sh.received.load() >= sh.sent.load(); }, 5.0);
    report(a, "latency", total, r, true);
    return 0;
  }

  die("unknown --scenario %s (send, send-batch, receive-delete, latency)", a.scenario);
}
