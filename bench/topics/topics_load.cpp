// spool_bench_topics: produce and fetch throughput of the topics API over HTTP against a
// running spoold (bench/topics/run.sh starts one).
//
// For each record size (100 B, 1 KiB) and batch size (1, 100, 1000 records per request):
//   produce: C connections, connection i sends POST /v1/topics/<t>/partitions/<i>/records
//            with the same prebuilt body again and again for --seconds; a request counts
//            when its 200 reply (after the group commit) arrives;
//   fetch:   C connections, connection i reads partition i from offset 0 with
//            max_records = batch, following next_offset and wrapping at the end.
// Records/s counts records acknowledged or returned; MB/s counts record values (the
// record size times records), not HTTP bytes. Every loop is bounded by time and count.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "auth/canonical_request.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr uint64_t kMaxRequestsPerConnection = 2'000'000;  // the count bound of every loop

struct Args {
  std::string host = "127.0.0.1";
  int port = 9324;
  double seconds = 5;
  int connections = 4;
  std::string only;  // "produce" or "fetch"; empty = both
  int size = 0;      // only this record size; 0 = 100 and 1024
  int batch = 0;     // only this batch size; 0 = 1, 100 and 1000
};

// One keep-alive HTTP/1.1 connection with a SigV4 signer for key test/test.
class Connection {
 public:
  Connection(const Args& a) : args_(a) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(a.port));
    ::inet_pton(AF_INET, a.host.c_str(), &addr.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      std::perror("connect");
      std::exit(1);
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    host_ = a.host + ":" + std::to_string(a.port);
  }
  ~Connection() { ::close(fd_); }

  // Sends a signed request; returns the status and fills `body`. payload_hash may be
  // precomputed (the same body is sent many times).
  int call(const std::string& method, const std::string& path, const std::string& query,
           const std::string& payload, const std::string& payload_hash, std::string* body) {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char amz[17], date[9];
    std::strftime(amz, sizeof amz, "%Y%m%dT%H%M%SZ", &tm);
    std::strftime(date, sizeof date, "%Y%m%d", &tm);
    if (date != key_date_) {
      key_ = spool::sigv4::derive_signing_key("test", date, "us-east-1", "sqs");
      key_date_ = date;
    }
    std::vector<spool::sigv4::Header> headers = {{"host", host_}, {"x-amz-date", amz}};
    const std::string signed_headers = "host;x-amz-date";
    std::string canonical = spool::sigv4::canonical_request(
        method, spool::sigv4::canonical_uri(path),
        spool::sigv4::canonical_query(spool::parse_form(query)),
        spool::sigv4::canonical_headers(headers, signed_headers), signed_headers, payload_hash);
    std::string scope = spool::sigv4::credential_scope(date, "us-east-1", "sqs");
    std::string signature =
        spool::sigv4::signature_hex(key_, spool::sigv4::string_to_sign(amz, scope, canonical));
    std::string req = method + " " + path + (query.empty() ? "" : "?" + query) + " HTTP/1.1\r\nHost: " + host_ +
                      "\r\nX-Amz-Date: " + amz + "\r\nAuthorization: AWS4-HMAC-SHA256 Credential=test/" + scope +
                      ", SignedHeaders=" + signed_headers + ", Signature=" + signature +
                      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(payload.size()) +
                      "\r\n\r\n";
    if (!send_all(req) || !send_all(payload)) return -1;
    return read_response(body);
  }

 private:
  bool send_all(const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
      ssize_t n = ::send(fd_, s.data() + off, s.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }
  int read_response(std::string* body) {
    size_t header_end;
    while ((header_end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return -1;
    }
    int status = std::atoi(buf_.c_str() + 9);
    size_t length = 0;
    std::string head = buf_.substr(0, header_end);
    for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    size_t cl = head.find("content-length:");
    if (cl != std::string::npos) length = std::strtoull(head.c_str() + cl + 15, nullptr, 10);
    while (buf_.size() < header_end + 4 + length) {
      if (!fill()) return -1;
    }
    body->assign(buf_, header_end + 4, length);
    buf_.erase(0, header_end + 4 + length);
    return status;
  }
  bool fill() {
    char tmp[65536];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }

  const Args& args_;
  int fd_;
  std::string host_;
  std::string buf_;
  std::string key_date_;
  spool::sigv4::SigningKey key_{};
};

std::string produce_body(int batch, int size) {
  std::string value(static_cast<size_t>(size), 'x');
  std::string body = "{\"records\":[";
  for (int i = 0; i < batch; ++i) {
    if (i > 0) body += ',';
    body += "{\"value\":\"" + value + "\"}";
  }
  return body + "]}";
}

size_t count(const std::string& s, std::string_view needle) {
  size_t n = 0;
  for (size_t at = s.find(needle); at != std::string::npos; at = s.find(needle, at + needle.size())) ++n;
  return n;
}

int64_t json_int(const std::string& s, std::string_view field) {
  size_t at = s.find(field);
  return at == std::string::npos ? -1 : std::strtoll(s.c_str() + at + field.size(), nullptr, 10);
}

struct Totals {
  std::atomic<uint64_t> requests{0}, records{0}, errors{0};
};

void report(const char* op, int size, int batch, const Args& a, const Totals& t, double secs) {
  double rps = static_cast<double>(t.records) / secs;
  std::printf("| %s | %d B | %d | %d | %.0f | %.1f | %.0f | %llu |\n", op, size, batch, a.connections, rps,
              rps * size / 1e6, static_cast<double>(t.requests) / secs,
              static_cast<unsigned long long>(t.errors.load()));
  std::fflush(stdout);
}

void run_case(const Args& a, int size, int batch) {
  const std::string topic = "bench-" + std::to_string(size) + "-" + std::to_string(batch);
  {
    Connection admin(a);
    std::string reply;
    int st = admin.call("POST", "/v1/topics", "",
                        "{\"name\":\"" + topic + "\",\"partitions\":" + std::to_string(a.connections) + "}",
                        spool::sigv4::sha256_hex("{\"name\":\"" + topic + "\",\"partitions\":" +
                                                 std::to_string(a.connections) + "}"),
                        &reply);
    if (st != 201 && st != 409) {
      std::fprintf(stderr, "create %s: %d %s\n", topic.c_str(), st, reply.c_str());
      std::exit(1);
    }
  }
  const std::string body = produce_body(batch, size);
  const std::string body_hash = spool::sigv4::sha256_hex(body);
  const std::string empty_hash = spool::sigv4::sha256_hex("");
  if (a.only.empty() || a.only == "produce") {
    Totals t;
    auto start = Clock::now();
    auto deadline = start + std::chrono::duration<double>(a.seconds);
    std::vector<std::thread> threads;
    for (int c = 0; c < a.connections; ++c) {
      threads.emplace_back([&, c] {
        Connection conn(a);
        const std::string path = "/v1/topics/" + topic + "/partitions/" + std::to_string(c) + "/records";
        std::string reply;
        for (uint64_t i = 0; i < kMaxRequestsPerConnection && Clock::now() < deadline; ++i) {
          int st = conn.call("POST", path, "", body, body_hash, &reply);
          if (st != 200 || reply.find("\"failed_record_count\":0") == std::string::npos) {
            ++t.errors;
            if (st < 0) return;
            continue;
          }
          ++t.requests;
          t.records += static_cast<uint64_t>(batch);
        }
      });
    }
    for (auto& th : threads) th.join();
    report("produce", size, batch, a, t, std::chrono::duration<double>(Clock::now() - start).count());
  }
  if (a.only == "fetch") {
    // Nothing was produced in this run: fill each partition with >= 20,000 records first.
    std::vector<std::thread> fillers;
    for (int c = 0; c < a.connections; ++c) {
      fillers.emplace_back([&, c] {
        Connection conn(a);
        const std::string path = "/v1/topics/" + topic + "/partitions/" + std::to_string(c) + "/records";
        std::string reply;
        for (int i = 0; i < (20'000 + batch - 1) / batch; ++i) conn.call("POST", path, "", body, body_hash, &reply);
      });
    }
    for (auto& th : fillers) th.join();
  }
  if (a.only.empty() || a.only == "fetch") {
    Totals t;
    auto start = Clock::now();
    auto deadline = start + std::chrono::duration<double>(a.seconds);
    std::vector<std::thread> threads;
    for (int c = 0; c < a.connections; ++c) {
      threads.emplace_back([&, c] {
        Connection conn(a);
        const std::string path = "/v1/topics/" + topic + "/partitions/" + std::to_string(c) + "/records";
        std::string reply;
        int64_t offset = 0;
        for (uint64_t i = 0; i < kMaxRequestsPerConnection && Clock::now() < deadline; ++i) {
          std::string query = "max_bytes=16777216&max_records=" + std::to_string(batch) +
                              "&offset=" + std::to_string(offset);
          int st = conn.call("GET", path, query, "", empty_hash, &reply);
          if (st != 200) {
            ++t.errors;
            if (st < 0) return;
            continue;
          }
          ++t.requests;
          size_t n = count(reply, "{\"offset\":");
          t.records += n;
          int64_t next = json_int(reply, "\"next_offset\":");
          int64_t hwm = json_int(reply, "\"high_watermark\":");
          offset = (n == 0 || next >= hwm) ? 0 : next;
        }
      });
    }
    for (auto& th : threads) th.join();
    report("fetch", size, batch, a, t, std::chrono::duration<double>(Clock::now() - start).count());
  }
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--endpoint") {
      a.host = v.substr(0, v.find(':'));
      a.port = std::atoi(v.substr(v.find(':') + 1).c_str());
    } else if (k == "--seconds") {
      a.seconds = std::atof(v.c_str());
    } else if (k == "--connections") {
      a.connections = std::atoi(v.c_str());
    } else if (k == "--only") {
      a.only = v;
    } else if (k == "--size") {
      a.size = std::atoi(v.c_str());
    } else if (k == "--batch") {
      a.batch = std::atoi(v.c_str());
    } else {
      std::fprintf(stderr, "usage: %s [--endpoint 127.0.0.1:9324] [--seconds 5] [--connections 4] "
                           "[--only produce|fetch] [--size B] [--batch N]\n", argv[0]);
      return 2;
    }
  }
  if (a.host != "127.0.0.1" && a.host != "localhost") {
    std::fprintf(stderr, "loopback endpoints only\n");
    return 2;
  }
  std::printf("| op | record | batch | connections | records/s | MB/s | req/s | errors |\n");
  std::printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  for (int size : {100, 1024}) {
    for (int batch : {1, 100, 1000}) {
      if ((a.size == 0 || a.size == size) && (a.batch == 0 || a.batch == batch)) run_case(a, size, batch);
    }
  }
  return 0;
}
