#include "storage/log_format.h"

#include <gtest/gtest.h>

#include <string>

#include "storage/coding.h"
#include "tests/storage/storage_test_util.h"

namespace spool {
namespace {

using testing::hex;

std::string bytes_of(const uint8_t* p, size_t n) { return std::string(reinterpret_cast<const char*>(p), n); }

TEST(LogFormat, SegmentHeaderMatchesGoldenBytes) {
  log_format::SegmentHeader h;
  h.kind = log_format::kKindShardLog;
  h.owner = 3;
  h.topic_id = 0;
  h.base = SeqNo{100};
  h.created_ms = 1'700'000'000'000;
  uint8_t buf[log_format::kSegmentHeaderSize];
  log_format::encode_segment_header(h, buf);
  // Also in docs/format.md "Worked example".
  EXPECT_EQ(hex(bytes_of(buf, sizeof buf)),
            "53 50 4f 4f 4c 53 45 47 01 00 01 00 03 00 00 00 "
            "00 00 00 00 00 00 00 00 64 00 00 00 00 00 00 00 "
            "00 68 e5 cf 8b 01 00 00 00 00 00 00 dd 9d 9f 23");
  const char* why = "";
  auto back = log_format::decode_segment_header(buf, &why);
  ASSERT_TRUE(back.has_value()) << why;
  EXPECT_EQ(back->base, SeqNo{100});
  EXPECT_EQ(back->owner, 3u);
  EXPECT_EQ(back->created_ms, 1'700'000'000'000u);
}

TEST(LogFormat, FrameMatchesSpecGoldenBytes) {
  // Spec section 4: a DELETE (type 4) of seq 42 in queue 7, group 0, at LSN 100.
  std::string payload;
  coding::put_fixed64(&payload, 7);
  coding::put_fixed32(&payload, 1);
  coding::put_fixed64(&payload, 42);
  coding::put_fixed64(&payload, 0);
  std::string frame(log_format::kFrameHeaderSize + payload.size(), '\0');
  auto* dst = reinterpret_cast<uint8_t*>(frame.data());
  log_format::encode_frame_header(SeqNo{100}, 0x04, 0, payload, dst);
  frame.replace(log_format::kFrameHeaderSize, payload.size(), payload);
  EXPECT_EQ(hex(frame),
            "be 3c 0d b9 1c 00 00 00 64 00 00 00 00 00 00 00 04 00 00 00 "
            "07 00 00 00 00 00 00 00 01 00 00 00 2a 00 00 00 00 00 00 00 "
            "00 00 00 00 00 00 00 00");
  auto h = log_format::decode_frame_header(dst);
  EXPECT_EQ(h.length, 28u);
  EXPECT_EQ(h.seq, SeqNo{100});
  EXPECT_EQ(h.type, 4);
  EXPECT_TRUE(log_format::frame_crc_matches(h, dst));
}

TEST(LogFormat, EveryFlippedByteOfAFrameFailsItsCrc) {
  std::string payload = "payload bytes";
  std::string frame(log_format::kFrameHeaderSize + payload.size(), '\0');
  auto* dst = reinterpret_cast<uint8_t*>(frame.data());
  log_format::encode_frame_header(SeqNo{7}, 0x01, 0, payload, dst);
  frame.replace(log_format::kFrameHeaderSize, payload.size(), payload);
  for (size_t i = 0; i < frame.size(); ++i) {
    std::string bad = frame;
    bad[i] ^= 0x10;
    auto* p = reinterpret_cast<const uint8_t*>(bad.data());
    auto h = log_format::decode_frame_header(p);
    if (h.length != payload.size()) continue;  // a changed length is caught before the CRC
    EXPECT_FALSE(log_format::frame_crc_matches(h, p)) << "byte " << i;
  }
}

TEST(LogFormat, SegmentHeaderRejectsDamage) {
  log_format::SegmentHeader h;
  h.base = SeqNo{5};
  uint8_t buf[log_format::kSegmentHeaderSize];
  log_format::encode_segment_header(h, buf);
  for (size_t i = 0; i < sizeof buf; ++i) {
    uint8_t bad[sizeof buf];
    std::copy(buf, buf + sizeof buf, bad);
    bad[i] ^= 0x01;
    const char* why = "";
    EXPECT_FALSE(log_format::decode_segment_header(bad, &why).has_value()) << "byte " << i;
  }
}

TEST(LogFormat, SealPayloadRoundTrips) {
  log_format::SealPayload s{SeqNo{11}, 10, 4096, 1, 2, -1};
  uint8_t buf[log_format::kSealPayloadSize];
  log_format::encode_seal_payload(s, buf);
  auto back = log_format::decode_seal_payload(buf);
  EXPECT_EQ(back.next_seq, SeqNo{11});
  EXPECT_EQ(back.frames, 10u);
  EXPECT_EQ(back.bytes, 4096u);
  EXPECT_EQ(back.max_timestamp_ms, -1);
}

TEST(Coding, FixedWidthIsLittleEndian) {
  std::string s;
  coding::put_fixed16(&s, 0x0102);
  coding::put_fixed32(&s, 0x03040506);
  coding::put_fixed64(&s, 0x0708090a0b0c0d0eull);
  EXPECT_EQ(hex(s), "02 01 06 05 04 03 0e 0d 0c 0b 0a 09 08 07");
  auto* p = reinterpret_cast<const uint8_t*>(s.data());
  EXPECT_EQ(coding::decode_fixed16(p), 0x0102);
  EXPECT_EQ(coding::decode_fixed32(p + 2), 0x03040506u);
  EXPECT_EQ(coding::decode_fixed64(p + 6), 0x0708090a0b0c0d0eull);
}

}  // namespace
}  // namespace spool
