#include "common/random.h"

#include <gtest/gtest.h>

#include <regex>
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

TEST(Uuid, IsVersion4Text) {
  std::regex shape("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string id = uuid_v4();
    EXPECT_TRUE(std::regex_match(id, shape)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 100u);
}

}  // namespace
}  // namespace spool
