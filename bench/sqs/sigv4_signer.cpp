#include "sigv4_signer.h"

// The low-level SHA256_* calls: OpenSSL 3's one-shot SHA256()/HMAC() fetch an algorithm
// by name and allocate a context on every call, which was most of this signer's cost.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <cstdio>
#include <cstring>

namespace spool_bench {
namespace {

void hex_into(const unsigned char* d, size_t n, std::string& out) {
  static const char* k = "0123456789abcdef";
  size_t at = out.size();
  out.resize(at + 2 * n);
  for (size_t i = 0; i < n; ++i) {
    out[at + 2 * i] = k[d[i] >> 4];
    out[at + 2 * i + 1] = k[d[i] & 15];
  }
}

void sha256_hex(std::string_view data, std::string& out) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data.data(), data.size());
  SHA256_Final(md, &ctx);
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
  signing_.mac(sts_, sig);
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
  unsigned char k_signing[32];
  hmac(a, 32, "aws4_request", k_signing);
  signing_ = KeyedSha256Hmac(k_signing);
  scope_ = key_date_ + "/" + region_ + "/sqs/aws4_request";
}

struct KeyedSha256Hmac::Pads {
  SHA256_CTX inner;
  SHA256_CTX outer;
};

KeyedSha256Hmac::KeyedSha256Hmac(const unsigned char key[32]) {
  // HMAC (RFC 2104) with a 32-byte key: the key padded to the 64-byte block, XORed with
  // 0x36 (inner) and 0x5c (outer); each pad's first block is hashed once, here.
  unsigned char pad[64];
  std::memset(pad, 0x36, sizeof pad);
  for (int i = 0; i < 32; ++i) pad[i] ^= key[i];
  auto pads = std::make_shared<Pads>();
  SHA256_Init(&pads->inner);
  SHA256_Update(&pads->inner, pad, sizeof pad);
  std::memset(pad, 0x5c, sizeof pad);
  for (int i = 0; i < 32; ++i) pad[i] ^= key[i];
  SHA256_Init(&pads->outer);
  SHA256_Update(&pads->outer, pad, sizeof pad);
  pads_ = std::move(pads);
}

void KeyedSha256Hmac::mac(std::string_view data, unsigned char out[32]) const {
  SHA256_CTX ctx = pads_->inner;
  SHA256_Update(&ctx, data.data(), data.size());
  unsigned char inner_md[32];
  SHA256_Final(inner_md, &ctx);
  ctx = pads_->outer;
  SHA256_Update(&ctx, inner_md, sizeof inner_md);
  SHA256_Final(out, &ctx);
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
