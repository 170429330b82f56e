#include "sigv4_signer.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <cstdio>

namespace spool_bench {
namespace {

void hex_into(const unsigned char* d, size_t n, std::string& out) {
  static const char* k = "0123456789abcdef";
  for (size_t i = 0; i < n; ++i) {
    out.push_back(k[d[i] >> 4]);
    out.push_back(k[d[i] & 15]);
  }
}

void sha256_hex(std::string_view data, std::string& out) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  hex_into(md, sizeof md, out);
}

void hmac(const unsigned char* key, size_t key_len, std::string_view data, unsigned char out[32]) {
  unsigned int len = 32;
  HMAC(EVP_sha256(), key, static_cast<int>(key_len),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
}

}  // namespace

std::string Signer::authorization(std::string_view amz_date, std::string_view host, std::string_view content_type,
                                  std::string_view target, std::string_view body) {
  std::string_view date = amz_date.substr(0, 8);
  if (date != key_date_) derive(date);
  canon_.clear();
  canon_.append("POST\n/\n\ncontent-type:").append(content_type);
  canon_.append("\nhost:").append(host);
  canon_.append("\nx-amz-date:").append(amz_date);
  canon_.append("\nx-amz-target:").append(target);
  canon_.append("\n\ncontent-type;host;x-amz-date;x-amz-target\n");
  sha256_hex(body, canon_);
  sts_.clear();
  sts_.append("AWS4-HMAC-SHA256\n").append(amz_date).append("\n").append(scope_).append("\n");
  sha256_hex(canon_, sts_);
  unsigned char sig[32];
  hmac(k_signing_, sizeof k_signing_, sts_, sig);
  std::string auth;
  auth.reserve(200);
  auth.append("AWS4-HMAC-SHA256 Credential=").append(akid_).append("/").append(scope_);
  auth.append(", SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=");
  hex_into(sig, sizeof sig, auth);
  return auth;
}

void Signer::derive(std::string_view date) {
  key_date_ = std::string(date);
  std::string k0 = "AWS4" + secret_;
  unsigned char a[32], b[32];
  hmac(reinterpret_cast<const unsigned char*>(k0.data()), k0.size(), date, a);
  hmac(a, 32, region_, b);
  hmac(b, 32, "sqs", a);
  hmac(a, 32, "aws4_request", k_signing_);
  scope_ = key_date_ + "/" + region_ + "/sqs/aws4_request";
}

const std::string& AmzDate::now() {
  time_t t = time(nullptr);
  if (t != last_) {
    last_ = t;
    tm g;
    gmtime_r(&t, &g);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &g);
    value_ = buf;
  }
  return value_;
}

void build_request(Signer& signer, const std::string& amz_date, const std::string& host,
                   std::string_view action, std::string_view body, std::string& out) {
  std::string target = "AmazonSQS.";
  target.append(action);
  std::string auth = signer.authorization(amz_date, host, kContentType, target, body);
  out.clear();
  out.reserve(body.size() + 512);
  out.append("POST / HTTP/1.1\r\nHost: ").append(host);
  out.append("\r\nContent-Type: ").append(kContentType);
  out.append("\r\nX-Amz-Target: ").append(target);
  out.append("\r\nX-Amz-Date: ").append(amz_date);
  out.append("\r\nAuthorization: ").append(auth);
  out.append("\r\nContent-Length: ").append(std::to_string(body.size()));
  out.append("\r\n\r\n").append(body);
}

}  // namespace spool_bench
