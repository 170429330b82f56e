// spool_bench_sigv4: the cost of verify_sigv4 on the request bench/sqs's `send` scenario
// sends (JSON SendMessage, 256-byte body, signed headers content-type;host;x-amz-date;
// x-amz-target), through the production CredentialStore and verifier.
//
//   spool_bench_sigv4 [--seconds=2] [--threads=1]
//
// Prints one line per case, `case ns_per_verify verifies_per_s`: "warm" is the steady
// state (the thread's derived-key cache holds the key); "derive-each-time" cycles through
// more keys than that cache holds, so every verification derives its signing key.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "auth/canonical_request.h"
#include "auth/credentials.h"
#include "auth/secret_box.h"
#include "auth/sigv4.h"
#include "common/clock.h"
#include "tests/fakes/memory_catalog.h"

namespace {

using namespace spool;
using Steady = std::chrono::steady_clock;

constexpr const char* kAccount = "123456789012";
constexpr const char* kRegion = "us-east-1";
constexpr const char* kHost = "127.0.0.1:9324";

struct Signed {
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

Signed sign_send_message(const std::string& key_id, const std::string& secret, int64_t now_ms) {
  std::time_t t = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char amz_date[20];
  std::strftime(amz_date, sizeof amz_date, "%Y%m%dT%H%M%SZ", &tm);
  std::string date(amz_date, 8);
  Signed s;
  s.body = std::string(R"({"QueueUrl":"http://127.0.0.1:9324/123456789012/bench","MessageBody":")") +
           std::string(256, 'x') + "\"}";
  s.headers = {{"content-type", "application/x-amz-json-1.0"},
               {"host", kHost},
               {"x-amz-date", amz_date},
               {"x-amz-target", "AmazonSQS.SendMessage"},
               {"content-length", std::to_string(s.body.size())}};
  const std::string signed_headers = "content-type;host;x-amz-date;x-amz-target";
  std::string canonical = sigv4::canonical_request(
      "POST", "/", "", sigv4::canonical_headers(s.headers, signed_headers), signed_headers,
      sigv4::sha256_hex(s.body));
  std::string scope = sigv4::credential_scope(date, kRegion, "sqs");
  std::string signature = sigv4::signature_hex(sigv4::derive_signing_key(secret, date, kRegion, "sqs"),
                                               sigv4::string_to_sign(amz_date, scope, canonical));
  s.headers.emplace_back("authorization", "AWS4-HMAC-SHA256 Credential=" + key_id + "/" + scope +
                                              ", SignedHeaders=" + signed_headers + ", Signature=" + signature);
  return s;
}

double run_case(const CredentialStore& store, const std::vector<Signed>& requests, double seconds, int threads,
                int64_t now_ms) {
  std::atomic<uint64_t> total{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> workers;
  auto deadline = Steady::now() + std::chrono::duration<double>(seconds);
  auto start = Steady::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      uint64_t n = 0;
      while (Steady::now() < deadline) {
        for (int i = 0; i < 64; ++i, ++n) {
          const Signed& s = requests[n % requests.size()];
          SignedRequest request{"POST", "/", "", s.headers, s.body};
          if (!verify_sigv4(request, store, kRegion, now_ms)) failed = true;
        }
      }
      total += n;
    });
  }
  for (auto& w : workers) w.join();
  double elapsed = std::chrono::duration<double>(Steady::now() - start).count();
  if (failed) {
    std::fprintf(stderr, "a signature did not verify\n");
    std::exit(1);
  }
  return static_cast<double>(total) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2;
  int threads = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--seconds=", 0) == 0) seconds = std::atof(a.c_str() + 10);
    else if (a.rfind("--threads=", 0) == 0) threads = std::atoi(a.c_str() + 10);
    else {
      std::fprintf(stderr, "usage: spool_bench_sigv4 [--seconds=2] [--threads=1]\n");
      return 2;
    }
  }
  MemoryCatalog catalog;
  SecretBox box(std::string(32, 'k'));
  SystemClock clock;
  int64_t now_ms = clock.now_ms();
  if (!catalog.create_account(Account{kAccount, "bench", now_ms, {}}).ok()) return 1;
  std::vector<Signed> warm, cold;
  // More keys than the per-thread cache holds (1024), cycled: every lookup misses.
  for (int i = 0; i < 1500; ++i) {
    std::string id = "BENCHKEY" + std::to_string(1000 + i);
    std::string secret = "secret-" + std::to_string(i) + std::string(30, 's');
    if (!catalog.create_access_key(AccessKeyRecord{id, kAccount, box.seal(id, secret), true, now_ms}).ok()) return 1;
    if (i == 0) warm.push_back(sign_send_message(id, secret, now_ms));
    cold.push_back(sign_send_message(id, secret, now_ms));
  }
  auto store = CredentialStore::start(catalog, box, std::chrono::hours(1));
  if (!store) return 1;
  for (const auto& [label, requests] : {std::pair{"warm", &warm}, std::pair{"derive-each-time", &cold}}) {
    double per_s = run_case(**store, *requests, seconds, threads, now_ms);
    std::printf("%s %.0f %.0f\n", label, 1e9 * threads / per_s, per_s);
  }
  return 0;
}
