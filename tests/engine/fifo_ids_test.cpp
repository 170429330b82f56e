#include "engine/fifo_ids.h"

#include <gtest/gtest.h>

namespace spool {
namespace {

TEST(FifoIds, LettersDigitsAndPunctuationUpTo128) {
  EXPECT_TRUE(validate_fifo_id("MessageGroupId", "order-42_A.b!~{}").ok());
  EXPECT_TRUE(validate_fifo_id("MessageGroupId", std::string(128, 'x')).ok());
  Status too_long = validate_fifo_id("MessageGroupId", std::string(129, 'x'));
  EXPECT_EQ(too_long.code(), Errc::kInvalidArgument);
  Status space = validate_fifo_id("MessageDeduplicationId", "a b");
  EXPECT_EQ(space.code(), Errc::kInvalidArgument);
  EXPECT_NE(space.message().find("parameter MessageDeduplicationId is invalid"), std::string::npos);
  EXPECT_EQ(validate_fifo_id("MessageGroupId", "").code(), Errc::kInvalidArgument);
  EXPECT_EQ(validate_fifo_id("MessageGroupId", "caf\xc3\xa9").code(), Errc::kInvalidArgument);
}

TEST(FifoIds, ContentDeduplicationIdIsTheBodysSha256) {
  // SHA-256("abc"), FIPS 180-2 appendix B.1.
  EXPECT_EQ(content_deduplication_id("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(validate_fifo_id("MessageDeduplicationId", content_deduplication_id("x")).ok());
}

}  // namespace
}  // namespace spool
