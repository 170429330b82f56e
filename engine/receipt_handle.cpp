#include "engine/receipt_handle.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>

#include "storage/coding.h"

namespace spool {
namespace {

using namespace coding;

constexpr uint8_t kVersion = 1;
constexpr size_t kFieldBytes = 1 + 8 + 8 + 4;
constexpr size_t kMacBytes = 12;
constexpr size_t kRawBytes = kFieldBytes + kMacBytes;   // 33
constexpr size_t kTextBytes = (kRawBytes * 8 + 5) / 6;  // 44 characters, no padding
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

using Raw = std::array<uint8_t, kRawBytes>;

// The value of each base64url character, -1 for any other byte.
constexpr std::array<int8_t, 256> kValues = [] {
  std::array<int8_t, 256> v{};
  for (auto& x : v) x = -1;
  for (int i = 0; i < 64; ++i) v[static_cast<uint8_t>(kAlphabet[i])] = static_cast<int8_t>(i);
  return v;
}();

std::string base64url(const Raw& raw) {
  std::string out;
  out.reserve(kTextBytes);
  uint32_t acc = 0;
  int bits = 0;
  for (uint8_t c : raw) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(acc >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kAlphabet[(acc << (6 - bits)) & 0x3f];
  return out;
}

// The 33 bytes of a 44-character handle (264 bits: no spare bits, so one spelling per
// handle), or false.
bool unbase64url(std::string_view text, Raw* raw) {
  if (text.size() != kTextBytes) return false;
  uint32_t acc = 0;
  int bits = 0;
  size_t n = 0;
  for (char c : text) {
    const int v = kValues[static_cast<uint8_t>(c)];
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      (*raw)[n++] = static_cast<uint8_t>((acc >> bits) & 0xff);
    }
  }
  return n == kRawBytes;
}

std::string_view fields_of(const Raw& raw) { return {reinterpret_cast<const char*>(raw.data()), kFieldBytes}; }

Status invalid() {
  return Status(Errc::kReceiptHandleInvalid, "The input receipt handle is invalid.");
}

}  // namespace

std::string encode_receipt_handle(const ReceiptHandle& handle, const HmacSha256& shard_key) {
  Raw raw;
  raw[0] = kVersion;
  encode_fixed64(raw.data() + 1, handle.queue_id);
  encode_fixed64(raw.data() + 9, handle.seq);
  encode_fixed32(raw.data() + 17, handle.receive_count);
  const HmacSha256::Mac mac = shard_key(fields_of(raw));
  std::copy(mac.begin(), mac.begin() + kMacBytes, raw.begin() + kFieldBytes);
  return base64url(raw);
}

namespace {

Result<ReceiptHandle> read_fields(std::string_view text, Raw* raw) {
  if (!unbase64url(text, raw) || (*raw)[0] != kVersion) return invalid();
  return ReceiptHandle{decode_fixed64(raw->data() + 1), decode_fixed64(raw->data() + 9),
                       decode_fixed32(raw->data() + 17)};
}

}  // namespace

Result<ReceiptHandle> peek_receipt_handle(std::string_view text) {
  Raw raw;
  return read_fields(text, &raw);
}

Result<ReceiptHandle> decode_receipt_handle(std::string_view text, const HmacSha256& shard_key) {
  Raw raw;
  auto handle = read_fields(text, &raw);
  if (!handle) return handle;
  const HmacSha256::Mac expected = shard_key(fields_of(raw));
  if (CRYPTO_memcmp(expected.data(), raw.data() + kFieldBytes, kMacBytes) != 0) return invalid();
  return handle;
}

}  // namespace spool
