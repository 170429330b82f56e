#include "engine/receipt_handle.h"

#include <gtest/gtest.h>

namespace spool {
namespace {

const HmacSha256 kKey(std::string(32, 'k'));

TEST(ReceiptHandle, RoundTripsUnderTheSameKey) {
  std::string text = encode_receipt_handle({7, 123456789, 3}, kKey);
  EXPECT_EQ(text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  auto h = decode_receipt_handle(text, kKey);
  ASSERT_TRUE(h) << h.error().to_string();
  EXPECT_EQ(h->queue_id, 7u);
  EXPECT_EQ(h->seq, 123456789u);
  EXPECT_EQ(h->receive_count, 3u);
  auto peeked = peek_receipt_handle(text);
  ASSERT_TRUE(peeked);
  EXPECT_EQ(peeked->seq, 123456789u);
}

// Clients hold handles across restarts and upgrades, so the text form must not drift. The
// expected text is computed independently: base64url(0x01 | u64le 7 | u64le 123456789 |
// u32le 3 | HMAC-SHA256(32 x 'k', those 21 bytes)[0:12]) with Python's hmac and base64.
TEST(ReceiptHandle, TheTextFormIsStable) {
  constexpr std::string_view kText = "AQcAAAAAAAAAFc1bBwAAAAADAAAAk6-qGk1IRZ4_ztUf";
  EXPECT_EQ(encode_receipt_handle({7, 123456789, 3}, kKey), kText);
  auto h = decode_receipt_handle(kText, kKey);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->queue_id, 7u);
  EXPECT_EQ(h->seq, 123456789u);
  EXPECT_EQ(h->receive_count, 3u);
}

TEST(ReceiptHandle, EachReceiveGetsANewHandle) {
  EXPECT_NE(encode_receipt_handle({7, 1, 1}, kKey), encode_receipt_handle({7, 1, 2}, kKey));
}

TEST(ReceiptHandle, RejectsForgeriesAndGarbage) {
  std::string text = encode_receipt_handle({7, 1, 1}, kKey);
  EXPECT_EQ(decode_receipt_handle(text, HmacSha256(std::string(32, 'x'))).status().code(), Errc::kReceiptHandleInvalid);
  std::string flipped = text;
  flipped[5] = flipped[5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(decode_receipt_handle(flipped, kKey));
  ASSERT_EQ(text.size(), 44u);
  for (std::string bad : {std::string(), std::string("abc"), std::string("!!!!"),
                          std::string("AQEAAAAAAAAAAQAAAAAAAAABAAAAH7vjiBWldhcxMBuSAAAA"), text + "A",
                          text.substr(0, 43), text.substr(0, 43) + "="}) {
    EXPECT_EQ(decode_receipt_handle(bad, kKey).status().code(), Errc::kReceiptHandleInvalid) << bad;
  }
}

}  // namespace
}  // namespace spool
