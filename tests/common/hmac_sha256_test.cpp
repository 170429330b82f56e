#include "common/hmac_sha256.h"

#include <gtest/gtest.h>

#include <string>

namespace spool {
namespace {

std::string hex(const HmacSha256::Mac& mac) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : mac) {
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

// RFC 4231's test cases 1, 2 and 6 (a key longer than the block is hashed first).
TEST(HmacSha256, MatchesRfc4231) {
  EXPECT_EQ(hex(HmacSha256(std::string(20, '\x0b'))("Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hex(HmacSha256("Jefe")("what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hex(HmacSha256(std::string(131, '\xaa'))("Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256, SameKeyGivesTheSameMacEveryCall) {
  const HmacSha256 mac("key");
  EXPECT_EQ(mac("message"), mac("message"));
  EXPECT_NE(mac("message"), mac("messagf"));
  EXPECT_NE(mac("message"), HmacSha256("kez")("message"));
}

}  // namespace
}  // namespace spool
