#include "storage/record_batch.h"

#include <gtest/gtest.h>

#include "tests/storage/storage_test_util.h"

namespace spool::record_batch {
namespace {

std::vector<RecordInput> two_records() {
  RecordInput a;
  a.key = "k";
  a.value = "v1";
  a.headers.push_back({"h", std::string_view("x")});
  a.timestamp_ms = 1700000000000;
  RecordInput b;  // null key, null value, no headers
  b.timestamp_ms = 1700000000005;
  return {a, b};
}

// The expected bytes come from an independent Python encoder of Kafka's v2 batch
// (struct.pack and a bitwise CRC32C), not from this code.
TEST(RecordBatch, GoldenBytes) {
  std::string batch = encode(two_records(), false);
  EXPECT_EQ(testing::hex(batch),
            "00 00 00 00 00 00 00 00 00 00 00 46 00 00 00 00 02 29 d1 61 f1 00 00 00 00 00 01 00 00 01 8b "
            "cf e5 68 00 00 00 01 8b cf e5 68 05 ff ff ff ff ff ff ff ff ff ff ff ff ff ff 00 00 00 02 1a 00 "
            "00 00 02 6b 04 76 31 02 02 68 02 78 0c 00 0a 02 01 01 00");
}

TEST(RecordBatch, BaseOffsetIsPatchedOutsideTheCrc) {
  std::string batch = encode(two_records(), false);
  set_base_offset(batch, 42);
  auto info = decode_header(batch);
  ASSERT_TRUE(info) << info.error().to_string();
  EXPECT_EQ(info->base_offset, 42);
  EXPECT_EQ(info->record_count, 2);
  EXPECT_EQ(info->next_offset(), 44);
  EXPECT_EQ(info->base_timestamp_ms, 1700000000000);
  EXPECT_EQ(info->max_timestamp_ms, 1700000000005);
  EXPECT_EQ(info->size, 82u);
}

TEST(RecordBatch, DecodesNullsHeadersAndFromAnOffsetInside) {
  std::string batch = encode(two_records(), false);
  set_base_offset(batch, 10);
  std::vector<RecordView> all;
  ASSERT_TRUE(decode_records(batch, 0, &all).ok());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].offset, 10);
  EXPECT_EQ(*all[0].key, "k");
  EXPECT_EQ(*all[0].value, "v1");
  ASSERT_EQ(all[0].headers.size(), 1u);
  EXPECT_EQ(all[0].headers[0].name, "h");
  EXPECT_EQ(*all[0].headers[0].value, "x");
  EXPECT_EQ(all[1].offset, 11);
  EXPECT_FALSE(all[1].key.has_value());
  EXPECT_FALSE(all[1].value.has_value());
  EXPECT_EQ(all[1].timestamp_ms, 1700000000005);
  std::vector<RecordView> tail;
  ASSERT_TRUE(decode_records(batch, 11, &tail).ok());
  ASSERT_EQ(tail.size(), 1u);
  EXPECT_EQ(tail[0].offset, 11);
}

TEST(RecordBatch, EmptyIsNotNull) {
  RecordInput r;
  r.key = "";
  r.value = "";
  r.timestamp_ms = 1;
  std::string batch = encode({r}, false);
  std::vector<RecordView> out;
  ASSERT_TRUE(decode_records(batch, 0, &out).ok());
  ASSERT_TRUE(out[0].key.has_value());
  EXPECT_EQ(*out[0].key, "");
  ASSERT_TRUE(out[0].value.has_value());
}

TEST(RecordBatch, LogAppendTimeGivesEveryRecordTheMaxTimestamp) {
  std::string batch = encode(two_records(), true);
  std::vector<RecordView> out;
  ASSERT_TRUE(decode_records(batch, 0, &out).ok());
  EXPECT_TRUE(out[0].log_append_time);
  EXPECT_EQ(out[0].timestamp_ms, 1700000000005);
}

// baseOffset (0-7) and partitionLeaderEpoch (12-15) lie outside Kafka's CRC by design;
// the partition log's frame CRC covers them on disk.
TEST(RecordBatch, EveryFlippedByteUnderTheLengthOrCrcIsCaught) {
  const std::string batch = encode(two_records(), false);
  for (size_t i = 8; i < batch.size(); ++i) {
    if (i >= 12 && i < 16) continue;
    std::string bad = batch;
    bad[i] = static_cast<char>(bad[i] ^ 0x40);
    auto info = decode_header(bad);
    EXPECT_FALSE(info) << "byte " << i;
    if (!info) {
      EXPECT_EQ(info.error().code(), Errc::kCorruption);
    }
  }
}

TEST(RecordBatch, RecordBytesCountKeyValueAndHeaders) {
  auto records = two_records();
  EXPECT_EQ(record_bytes(records[0]), 1u + 2u + 1u + 1u);
  EXPECT_EQ(record_bytes(records[1]), 0u);
}

}  // namespace
}  // namespace spool::record_batch
