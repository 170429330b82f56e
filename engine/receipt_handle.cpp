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
  // 33 bytes are eleven 3-byte groups: four characters each, no padding, no remainder.
  static_assert(kRawBytes % 3 == 0 && kTextBytes == kRawBytes / 3 * 4);
  std::string out(kTextBytes, '\0');
  char* p = out.data();
  for (size_t i = 0; i < kRawBytes; i += 3) {
    const uint32_t group = (uint32_t{raw[i]} << 16) | (uint32_t{raw[i + 1]} << 8) | raw[i + 2];
    *p++ = kAlphabet[group >> 18];
    *p++ = kAlphabet[(group >> 12) & 0x3f];
    *p++ = kAlphabet[(group >> 6) & 0x3f];
    *p++ = kAlphabet[group & 0x3f];
  }
  return out;
}

// The 33 bytes of a 44-character handle (264 bits: no spare bits, so one spelling per
// handle), or false.
bool unbase64url(std::string_view text, Raw* raw) {
  if (text.size() != kTextBytes) return false;
  for (size_t i = 0, o = 0; i < kTextBytes; i += 4, o += 3) {
    const int a = kValues[static_cast<uint8_t>(text[i])], b = kValues[static_cast<uint8_t>(text[i + 1])];
    const int c = kValues[static_cast<uint8_t>(text[i + 2])], d = kValues[static_cast<uint8_t>(text[i + 3])];
    if ((a | b | c | d) < 0) return false;
    const uint32_t group = (static_cast<uint32_t>(a) << 18) | (static_cast<uint32_t>(b) << 12) |
                           (static_cast<uint32_t>(c) << 6) | static_cast<uint32_t>(d);
    (*raw)[o] = static_cast<uint8_t>(group >> 16);
    (*raw)[o + 1] = static_cast<uint8_t>(group >> 8);
    (*raw)[o + 2] = static_cast<uint8_t>(group);
  }
  return true;
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
