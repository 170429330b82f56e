// The native HTTP engine over real loopback sockets: keep-alive, pipelining, replies from
// other threads, oversized and malformed requests, 100-continue, large responses, stop.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/http_server.h"

namespace spool {
namespace {

struct Response {
  int status = 0;
  std::string head;
  std::string body;
};

// A blocking loopback client with a 5 s receive timeout, so a broken server fails the
// test instead of hanging it.
class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~Client() { ::close(fd_); }

  bool connected() const { return connected_; }
  void finish_sending() { ::shutdown(fd_, SHUT_WR); }

  void send(const std::string& bytes) {
    size_t at = 0;
    while (at < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + at, bytes.size() - at, MSG_NOSIGNAL);
      if (n <= 0) return;
      at += static_cast<size_t>(n);
    }
  }

  // One response; status 0 when the connection closed or timed out first.
  Response read_response() {
    Response r;
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return r;
    }
    r.head = buffer_.substr(0, end + 4);
    buffer_.erase(0, end + 4);
    r.status = std::stoi(r.head.substr(9, 3));
    size_t length = 0;
    size_t at = r.head.find("Content-Length: ");
    if (at != std::string::npos) length = std::stoul(r.head.substr(at + 16));
    if (r.status == 100) return r;
    while (buffer_.size() < length) {
      if (!fill()) return Response{};
    }
    r.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return r;
  }

  // Everything until the server closes (or the timeout).
  std::string read_all() {
    while (fill()) {
    }
    return std::move(buffer_);
  }

  // True when the server closed the connection (a read returns 0) within the timeout.
  bool closed_by_server() {
    char c;
    return buffer_.empty() && ::recv(fd_, &c, 1, 0) == 0;
  }

 private:
  bool fill() {
    char chunk[65536];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_;
  bool connected_ = false;
  std::string buffer_;
};

std::string post(const std::string& path, const std::string& body, const std::string& extra = "") {
  return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         extra + "\r\n" + body;
}

class NativeListenerTest : public testing::Test {
 protected:
  void SetUp() override { start(); }
  void TearDown() override {
    server_->stop();
    for (auto& t : repliers_) t.join();
  }

  void start() {
    HttpServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    options.max_body_bytes = 4096;
    options.engine = HttpEngine::kNative;
    server_ = std::make_unique<HttpServer>(options, [this](HttpRequest request, Reply reply) {
      handle(std::move(request), std::move(reply));
    });
    ASSERT_TRUE(server_->start().ok());
    ASSERT_NE(server_->port(), 0);
  }

  // /echo answers the body; /later answers from another thread; /big answers 8 MiB;
  // /hold keeps the reply until release_held().
  void handle(HttpRequest request, Reply reply) {
    HttpResponse response;
    response.headers.push_back({"X-Path", request.path});
    if (request.path == "/echo") {
      response.body = request.method + " " + request.body;
      return reply(std::move(response));
    }
    if (request.path == "/later") {
      response.body = "later " + request.body;
      std::lock_guard<std::mutex> lock(mutex_);
      repliers_.emplace_back([reply = std::move(reply), response = std::move(response)]() mutable {
        reply(std::move(response));
      });
      return;
    }
    if (request.path == "/big") {
      response.body.assign(8 << 20, 'b');
      response.body.back() = 'e';
      return reply(std::move(response));
    }
    if (request.path == "/hold") {
      std::lock_guard<std::mutex> lock(mutex_);
      held_.push_back(std::move(reply));
      return;
    }
    response.status = 404;
    reply(std::move(response));
  }

  // Waits until the handler holds `n` replies (bounded: 5 s).
  size_t wait_for_held(size_t n) {
    for (int i = 0; i < 500; ++i) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (held_.size() >= n) return held_.size();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::lock_guard<std::mutex> lock(mutex_);
    return held_.size();
  }

  std::unique_ptr<HttpServer> server_;
  std::mutex mutex_;
  std::vector<std::thread> repliers_;
  std::vector<Reply> held_;
};

TEST_F(NativeListenerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  Client client(server_->port());
  ASSERT_TRUE(client.connected());
  for (int i = 0; i < 3; ++i) {
    client.send(post("/echo", "n" + std::to_string(i)));
    Response r = client.read_response();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "POST n" + std::to_string(i));
    EXPECT_NE(r.head.find("X-Path: /echo\r\n"), std::string::npos);
    EXPECT_EQ(r.head.find("Connection: close"), std::string::npos);
  }
}

TEST_F(NativeListenerTest, PipelinedRequestsAreAnsweredInOrderEvenWhenRepliesComeFromOtherThreads) {
  Client client(server_->port());
  client.send(post("/later", "one") + post("/echo", "two") + post("/later", "three"));
  EXPECT_EQ(client.read_response().body, "later one");
  EXPECT_EQ(client.read_response().body, "POST two");
  EXPECT_EQ(client.read_response().body, "later three");
}

// Connections are edge-triggered: input that arrives while a request is with the
// handler raises its one edge then, and must still be read once the reply is out.
TEST_F(NativeListenerTest, InputThatArrivesWhileARequestIsBusyIsReadAfterTheReply) {
  Client client(server_->port());
  client.send(post("/hold", "first"));
  ASSERT_EQ(wait_for_held(1), 1u);
  client.send(post("/echo", "second"));
  // Only makes the interesting order likely (the worker sees the input while the first
  // request is busy); the answers must be the same in any order of events.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  HttpResponse held;
  held.body = "held first";
  held_[0](std::move(held));
  EXPECT_EQ(client.read_response().body, "held first");
  EXPECT_EQ(client.read_response().body, "POST second");
  client.send(post("/echo", "third"));
  EXPECT_EQ(client.read_response().body, "POST third");
}

TEST_F(NativeListenerTest, AClientThatHalfClosesAfterItsRequestGetsTheAnswerThenTheClose) {
  // The FIN can arrive with the request and raise no edge of its own.
  for (const std::string path : {"/echo", "/later"}) {
    Client client(server_->port());
    client.send(post(path, "last"));
    client.finish_sending();
    Response r = client.read_response();
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_NE(r.body.find("last"), std::string::npos) << path;
    EXPECT_TRUE(client.closed_by_server()) << path;
  }
}

TEST_F(NativeListenerTest, ARequestSentInPiecesIsReadAsEachArrives) {
  Client client(server_->port());
  const std::string request = post("/echo", "pieces");
  for (size_t at = 0; at < request.size(); at += 7) {
    client.send(request.substr(at, 7));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_EQ(client.read_response().body, "POST pieces");
}

TEST_F(NativeListenerTest, ManyRoundTripsAnsweredFromOtherThreadsOnOneConnection) {
  // Each reply hands the connection back without re-registering it; every next request
  // must still be seen.
  Client client(server_->port());
  for (int i = 0; i < 200; ++i) {
    client.send(post("/later", std::to_string(i)));
    ASSERT_EQ(client.read_response().body, "later " + std::to_string(i)) << "round " << i;
  }
}

TEST_F(NativeListenerTest, ARequestPipelinedBehindOneThatFillsAWholeReadIsAnswered) {
  // The first request is exactly one 64 KiB read, so it can end on a read that did not
  // drain the socket: the next one then raises no new edge and must be read all the same.
  std::string first;
  for (size_t n = 65000; first.size() != 65536; ++n) first = post("/echo", std::string(n, 'x'));
  Client client(server_->port());
  client.send(first + post("/echo", "next"));
  EXPECT_EQ(client.read_response().status, 413);
  EXPECT_EQ(client.read_response().body, "POST next");
}

TEST_F(NativeListenerTest, AnOversizedBodyGets413AndTheConnectionStaysUsable) {
  Client client(server_->port());
  client.send(post("/echo", std::string(100000, 'x')));
  Response r = client.read_response();
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.body, "HTTP content length exceeded 4096 bytes.");
  client.send(post("/echo", "after"));
  EXPECT_EQ(client.read_response().body, "POST after");
}

TEST_F(NativeListenerTest, AMalformedRequestGets400AndTheConnectionCloses) {
  Client client(server_->port());
  client.send("NOT HTTP AT ALL\r\n\r\n");
  Response r = client.read_response();
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.head.find("Connection: close\r\n"), std::string::npos);
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(NativeListenerTest, ConnectionCloseIsHonoured) {
  Client client(server_->port());
  client.send(post("/echo", "bye", "Connection: close\r\n"));
  Response r = client.read_response();
  EXPECT_EQ(r.body, "POST bye");
  EXPECT_NE(r.head.find("Connection: close\r\n"), std::string::npos);
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(NativeListenerTest, ExpectContinueGets100BeforeTheBody) {
  Client client(server_->port());
  client.send("POST /echo HTTP/1.1\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  Response interim = client.read_response();
  EXPECT_EQ(interim.status, 100);
  client.send("body");
  Response r = client.read_response();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "POST body");
}

TEST_F(NativeListenerTest, ChunkedRequestBodiesAreDecoded) {
  Client client(server_->port());
  client.send("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  EXPECT_EQ(client.read_response().body, "POST abcde");
}

TEST_F(NativeListenerTest, ALargeResponseArrivesWhole) {
  Client client(server_->port());
  client.send(post("/big", ""));
  Response r = client.read_response();
  ASSERT_EQ(r.body.size(), size_t{8} << 20);
  EXPECT_EQ(r.body.front(), 'b');
  EXPECT_EQ(r.body.back(), 'e');
  client.send(post("/echo", "next"));
  EXPECT_EQ(client.read_response().body, "POST next");
}

TEST_F(NativeListenerTest, HeadAnnouncesTheLengthWithoutABody) {
  Client client(server_->port());
  client.send("HEAD /echo HTTP/1.1\r\nConnection: close\r\n\r\n");
  std::string all = client.read_all();
  EXPECT_EQ(all.substr(0, 17), "HTTP/1.1 200 OK\r\n");
  EXPECT_NE(all.find("Content-Length: 5\r\n"), std::string::npos);  // "HEAD " is not sent
  EXPECT_EQ(all.substr(all.size() - 4), "\r\n\r\n");
}

TEST_F(NativeListenerTest, ManyConnectionsAtOnce) {
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 50; ++i) clients.push_back(std::make_unique<Client>(server_->port()));
  for (int i = 0; i < 50; ++i) clients[i]->send(post("/echo", std::to_string(i)));
  for (int i = 0; i < 50; ++i) EXPECT_EQ(clients[i]->read_response().body, "POST " + std::to_string(i));
}

TEST_F(NativeListenerTest, AReplyAfterStopIsHarmless) {
  Client client(server_->port());
  client.send(post("/hold", ""));
  ASSERT_EQ(wait_for_held(1), 1u);
  server_->stop();
  HttpResponse late;
  late.body = "late";
  held_[0](std::move(late));  // answers if it can, then closes; must not crash
  Response r = client.read_response();
  EXPECT_EQ(r.body, "late");
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(NativeListenerTest, StopClosesIdleKeepAliveConnections) {
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<Client>(server_->port()));
    clients.back()->send(post("/echo", "x"));
    EXPECT_EQ(clients.back()->read_response().body, "POST x");  // now idle, kept alive
  }
  server_->stop();
  for (auto& c : clients) EXPECT_TRUE(c->closed_by_server());
}

TEST(NativeListenerBindTest, ABusyPortIsUnavailable) {
  HttpServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  HttpServer first(options, [](HttpRequest, Reply reply) { reply(HttpResponse()); });
  ASSERT_TRUE(first.start().ok());
  options.port = first.port();
  HttpServer second(options, [](HttpRequest, Reply reply) { reply(HttpResponse()); });
  Status st = second.start();
  EXPECT_EQ(st.code(), Errc::kUnavailable);
  EXPECT_NE(st.message().find("cannot listen on 127.0.0.1:" + std::to_string(options.port)), std::string::npos);
}

}  // namespace
}  // namespace spool
