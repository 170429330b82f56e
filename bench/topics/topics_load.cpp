// spool_bench_topics: produce and fetch throughput of the topics API over HTTP against a
// running spoold (bench/topics/run.sh starts one).
//
// For each record size (100 B, 1 KiB) and batch size (1, 100, 1000 records per request):
//   produce:         C connections, connection i sends POST /v1/topics/<t>/partitions/<i>/records
//                    with the same prebuilt JSON body again and again for --seconds; a
//                    request counts when its 200 reply (after the group commit) arrives;
//   produce-batches: the same through POST .../partitions/<i>/batches, the body one
//                    Kafka v2 batch of `batch` records (application/vnd.spool.kafka-batch);
//   fetch:           C connections, connection i reads partition i from offset 0 with
//                    max_records = batch, following next_offset and wrapping at the end;
//   fetch-batches:   the same through GET .../batches with max_bytes = batch x record
//                    size (at least one stored batch comes), following Spool-Next-Offset.
// Records/s counts records acknowledged or returned; MB/s counts record values (the
// record size times records), not HTTP bytes. Every loop is bounded by time and count.
// --only picks one of the four operations.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "auth/canonical_request.h"
#include "storage/record_batch.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr uint64_t kMaxRequestsPerConnection = 2'000'000;  // the count bound of every loop

struct Args {
  std::string host = "127.0.0.1";
  int port = 9324;
  double seconds = 5;
  int connections = 4;
  std::string only;  // "produce", "produce-batches", "fetch" or "fetch-batches"; empty = all
  int size = 0;      // only this record size; 0 = 100 and 1024
  int batch = 0;     // only this batch size; 0 = 1, 100 and 1000
  uint64_t requests = kMaxRequestsPerConnection;  // per connection, at most
  int fill_records = 20'000;  // per partition, before fetches when nothing was produced
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
           const std::string& payload, const std::string& payload_hash, std::string* body,
           const char* content_type = "application/json") {
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
                      "\r\nContent-Type: " + content_type + "\r\nContent-Length: " + std::to_string(payload.size()) +
                      "\r\n\r\n";
    if (!send_all(req) || !send_all(payload)) return -1;
    return read_response(body);
  }
  // A header of the last response (name lower-case), or -1 when absent.
  int64_t header_int(std::string_view name) const {
    size_t at = head_.find(std::string(name) + ":");
    return at == std::string::npos ? -1 : std::strtoll(head_.c_str() + at + name.size() + 1, nullptr, 10);
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
    head_.assign(buf_, 0, header_end);
    for (auto& c : head_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    size_t cl = head_.find("content-length:");
    if (cl != std::string::npos) length = std::strtoull(head_.c_str() + cl + 15, nullptr, 10);
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
  std::string head_;  // headers of the last response, lower-cased
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

// One Kafka v2 batch of `batch` records of `size` bytes (record_batch::encode, the
// encoder the server itself uses for JSON produce).
std::string batch_body(int batch, int size) {
  std::string value(static_cast<size_t>(size), 'x');
  std::vector<spool::record_batch::RecordInput> records(static_cast<size_t>(batch));
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
  for (auto& r : records) {
    r.value = std::string_view(value);
    r.timestamp_ms = now_ms;
  }
  return spool::record_batch::encode(records, false);
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
  const std::string json_body = produce_body(batch, size);
  const std::string raw_body = batch_body(batch, size);
  const std::string json_hash = spool::sigv4::sha256_hex(json_body);
  const std::string raw_hash = spool::sigv4::sha256_hex(raw_body);
  const std::string empty_hash = spool::sigv4::sha256_hex("");
  const char* kBatchType = "application/vnd.spool.kafka-batch";
  auto wanted = [&](std::string_view op) { return a.only.empty() || a.only == op; };
  auto partition_path = [&](int c, const char* what) {
    return "/v1/topics/" + topic + "/partitions/" + std::to_string(c) + "/" + what;
  };
  // Runs `one(conn, c)` on C connections until the deadline; it returns the records of
  // one request, or -1 for an error and -2 for a dead connection.
  auto measure = [&](const char* op, const std::function<int64_t(Connection&, int)>& one) {
    Totals t;
    auto start = Clock::now();
    auto deadline = start + std::chrono::duration<double>(a.seconds);
    std::vector<std::thread> threads;
    for (int c = 0; c < a.connections; ++c) {
      threads.emplace_back([&, c] {
        Connection conn(a);
        for (uint64_t i = 0; i < a.requests && Clock::now() < deadline; ++i) {
          int64_t n = one(conn, c);
          if (n < 0) {
            ++t.errors;
            if (n == -2) return;
            continue;
          }
          ++t.requests;
          t.records += static_cast<uint64_t>(n);
        }
      });
    }
    for (auto& th : threads) th.join();
    report(op, size, batch, a, t, std::chrono::duration<double>(Clock::now() - start).count());
  };
  bool produced = false;
  if (wanted("produce")) {
    produced = true;
    measure("produce", [&](Connection& conn, int c) -> int64_t {
      std::string reply;
      int st = conn.call("POST", partition_path(c, "records"), "", json_body, json_hash, &reply);
      if (st < 0) return -2;
      if (st != 200 || reply.find("\"failed_record_count\":0") == std::string::npos) return -1;
      return batch;
    });
  }
  if (wanted("produce-batches")) {
    produced = true;
    measure("produce-batches", [&](Connection& conn, int c) -> int64_t {
      std::string reply;
      int st = conn.call("POST", partition_path(c, "batches"), "", raw_body, raw_hash, &reply, kBatchType);
      if (st < 0) return -2;
      if (st != 200 || json_int(reply, "\"record_count\":") != batch) return -1;
      return batch;
    });
  }
  if (!produced) {
    // Nothing was produced in this run: fill each partition with >= --fill records first.
    std::vector<std::thread> fillers;
    for (int c = 0; c < a.connections; ++c) {
      fillers.emplace_back([&, c] {
        Connection conn(a);
        std::string reply;
        for (int i = 0; i < (a.fill_records + batch - 1) / batch; ++i) {
          conn.call("POST", partition_path(c, "batches"), "", raw_body, raw_hash, &reply, kBatchType);
        }
      });
    }
    for (auto& th : fillers) th.join();
  }
  if (wanted("fetch")) {
    std::vector<int64_t> offsets(static_cast<size_t>(a.connections), 0);
    measure("fetch", [&](Connection& conn, int c) -> int64_t {
      std::string reply;
      int64_t& offset = offsets[static_cast<size_t>(c)];
      std::string query = "max_bytes=16777216&max_records=" + std::to_string(batch) + "&offset=" + std::to_string(offset);
      int st = conn.call("GET", partition_path(c, "records"), query, "", empty_hash, &reply);
      if (st < 0) return -2;
      if (st != 200) return -1;
      size_t n = count(reply, "{\"offset\":");
      int64_t next = json_int(reply, "\"next_offset\":");
      int64_t hwm = json_int(reply, "\"high_watermark\":");
      offset = (n == 0 || next >= hwm) ? 0 : next;
      return static_cast<int64_t>(n);
    });
  }
  if (wanted("fetch-batches")) {
    std::vector<int64_t> offsets(static_cast<size_t>(a.connections), 0);
    const std::string max_bytes = std::to_string(static_cast<int64_t>(batch) * size);
    measure("fetch-batches", [&](Connection& conn, int c) -> int64_t {
      std::string reply;
      int64_t& offset = offsets[static_cast<size_t>(c)];
      std::string query = "max_bytes=" + max_bytes + "&offset=" + std::to_string(offset);
      int st = conn.call("GET", partition_path(c, "batches"), query, "", empty_hash, &reply);
      if (st < 0) return -2;
      if (st != 200) return -1;
      int64_t next = conn.header_int("spool-next-offset");
      int64_t hwm = conn.header_int("spool-high-watermark");
      if (next < 0 || hwm < 0) return -1;
      int64_t n = next - offset;  // records from the asked offset on
      offset = (n <= 0 || next >= hwm) ? 0 : next;
      return n;
    });
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
    } else if (k == "--requests") {
      a.requests = std::min<uint64_t>(std::strtoull(v.c_str(), nullptr, 10), kMaxRequestsPerConnection);
    } else if (k == "--fill") {
      a.fill_records = std::atoi(v.c_str());
    } else {
      std::fprintf(stderr, "usage: %s [--endpoint 127.0.0.1:9324] [--seconds 5] [--connections 4] "
                           "[--only produce|produce-batches|fetch|fetch-batches] [--size B] [--batch N]\n"
                           "  [--requests N per connection] [--fill records per partition before fetches]\n", argv[0]);
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
