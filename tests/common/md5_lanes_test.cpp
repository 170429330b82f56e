#include "common/md5_lanes.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <random>
#include <string>
#include <vector>

#include "common/random.h"

namespace spool {
namespace {

std::string hex_of(const Md5Digest& d) {
  return hex_encode(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

// The reference: OpenSSL's EVP MD5, one input at a time.
std::string reference_md5(std::string_view input) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EXPECT_EQ(EVP_Digest(input.data(), input.size(), digest, &length, EVP_md5(), nullptr), 1);
  return hex_encode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

std::vector<std::string> md5_all(const std::vector<std::string>& inputs) {
  std::vector<std::string_view> views(inputs.begin(), inputs.end());
  std::vector<Md5Digest> out(inputs.size());
  md5_many(views, out);
  std::vector<std::string> hex;
  for (const Md5Digest& d : out) hex.push_back(hex_of(d));
  return hex;
}

TEST(Md5LanesTest, MatchesRfc1321TestSuiteComputedTogether) {
  // RFC 1321 appendix A.5, all seven in one call so they share vector passes.
  const std::vector<std::string> inputs = {
      "",
      "a",
      "abc",
      "message digest",
      "abcdefghijklmnopqrstuvwxyz",
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
      "12345678901234567890123456789012345678901234567890123456789012345678901234567890"};
  const std::vector<std::string> expected = {
      "d41d8cd98f00b204e9800998ecf8427e", "0cc175b9c0f1b6a831c399e269772661", "900150983cd24fb0d6963f7d28e17f72",
      "f96b697d7cb7938d525a2f31aaf161d0", "c3fcd3d76192e4007dfb496cca67e13b", "d174ab98d277d9f5a5611c2c9f419d9f",
      "57edf4a22be3c955ac49da2e2107b67a"};
  EXPECT_EQ(md5_all(inputs), expected);
}

TEST(Md5LanesTest, PaddingBoundariesMatchOpenSsl) {
  // Lengths around the points where padding needs a second block (56) or where the
  // input fills whole blocks (64, 128), each in a lane of its own.
  std::vector<std::string> inputs;
  for (size_t n : {0, 1, 54, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129}) {
    inputs.push_back(std::string(n, static_cast<char>('a' + n % 26)));
  }
  const std::vector<std::string> got = md5_all(inputs);
  ASSERT_EQ(got.size(), inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) EXPECT_EQ(got[i], reference_md5(inputs[i])) << inputs[i].size();
}

TEST(Md5LanesTest, RandomBatchesOfEveryCountMatchOpenSsl) {
  // Batches of 1..20 inputs (whole and partial groups of eight, plus a scalar
  // leftover), with lengths differing widely inside a batch so lanes end at different
  // blocks, and arbitrary bytes (NUL and 0xFF included).
  std::mt19937 rng(20261127);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 700);
  for (int count = 1; count <= 20; ++count) {
    std::vector<std::string> inputs;
    for (int i = 0; i < count; ++i) {
      std::string s(length(rng), '\0');
      for (char& c : s) c = static_cast<char>(byte(rng));
      inputs.push_back(std::move(s));
    }
    if (count == 9) inputs[3] = std::string(70000, '\xFF');  // one long lane among short ones
    const std::vector<std::string> got = md5_all(inputs);
    for (int i = 0; i < count; ++i) EXPECT_EQ(got[i], reference_md5(inputs[i])) << "count " << count << " input " << i;
  }
}

}  // namespace
}  // namespace spool
