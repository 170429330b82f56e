#include "storage/crc32c.h"

#include <gtest/gtest.h>

#include <string>

namespace spool {
namespace {

TEST(Crc32c, MatchesKnownVectors) {
  EXPECT_EQ(crc32c::value("123456789"), 0xe3069283u);
  // RFC 3720 B.4: 32 bytes of zeros, of 0xff, ascending and descending.
  std::string zeros(32, '\0'), ones(32, '\xff'), up(32, '\0'), down(32, '\0');
  for (int i = 0; i < 32; ++i) {
    up[i] = static_cast<char>(i);
    down[i] = static_cast<char>(31 - i);
  }
  EXPECT_EQ(crc32c::value(zeros), 0x8a9136aau);
  EXPECT_EQ(crc32c::value(ones), 0x62a8ab43u);
  EXPECT_EQ(crc32c::value(up), 0x46dd794eu);
  EXPECT_EQ(crc32c::value(down), 0x113fdb5cu);
  EXPECT_EQ(crc32c::value(""), 0u);
}

TEST(Crc32c, ExtendEqualsWholeValue) {
  std::string s = "hello crc32c, this spans more than eight bytes";
  for (size_t split = 0; split <= s.size(); ++split) {
    uint32_t part = crc32c::value(s.data(), split);
    EXPECT_EQ(crc32c::extend(part, s.data() + split, s.size() - split), crc32c::value(s));
  }
}

TEST(Crc32c, HardwareAndTablePathsAgree) {
  std::string s;
  for (int i = 0; i < 1000; ++i) s.push_back(static_cast<char>(i * 131 + 7));
  for (size_t len : {0, 1, 7, 8, 9, 63, 64, 999, 1000}) {
    for (size_t start : {0, 1, 3}) {
      if (start + len > s.size()) continue;
      EXPECT_EQ(crc32c::extend_portable_for_test(0, s.data() + start, len),
                crc32c::value(s.data() + start, len));
    }
  }
}

TEST(Crc32c, MaskRoundTripsAndDiffers) {
  uint32_t crc = crc32c::value("foo");
  EXPECT_NE(crc32c::mask(crc), crc);
  EXPECT_NE(crc32c::mask(crc32c::mask(crc)), crc);
  EXPECT_EQ(crc32c::unmask(crc32c::mask(crc)), crc);
  EXPECT_EQ(crc32c::unmask(crc32c::mask(crc32c::mask(crc))), crc32c::mask(crc));
  EXPECT_EQ(crc32c::mask(0x28f30b45u), 0xb90d3cbeu);  // spec section 4 example
}

}  // namespace
}  // namespace spool
