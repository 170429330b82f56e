// The native engine of HttpServer (see http_server.h): HTTP/1.1 over epoll.
//
// Threads: `threads` I/O workers, each with its own epoll set; the listening socket is in
// every set (EPOLLEXCLUSIVE wakes one worker), the accepting worker gives each new socket
// to the worker with the fewest connections, and a connection stays there. A connection
// is registered once, edge-triggered for input and output, and at any moment exactly one
// party owns it:
//
//   kReading  the worker's: it reads until the socket is drained, and parses
//   kBusy     a request is with the handler; the worker only notes input that arrives
//             (input_pending), for whoever answers
//   kWriting  the worker's: it finishes a response that did not fit the socket, or reads
//             what arrived while the request was busy, or closes
//
// Reply (from any thread, usually a shard's) writes the response on that thread. When all
// of it went out and nothing else waits, it hands the connection back as kReading with no
// system call: the client's next request raises the next input edge. Otherwise (a partial
// write, a pipelined request, input noted while busy, a connection to close) it hands it
// over as kWriting and re-registers it (EPOLL_CTL_MOD), which queues an event for the
// worker if the socket is ready. So closing and parsing happen only on the worker, and a
// reply costs no hop back to it. Before, every connection was armed EPOLLONESHOT and every
// reply re-armed it: one epoll_ctl per request. The connection's mutex orders a Reply's
// hand-over against the worker's look at a busy connection and its idle sweep.
//
// One request at a time per connection: the next is parsed only after the reply is out,
// which keeps pipelined answers in order. Idle or stalled connections close after 60 s.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/http_parser.h"
#include "api/http_server.h"
#include "common/log.h"

namespace spool {
namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(60);
constexpr int kSweepEveryMs = 1000;
constexpr size_t kReadChunk = 64 * 1024;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

const char* reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Status";
  }
}

// The status line and header block of `response`; `body_length` is what Content-Length
// announces (a HEAD reply announces the body it does not send).
std::string response_head(const HttpResponse& response, size_t body_length, bool keep_alive) {
  std::string head;
  head.reserve(160 + response.content_type.size());
  head += "HTTP/1.1 ";
  head += std::to_string(response.status);
  head += ' ';
  head += reason_phrase(response.status);
  head += "\r\nContent-Type: ";
  head += response.content_type;
  head += "\r\nContent-Length: ";
  head += std::to_string(body_length);
  head += "\r\n";
  for (const auto& [name, value] : response.headers) {
    head += name;
    head += ": ";
    head += value;
    head += "\r\n";
  }
  if (!keep_alive) head += "Connection: close\r\n";
  head += "\r\n";
  return head;
}

HttpResponse plain(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

struct Worker;

struct Conn {
  enum class State { kReading, kBusy, kWriting };

  Conn(int fd_, Worker* worker_, size_t max_body) : fd(fd_), worker(worker_), parser(max_body) {}
  ~Conn() {
    if (fd >= 0) ::close(fd);
  }

  int fd;
  Worker* worker;
  std::mutex mutex;  // a Reply's hand-over vs. the worker's look at a busy connection and its sweep
  State state = State::kReading;
  bool input_pending = false;  // the socket may hold input no event will announce again
  bool peer_shut = false;      // the peer sent FIN (EPOLLRDHUP seen): the end is unread input
  HttpRequestParser parser;
  std::string in;      // received bytes not yet parsed start at in_pos
  size_t in_pos = 0;
  std::string out_head;
  std::string out_body;
  size_t out_sent = 0;  // of head + body
  bool close_after_write = false;
  bool sent_continue = false;
  int64_t last_active_ms = 0;
};

struct Core;

struct Worker {
  Core* core = nullptr;
  int epoll_fd = -1;
  int wake_fd = -1;
  std::thread thread;
  // Touched only by this worker's thread (and by stop() after it has joined).
  std::unordered_map<Conn*, std::shared_ptr<Conn>> conns;
  std::atomic<int> connection_count{0};  // read by acceptors to balance
  std::mutex inbox_mutex;
  std::vector<int> inbox;  // accepted sockets handed over by another worker
  // Where reads land. A member, not a thread_local: static TLS is set up in every thread
  // of the process, so a 64 KiB thread_local cost each of them (two per topic
  // partition) 64 KiB of RSS.
  std::unique_ptr<char[]> read_chunk{new char[kReadChunk]};

  void run();
  void accept_all();
  void adopt(int fd);
  void take_inbox();
  void on_event(const std::shared_ptr<Conn>& conn, uint32_t events);
  void read_and_advance(const std::shared_ptr<Conn>& conn);
  void advance(const std::shared_ptr<Conn>& conn, bool drained);
  void continue_write(const std::shared_ptr<Conn>& conn);
  void close_conn(Conn* conn);
  void sweep();
};

struct Core {
  HttpHandler handler;
  TooLargeResponder too_large;
  int64_t max_body_bytes = 0;
  int listen_fd = -1;
  std::atomic<bool> stopping{false};
  std::vector<std::unique_ptr<Worker>> workers;
  std::weak_ptr<Core> self;  // what each Reply holds, so a late reply finds its socket

  ~Core() {
    for (auto& w : workers) {
      for (int fd : w->inbox) ::close(fd);
      w->conns.clear();
      if (w->epoll_fd >= 0) ::close(w->epoll_fd);
      if (w->wake_fd >= 0) ::close(w->wake_fd);
    }
    if (listen_fd >= 0) ::close(listen_fd);
  }
};

// Sentinels in epoll_event.data.ptr for the two non-connection descriptors.
char kListenTag;
char kWakeTag;

// EPOLLRDHUP: a peer's FIN that arrived with its last request raises no edge of its own,
// and a short read does not show it; the flag on the request's own event does.
constexpr uint32_t kConnEvents = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;

// Re-registering an edge-triggered socket queues an event now if it is ready: how a
// Reply gets the worker to act on a connection it hands over as kWriting.
void notify_worker(Conn& conn) {
  epoll_event ev{};
  ev.events = kConnEvents;
  ev.data.ptr = &conn;
  if (::epoll_ctl(conn.worker->epoll_fd, EPOLL_CTL_MOD, conn.fd, &ev) != 0) {
    log_warn("api", "epoll re-registration failed", {{"error", std::strerror(errno)}});
  }
}

// Writes what remains of the response; true when all of it went out. `failed` is set
// when the socket refuses (the peer is gone).
bool write_some(Conn& conn, bool& failed) {
  failed = false;
  size_t head_size = conn.out_head.size();
  size_t total = head_size + conn.out_body.size();
  while (conn.out_sent < total) {
    iovec parts[2];
    int count = 0;
    if (conn.out_sent < head_size) {
      parts[count++] = {conn.out_head.data() + conn.out_sent, head_size - conn.out_sent};
      if (!conn.out_body.empty()) parts[count++] = {conn.out_body.data(), conn.out_body.size()};
    } else {
      size_t at = conn.out_sent - head_size;
      parts[count++] = {conn.out_body.data() + at, conn.out_body.size() - at};
    }
    msghdr message{};
    message.msg_iov = parts;
    message.msg_iovlen = static_cast<size_t>(count);
    ssize_t n = ::sendmsg(conn.fd, &message, MSG_NOSIGNAL);
    if (n > 0) {
      conn.out_sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return false;
    failed = true;
    return false;
  }
  return true;
}

// Puts `response` on the connection and writes as much as the socket takes now. The
// caller owns the connection (kBusy). Returns the state to hand it over in.
Conn::State start_response(Conn& conn, HttpResponse response, bool keep_alive, bool is_head) {
  size_t body_length = response.body.size();
  conn.out_head = response_head(response, body_length, keep_alive);
  conn.out_body = is_head ? std::string() : std::move(response.body);
  conn.out_sent = 0;
  if (!keep_alive) conn.close_after_write = true;
  bool failed = false;
  bool all_out = write_some(conn, failed);
  if (failed) {
    conn.close_after_write = true;
    conn.out_head.clear();
    conn.out_body.clear();
    conn.out_sent = 0;
    return Conn::State::kWriting;  // the worker sees EPOLLOUT|EPOLLERR and closes
  }
  if (all_out && !conn.close_after_write && conn.in_pos == conn.in.size()) return Conn::State::kReading;
  return Conn::State::kWriting;
}

// Runs on any thread, exactly once per request.
void finish(const std::shared_ptr<Core>& core, const std::shared_ptr<Conn>& conn, HttpResponse response,
            bool keep_alive, bool is_head) {
  std::lock_guard<std::mutex> lock(conn->mutex);
  if (core->stopping.load(std::memory_order_acquire)) {
    // The workers are gone or going; answer if the socket takes it, then close.
    start_response(*conn, std::move(response), false, is_head);
    ::shutdown(conn->fd, SHUT_RDWR);
    return;
  }
  Conn::State next = start_response(*conn, std::move(response), keep_alive, is_head);
  conn->last_active_ms = now_ms();
  if (next == Conn::State::kReading && !conn->input_pending) {
    conn->state = Conn::State::kReading;
    return;
  }
  conn->state = Conn::State::kWriting;
  notify_worker(*conn);
}

void Worker::run() {
  std::vector<epoll_event> events(256);
  int64_t next_sweep = now_ms() + kSweepEveryMs;
  while (!core->stopping.load(std::memory_order_acquire)) {
    int n = ::epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()), kSweepEveryMs);
    if (n < 0 && errno != EINTR) {
      log_error("api", "epoll_wait failed", {{"error", std::strerror(errno)}});
      break;
    }
    for (int i = 0; i < n; ++i) {
      void* tag = events[i].data.ptr;
      if (tag == &kWakeTag) {
        take_inbox();
        continue;
      }
      if (tag == &kListenTag) {
        accept_all();
        continue;
      }
      auto it = conns.find(static_cast<Conn*>(tag));
      if (it == conns.end()) continue;  // closed earlier in this batch
      std::shared_ptr<Conn> conn = it->second;
      on_event(conn, events[i].events);
    }
    int64_t now = now_ms();
    if (now >= next_sweep) {
      sweep();
      next_sweep = now + kSweepEveryMs;
    }
  }
  // Idle connections close now; a busy one closes when its reply arrives (finish()).
  for (auto it = conns.begin(); it != conns.end();) {
    std::shared_ptr<Conn> conn = it->second;  // outlives the lock taken on its mutex
    std::lock_guard<std::mutex> lock(conn->mutex);
    if (conn->state != Conn::State::kBusy) {
      it = conns.erase(it);
    } else {
      ++it;
    }
  }
}

// Accepts what is pending and gives each socket to the worker with the fewest
// connections: whichever worker wins the wake-up (EPOLLEXCLUSIVE) would otherwise get a
// whole burst of connections, and one busy thread with one idle beside it.
void Worker::accept_all() {
  for (int i = 0; i < 64; ++i) {
    int fd = ::accept4(core->listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        // EMFILE and friends: log and let the next readiness retry.
        log_warn("api", "accept failed", {{"error", std::strerror(errno)}});
      }
      return;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    Worker* target = this;
    for (auto& w : core->workers) {
      if (w->connection_count.load(std::memory_order_relaxed) < target->connection_count.load(std::memory_order_relaxed)) {
        target = w.get();
      }
    }
    target->connection_count.fetch_add(1, std::memory_order_relaxed);
    if (target == this) {
      adopt(fd);
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(target->inbox_mutex);
      target->inbox.push_back(fd);
    }
    uint64_t one_event = 1;
    (void)::write(target->wake_fd, &one_event, sizeof one_event);
  }
}

void Worker::take_inbox() {
  uint64_t count = 0;
  (void)::read(wake_fd, &count, sizeof count);
  std::vector<int> fds;
  {
    std::lock_guard<std::mutex> lock(inbox_mutex);
    fds.swap(inbox);
  }
  for (int fd : fds) adopt(fd);
}

// Registers an accepted socket with this worker; connection_count is already counted.
void Worker::adopt(int fd) {
  auto conn = std::make_shared<Conn>(fd, this, static_cast<size_t>(core->max_body_bytes));
  conn->last_active_ms = now_ms();
  epoll_event ev{};
  ev.events = kConnEvents;
  ev.data.ptr = conn.get();
  if (::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
    log_warn("api", "epoll add failed", {{"error", std::strerror(errno)}});
    connection_count.fetch_sub(1, std::memory_order_relaxed);
    return;  // conn's destructor closes fd
  }
  conns.emplace(conn.get(), std::move(conn));
}

void Worker::on_event(const std::shared_ptr<Conn>& conn, uint32_t events) {
  {
    std::lock_guard<std::mutex> lock(conn->mutex);
    if (events & EPOLLRDHUP) conn->peer_shut = true;
    if (conn->state == Conn::State::kBusy) {
      // Its Reply hands it back; this edge will not come again, so leave a note.
      if (events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) conn->input_pending = true;
      return;
    }
  }
  // kReading or kWriting: this worker's until it dispatches a request.
  if (conn->state == Conn::State::kWriting) {
    if (events & (EPOLLERR | EPOLLHUP)) {
      if (conn->out_sent < conn->out_head.size() + conn->out_body.size() || conn->close_after_write) {
        return close_conn(conn.get());
      }
    }
    return continue_write(conn);
  }
  if (!(events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP))) return;  // room to write; nothing to write
  read_and_advance(conn);
}

void Worker::read_and_advance(const std::shared_ptr<Conn>& conn) {
  // Parse each piece as it arrives, so a body the parser drops (over the size limit) is
  // never held here either; stop reading at the end of a request. `drained`: the last
  // read found the socket empty (EAGAIN, or less than asked for without a FIN behind
  // it), so the next input raises a new edge.
  conn->input_pending = false;
  bool drained = false;
  for (;;) {
    if (conn->in_pos > 0) {
      conn->in.erase(0, conn->in_pos);
      conn->in_pos = 0;
    }
    // Into the worker's buffer, then appended: resizing `in` by a whole chunk would
    // zero-fill 64 KiB per read (it showed as 8% of spoold's time in perf).
    ssize_t n = ::recv(conn->fd, read_chunk.get(), kReadChunk, 0);
    if (n > 0) conn->in.append(read_chunk.get(), static_cast<size_t>(n));
    if (n == 0) return close_conn(conn.get());  // the peer closed
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        drained = true;
        break;
      }
      return close_conn(conn.get());
    }
    drained = static_cast<size_t>(n) < kReadChunk && !conn->peer_shut;
    conn->in_pos += conn->parser.feed(std::string_view(conn->in).substr(conn->in_pos));
    if (conn->parser.state() != HttpRequestParser::State::kNeedMore || drained) break;
  }
  conn->last_active_ms = now_ms();
  advance(conn, drained);
}

// Parses what has arrived: dispatches a complete request, answers a broken one, or
// waits for more. The caller owns the connection.
void Worker::advance(const std::shared_ptr<Conn>& conn, bool drained) {
  HttpRequestParser& parser = conn->parser;
  std::string_view pending(conn->in.data() + conn->in_pos, conn->in.size() - conn->in_pos);
  conn->in_pos += parser.feed(pending);

  if (parser.state() == HttpRequestParser::State::kError) {
    conn->in_pos = conn->in.size();  // nothing after a broken request can be trusted
    int status = parser.error_status();
    start_response(*conn, plain(status, std::string(reason_phrase(status)) + "\n"), false, false);
    conn->state = Conn::State::kWriting;
    return continue_write(conn);  // finishes or waits for room, then closes
  }
  if (parser.state() == HttpRequestParser::State::kNeedMore) {
    if (parser.expects_continue() && !conn->sent_continue) {
      conn->sent_continue = true;
      static const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
      // Best effort: a client that does not see it sends the body after its own timeout.
      (void)::send(conn->fd, kContinue, sizeof kContinue - 1, MSG_NOSIGNAL);
    }
    conn->state = Conn::State::kReading;  // read_and_advance stopped on a drained socket
    return;
  }

  bool keep_alive = parser.keep_alive();
  bool is_too_large = parser.body_too_large();
  HttpRequest request = parser.take();
  conn->sent_continue = false;
  bool is_head = request.method == "HEAD";
  {
    std::lock_guard<std::mutex> lock(conn->mutex);
    conn->state = Conn::State::kBusy;
    // A read that filled the whole chunk may have left more in the socket, and a FIN seen
    // on the event is still unread: either way no edge will announce it.
    conn->input_pending = !drained;
  }
  Reply reply = [core = core->self.lock(), conn, keep_alive, is_head](HttpResponse response) {
    finish(core, conn, std::move(response), keep_alive, is_head);
  };
  if (is_too_large) return reply(core->too_large(request.path, core->max_body_bytes));
  try {
    core->handler(std::move(request), std::move(reply));
  } catch (const std::exception& e) {
    // The handler owns `reply` once called; a throw before it answered is a bug we log.
    log_error("api", "handler threw", {{"error", e.what()}});
  }
}

void Worker::continue_write(const std::shared_ptr<Conn>& conn) {
  bool failed = false;
  bool all_out = write_some(*conn, failed);
  if (failed) return close_conn(conn.get());
  if (!all_out) return;  // the socket said EAGAIN: an output edge follows when it has room
  conn->out_head.clear();
  conn->out_body.clear();
  conn->out_sent = 0;
  conn->last_active_ms = now_ms();
  if (conn->close_after_write) {
    // Let the client read the answer before the close (no reset over unread input).
    ::shutdown(conn->fd, SHUT_WR);
    return close_conn(conn.get());
  }
  conn->state = Conn::State::kReading;
  // A pipelined request already read, or input noted while the request was busy.
  if (conn->in_pos < conn->in.size() || conn->input_pending) read_and_advance(conn);
}

void Worker::close_conn(Conn* conn) {
  ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, conn->fd, nullptr);
  connection_count.fetch_sub(1, std::memory_order_relaxed);
  conns.erase(conn);  // the destructor closes the socket once no Reply holds it
}

void Worker::sweep() {
  int64_t deadline = now_ms() - std::chrono::duration_cast<std::chrono::milliseconds>(kIdleTimeout).count();
  std::vector<Conn*> stale;
  for (auto& [raw, conn] : conns) {
    std::lock_guard<std::mutex> lock(conn->mutex);
    if (conn->state != Conn::State::kBusy && conn->last_active_ms < deadline) stale.push_back(raw);
  }
  for (Conn* raw : stale) {
    std::shared_ptr<Conn> conn = conns[raw];
    std::lock_guard<std::mutex> lock(conn->mutex);
    // A Reply may have handed it back since: then it is fresh again.
    if (conn->state == Conn::State::kBusy || conn->last_active_ms >= deadline) continue;
    ::shutdown(conn->fd, SHUT_RDWR);
    close_conn(raw);
  }
}

class NativeListener : public HttpListener {
 public:
  NativeListener(const HttpServerOptions& options, HttpHandler handler) : options_(options) {
    handler_ = std::move(handler);
  }
  ~NativeListener() override { stop(); }

  Status start() override;
  void stop() override;
  uint16_t port() const override { return bound_port_; }

 private:
  Status bind_and_listen(int& fd_out);

  HttpServerOptions options_;
  HttpHandler handler_;
  std::shared_ptr<Core> core_;
  uint16_t bound_port_ = 0;
};

Status NativeListener::bind_and_listen(int& fd_out) {
  std::string where = options_.host + ":" + std::to_string(options_.port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port = std::to_string(options_.port);
  int rc = ::getaddrinfo(options_.host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) return Status(Errc::kUnavailable, "cannot listen on " + where + ": " + ::gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owned(found, ::freeaddrinfo);
  std::string last_error = "no address";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 1024) == 0) {
      fd_out = fd;
      sockaddr_storage bound{};
      socklen_t length = sizeof bound;
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length);
      bound_port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                                      : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
      return Status();
    }
    last_error = std::strerror(errno);
    ::close(fd);
  }
  return Status(Errc::kUnavailable, "cannot listen on " + where + ": " + last_error);
}

Status NativeListener::start() {
  auto core = std::make_shared<Core>();
  core->self = core;
  core->handler = handler_;
  core->max_body_bytes = options_.max_body_bytes;
  core->too_large = options_.too_large;
  Status st = bind_and_listen(core->listen_fd);
  if (!st.ok()) return st;
  int threads = std::max(1, options_.threads);
  for (int i = 0; i < threads; ++i) {
    auto worker = std::make_unique<Worker>();
    worker->core = core.get();
    worker->epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
    worker->wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (worker->epoll_fd < 0 || worker->wake_fd < 0) {
      core->workers.push_back(std::move(worker));
      return Status(Errc::kUnavailable, std::string("cannot create the HTTP workers: ") + std::strerror(errno));
    }
    epoll_event listen_ev{};
    listen_ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    listen_ev.data.ptr = &kListenTag;
    epoll_event wake_ev{};
    wake_ev.events = EPOLLIN;
    wake_ev.data.ptr = &kWakeTag;
    if (::epoll_ctl(worker->epoll_fd, EPOLL_CTL_ADD, core->listen_fd, &listen_ev) != 0 ||
        ::epoll_ctl(worker->epoll_fd, EPOLL_CTL_ADD, worker->wake_fd, &wake_ev) != 0) {
      core->workers.push_back(std::move(worker));
      return Status(Errc::kUnavailable, std::string("cannot create the HTTP workers: ") + std::strerror(errno));
    }
    core->workers.push_back(std::move(worker));
  }
  for (size_t i = 0; i < core->workers.size(); ++i) {
    Worker* w = core->workers[i].get();
    w->thread = std::thread([w, i] {
      std::string name = "http-" + std::to_string(i);
      pthread_setname_np(pthread_self(), name.c_str());  // shows in perf and top
      w->run();
    });
  }
  core_ = std::move(core);
  return Status();
}

void NativeListener::stop() {
  if (!core_) return;
  core_->stopping.store(true, std::memory_order_release);
  for (auto& worker : core_->workers) {
    uint64_t one = 1;
    (void)::write(worker->wake_fd, &one, sizeof one);
  }
  for (auto& worker : core_->workers) {
    if (worker->thread.joinable()) worker->thread.join();
  }
  ::close(core_->listen_fd);
  core_->listen_fd = -1;
  core_.reset();  // late replies keep it alive until they are done
}

}  // namespace

std::unique_ptr<HttpListener> make_native_listener(const HttpServerOptions& options, HttpHandler handler) {
  return std::make_unique<NativeListener>(options, std::move(handler));
}

}  // namespace spool
