#include "common/random.h"

#include <gtest/gtest.h>

#include <cstring>
#include <set>

namespace spool {
namespace {

TEST(Random, BytesHaveTheAskedLengthAndDiffer) {
  std::string a = random_bytes(32), b = random_bytes(32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
}

TEST(Random, StringUsesOnlyTheAlphabet) {
  std::string s = random_string(1000, "ab");
  EXPECT_EQ(s.size(), 1000u);
  EXPECT_EQ(s.find_first_not_of("ab"), std::string::npos);
  // Both symbols appear: 1000 draws from two equally likely symbols.
  EXPECT_NE(s.find('a'), std::string::npos);
  EXPECT_NE(s.find('b'), std::string::npos);
}

TEST(Hex, RoundTrips) {
  std::string raw("\x00\x01\xfe\xff", 4);
  EXPECT_EQ(hex_encode(raw), "0001feff");
  std::string back;
  ASSERT_TRUE(hex_decode("0001FEff", &back));
  EXPECT_EQ(back, raw);
}

TEST(Hex, RejectsOddLengthAndNonHex) {
  std::string out;
  EXPECT_FALSE(hex_decode("abc", &out));
  EXPECT_FALSE(hex_decode("zz", &out));
}

// 8-4-4-4-12 lower-case hex, version nibble 4, variant 10xx. Checked by hand: std::regex
// draws a g++ 12 -Wmaybe-uninitialized false positive in optimized sanitizer builds.
bool is_uuid_v4(const std::string& id) {
  if (id.size() != 36) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (id[i] == '-')) return false;
    if (!dash && std::string_view("0123456789abcdef").find(id[i]) == std::string_view::npos) return false;
  }
  return id[14] == '4' && std::string_view("89ab").find(id[19]) != std::string_view::npos;
}

TEST(Uuid, IsVersion4Text) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string id = uuid_v4();
    EXPECT_TRUE(is_uuid_v4(id)) << id;
    seen.insert(id);
  }
  EXPECT_FALSE(is_uuid_v4("00000000-0000-1000-8000-000000000000"));
  EXPECT_EQ(seen.size(), 100u);
}

TEST(Uuid, TextOfGivenBytes) {
  const std::string bytes("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\xaa\xbb\xcc\xdd\xee\xff", 16);
  char out[38];
  std::memset(out, '#', sizeof out);
  uuid_text_to(bytes, out + 1);
  EXPECT_EQ(std::string(out, sizeof out), "#00010203-0405-0607-0809-aabbccddeeff#");
}

}  // namespace
}  // namespace spool
