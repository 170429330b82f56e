#include "engine/fifo_ids.h"

#include <openssl/evp.h>

namespace spool {
namespace {

constexpr size_t kMaxIdLength = 128;

bool allowed(unsigned char c) {
  // Printable ASCII without the space: letters, digits and the punctuation set.
  return c > 0x20 && c < 0x7f;
}

}  // namespace

Status validate_fifo_id(std::string_view parameter, std::string_view value) {
  auto invalid = [&](std::string_view reason) {
    return Status(Errc::kInvalidArgument, "Value " + std::string(value) + " for parameter " +
                                              std::string(parameter) + " is invalid. Reason: " +
                                              std::string(reason));
  };
  if (value.empty()) return invalid(std::string(parameter) + " must not be empty.");
  if (value.size() > kMaxIdLength) {
    return invalid(std::string(parameter) + " can only include up to 128 characters.");
  }
  for (unsigned char c : value) {
    if (!allowed(c)) {
      return invalid(std::string(parameter) +
                     " can only include alphanumeric and punctuation characters. 1 to 128 in length.");
    }
  }
  return Status();
}

std::string content_deduplication_id(std::string_view body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // Fails only on a broken OpenSSL installation (SHA-256 is in the default provider).
  if (EVP_Digest(body.data(), body.size(), digest, &length, EVP_sha256(), nullptr) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

}  // namespace spool
