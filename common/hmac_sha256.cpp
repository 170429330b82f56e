// OpenSSL 3 marks the low-level SHA256_* functions deprecated, but they are the only
// interface whose state is a plain struct that can be copied: EVP contexts cost an
// allocation per copy, which is what this file exists to avoid.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "common/hmac_sha256.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace spool {

struct HmacSha256::Pads {
  SHA256_CTX inner;
  SHA256_CTX outer;
};

HmacSha256::HmacSha256(std::string_view key) : pads_(std::make_unique<Pads>()) {
  constexpr size_t kBlock = SHA256_CBLOCK;
  unsigned char block[kBlock] = {};
  if (key.size() > kBlock) {
    SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), block);
  } else {
    for (size_t i = 0; i < key.size(); ++i) block[i] = static_cast<unsigned char>(key[i]);
  }
  unsigned char pad[kBlock];
  for (size_t i = 0; i < kBlock; ++i) pad[i] = block[i] ^ 0x36;
  SHA256_Init(&pads_->inner);
  SHA256_Update(&pads_->inner, pad, kBlock);
  for (size_t i = 0; i < kBlock; ++i) pad[i] = block[i] ^ 0x5c;
  SHA256_Init(&pads_->outer);
  SHA256_Update(&pads_->outer, pad, kBlock);
  OPENSSL_cleanse(block, kBlock);
  OPENSSL_cleanse(pad, kBlock);
}

HmacSha256::~HmacSha256() {
  if (pads_) OPENSSL_cleanse(pads_.get(), sizeof(Pads));
}
HmacSha256::HmacSha256(HmacSha256&&) noexcept = default;

HmacSha256::Mac HmacSha256::operator()(std::string_view message) const {
  Mac inner_digest;
  SHA256_CTX ctx = pads_->inner;
  SHA256_Update(&ctx, message.data(), message.size());
  SHA256_Final(inner_digest.data(), &ctx);
  Mac out;
  ctx = pads_->outer;
  SHA256_Update(&ctx, inner_digest.data(), inner_digest.size());
  SHA256_Final(out.data(), &ctx);
  return out;
}

}  // namespace spool
