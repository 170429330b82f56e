#pragma once

// The generator's own SigV4 signer (service sqs, HMAC-SHA256 from OpenSSL): deliberately
// not Spool's auth code, so a bug there can't hide behind the same bug here. Signed
// headers: content-type;host;x-amz-date;x-amz-target. bench/sqs/sigv4_ref.py checks it
// against botocore's SigV4Auth.

#include <ctime>
#include <memory>
#include <string>
#include <string_view>

namespace spool_bench {

inline constexpr std::string_view kContentType = "application/x-amz-json-1.0";

// HMAC-SHA256 under one fixed 32-byte key, with both pads' first blocks hashed once.
class KeyedSha256Hmac {
 public:
  KeyedSha256Hmac() = default;
  explicit KeyedSha256Hmac(const unsigned char key[32]);
  void mac(std::string_view data, unsigned char out[32]) const;

 private:
  struct Pads;  // the two SHA-256 states (OpenSSL's deprecated type stays in the .cpp)
  std::shared_ptr<const Pads> pads_;
};

class Signer {
 public:
  Signer(std::string akid, std::string secret, std::string region)
      : akid_(std::move(akid)), secret_(std::move(secret)), region_(std::move(region)) {}

  // amz_date is "yyyymmddThhmmssZ". Returns the Authorization header value.
  std::string authorization(std::string_view amz_date, std::string_view host, std::string_view content_type,
                            std::string_view target, std::string_view body);

 private:
  void derive(std::string_view date);

  std::string akid_, secret_, region_;
  std::string key_date_, scope_;
  KeyedSha256Hmac signing_;  // keyed with the day's signing key
  std::string canon_, sts_;
};

// X-Amz-Date, recomputed once per second per caller.
class AmzDate {
 public:
  const std::string& now();

 private:
  time_t last_ = 0;
  std::string value_;
};

// A complete signed HTTP/1.1 request for AmazonSQS.<action> with `body`, into `out`.
void build_request(Signer& signer, const std::string& amz_date, const std::string& host,
                   std::string_view action, std::string_view body, std::string& out);

}  // namespace spool_bench
