#include "engine/queue_records.h"

#include <gtest/gtest.h>

#include "common/random.h"

namespace spool {
namespace {

EnqueueRecord sample() {
  EnqueueRecord r;
  r.queue_id = 42;
  r.message_id.fill(0x11);
  r.sent_ms = 1'700'000'000'123;
  r.visible_at_ms = 1'700'000'005'123;
  r.md5_body.fill(0x22);
  r.md5_attributes = std::string(16, '\x33');
  r.trace_header = "Root=1-abc";
  r.sender_id = "test";
  r.attributes = {{"a", "String", "x"}, {"b", "Binary", std::string("\x00\x01", 2)}};
  r.body = "hello";
  return r;
}

// Pins the on-disk layout: a change here is a format change (docs/format.md).
TEST(QueueRecords, DeleteRecordGoldenBytes) {
  std::string payload = encode_delete(7, {42, 43});
  EXPECT_EQ(hex_encode(payload),
            "0700000000000000"  // queue_id
            "02000000"          // n
            "2a00000000000000"  // seq 42
            "2b00000000000000");
}

TEST(QueueRecords, MessageIdTextIsTheUuidSpelling) {
  const std::string raw("\x12\x34\x56\x78\x9a\xbc\x4d\xef\x80\x11\x22\x33\x44\x55\x66\xff", 16);
  EXPECT_EQ(message_id_text(raw), "12345678-9abc-4def-8011-2233445566ff");
}

TEST(QueueRecords, EnqueueRoundTrips) {
  EnqueueRecord r = sample();
  auto back = decode_enqueue(encode_enqueue(r));
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->queue_id, 42u);
  EXPECT_EQ(back->message_id, r.message_id);
  EXPECT_EQ(back->sent_ms, r.sent_ms);
  EXPECT_EQ(back->visible_at_ms, r.visible_at_ms);
  EXPECT_EQ(back->md5_attributes, r.md5_attributes);
  EXPECT_EQ(back->trace_header, "Root=1-abc");
  EXPECT_EQ(back->sender_id, "test");
  EXPECT_EQ(back->attributes, r.attributes);
  EXPECT_EQ(back->body, "hello");
  auto header = decode_enqueue_header(encode_enqueue(r));
  ASSERT_TRUE(header);
  EXPECT_EQ(header->queue_id, 42u);
  EXPECT_EQ(header->sent_ms, r.sent_ms);
}

TEST(QueueRecords, EveryTruncationOfAnEnqueueIsCorruption) {
  std::string payload = encode_enqueue(sample());
  for (size_t cut = 0; cut < payload.size(); ++cut) {
    auto r = decode_enqueue(std::string_view(payload).substr(0, cut));
    ASSERT_FALSE(r) << cut;
    EXPECT_EQ(r.error().code(), Errc::kCorruption);
  }
  EXPECT_FALSE(decode_enqueue(payload + "x"));
}

TEST(QueueRecords, StateRecordsRoundTrip) {
  uint64_t queue = 0;
  std::vector<ReceiveItem> received;
  ASSERT_TRUE(decode_receive(encode_receive(9, {{5, 2, 1000, 900}}), &queue, &received).ok());
  EXPECT_EQ(queue, 9u);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].seq, 5u);
  EXPECT_EQ(received[0].receive_count, 2u);
  EXPECT_EQ(received[0].visible_at_ms, 1000);
  EXPECT_EQ(received[0].first_receive_ms, 900);

  std::vector<VisibilityItem> visibility;
  ASSERT_TRUE(decode_visibility(encode_visibility(9, {{5, 77}}), &queue, &visibility).ok());
  EXPECT_EQ(visibility[0].visible_at_ms, 77);

  uint64_t up_to = 0;
  ASSERT_TRUE(decode_purge(encode_purge(9, 123), &queue, &up_to).ok());
  EXPECT_EQ(up_to, 123u);
  ASSERT_TRUE(decode_queue_drop(encode_queue_drop(11), &queue).ok());
  EXPECT_EQ(queue, 11u);
}

TEST(QueueRecords, ImplausibleCountsAreRejectedWithoutAllocating) {
  std::string payload = encode_delete(7, {1});
  payload[8] = '\xff';  // n = 0xff000001 with only 8 bytes behind it
  payload[11] = '\xff';
  uint64_t queue = 0;
  std::vector<uint64_t> seqs;
  EXPECT_EQ(decode_delete(payload, &queue, &seqs).code(), Errc::kCorruption);
}

}  // namespace
}  // namespace spool
