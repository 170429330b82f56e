#include "storage/record_batch.h"

#include <gtest/gtest.h>

#include "storage/crc32c.h"
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


// The batch of GoldenBytes above, as a client would send it (from the independent
// Python encoder; baseOffset 0).
const char* const kClientBatchHex =
    "00 00 00 00 00 00 00 00 00 00 00 46 00 00 00 00 02 29 d1 61 f1 00 00 00 00 00 01 00 00 01 8b "
    "cf e5 68 00 00 00 01 8b cf e5 68 05 ff ff ff ff ff ff ff ff ff ff ff ff ff ff 00 00 00 02 1a 00 "
    "00 00 02 6b 04 76 31 02 02 68 02 78 0c 00 0a 02 01 01 00";

std::string from_hex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size();) {
    if (hex[i] == ' ') {
      ++i;
      continue;
    }
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    i += 2;
  }
  return out;
}

// Rewrites a field inside the CRC and fixes the CRC, so only the field is wrong.
void put_and_fix_crc(std::string& batch, size_t at, std::string_view bytes) {
  batch.replace(at, bytes.size(), bytes);
  uint32_t crc = crc32c::value(batch.data() + 21, batch.size() - 21);
  for (int i = 0; i < 4; ++i) batch[17 + i] = static_cast<char>(crc >> (8 * (3 - i)));
}

TEST(IncomingBatches, SplitsConcatenatedBatchesAndReportsTheirRecords) {
  std::string one = from_hex(kClientBatchHex);
  ASSERT_EQ(one.size(), 82u);
  std::string body = one + one;
  body[7] = 99;  // baseOffset is ignored (and outside the CRC)
  auto batches = split_incoming(body);
  ASSERT_TRUE(batches) << batches.error().to_string();
  ASSERT_EQ(batches->size(), 2u);
  EXPECT_EQ((*batches)[0].at, 0u);
  EXPECT_EQ((*batches)[1].at, 82u);
  EXPECT_EQ((*batches)[0].info.base_offset, 99);
  EXPECT_EQ((*batches)[1].info.record_count, 2);
  EXPECT_EQ((*batches)[1].info.size, 82u);
  EXPECT_EQ((*batches)[1].first_timestamp_ms, 1700000000000);
  EXPECT_EQ((*batches)[1].last_timestamp_ms, 1700000000005);
  EXPECT_EQ((*batches)[1].max_record_bytes, 5u);  // "k" + "v1" + "h" + "x"
  EXPECT_EQ((*batches)[1].max_headers, 1u);
  EXPECT_EQ((*batches)[1].attributes, 0);
}

TEST(IncomingBatches, ABadCrcNamesTheBatchAndItsPosition) {
  std::string one = from_hex(kClientBatchHex);
  std::string second = one;
  second[75] = 'w';  // "v1" -> "w1", CRC left as it was
  auto batches = split_incoming(one + second);
  ASSERT_FALSE(batches);
  EXPECT_EQ(batches.error().code(), Errc::kInvalidRecord);
  EXPECT_EQ(batches.error().message(), "batch 1 at byte 82: CRC mismatch");
}

TEST(IncomingBatches, RefusesOtherMagicCompressionTransactionsAndLogAppendTimeIsKept) {
  std::string magic1 = from_hex(kClientBatchHex);
  magic1[16] = 1;
  EXPECT_EQ(split_incoming(magic1).error().message(), "batch 0 at byte 0: magic is 1; only 2 is accepted");
  std::string gzip = from_hex(kClientBatchHex);
  put_and_fix_crc(gzip, 21, std::string("\x00\x01", 2));
  EXPECT_EQ(split_incoming(gzip).error().message(), "batch 0 at byte 0: compressed batches are not supported yet");
  std::string transactional = from_hex(kClientBatchHex);
  put_and_fix_crc(transactional, 21, std::string("\x00\x10", 2));
  EXPECT_EQ(split_incoming(transactional).error().message(),
            "batch 0 at byte 0: transactional and control batches are not supported");
  std::string log_append = from_hex(kClientBatchHex);
  put_and_fix_crc(log_append, 21, std::string("\x00\x08", 2));
  auto ok = split_incoming(log_append);
  ASSERT_TRUE(ok);
  EXPECT_EQ((*ok)[0].attributes, kAttrLogAppendTime);
}

TEST(IncomingBatches, RefusesTruncatedTrailingAndMiscountedBytes) {
  std::string one = from_hex(kClientBatchHex);
  EXPECT_EQ(split_incoming("").error().message(), "the body holds no record batch");
  EXPECT_EQ(split_incoming(one.substr(0, 60)).error().message(),
            "batch 0 at byte 0: shorter than the 61-byte batch header");
  EXPECT_EQ(split_incoming(one + one.substr(0, 81)).error().message(),
            "batch 1 at byte 82: batchLength 70 does not fit the body");
  // One more byte inside the batch (batchLength 71, CRC fixed): not part of any record.
  std::string trailing = one + "x";
  trailing[11] = 0x47;
  put_and_fix_crc(trailing, 21, trailing.substr(21, 2));
  EXPECT_EQ(split_incoming(trailing).error().message(), "batch 0 at byte 0: bytes after the last record");
  // recordCount 1,000,000 (and lastOffsetDelta 999,999) in an 82-byte batch.
  std::string huge = one;
  put_and_fix_crc(huge, 23, std::string("\x00\x0f\x42\x3f", 4));
  put_and_fix_crc(huge, 57, std::string("\x00\x0f\x42\x40", 4));
  EXPECT_EQ(split_incoming(huge).error().message(), "batch 0 at byte 0: recordCount 1000000 does not fit the batch");
  // Three records claimed, two present.
  std::string short_count = one;
  put_and_fix_crc(short_count, 23, std::string("\x00\x00\x00\x02", 4));
  put_and_fix_crc(short_count, 57, std::string("\x00\x00\x00\x03", 4));
  auto s = split_incoming(short_count);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), Errc::kInvalidRecord);
}

// Expected bytes from the independent Python encoder: attributes 0x0008, maxTimestamp
// 1700000009999, CRC recomputed over attributes..end; baseOffset 42.
TEST(IncomingBatches, StampingLogAppendTimeRewritesTheCrcAndBaseOffsetStaysOutside) {
  std::string batch = from_hex(kClientBatchHex);
  set_max_timestamp(batch.data(), batch.size(), 1700000009999, true);
  set_base_offset(batch.data(), 42);
  EXPECT_EQ(testing::hex(batch),
            "00 00 00 00 00 00 00 2a 00 00 00 46 00 00 00 00 02 87 01 ba 84 00 08 00 00 00 01 00 00 01 8b "
            "cf e5 68 00 00 00 01 8b cf e5 8f 0f ff ff ff ff ff ff ff ff ff ff ff ff ff ff 00 00 00 02 1a 00 "
            "00 00 02 6b 04 76 31 02 02 68 02 78 0c 00 0a 02 01 01 00");
  auto info = decode_header(batch);
  ASSERT_TRUE(info) << info.error().to_string();
  EXPECT_TRUE(info->log_append_time);
  EXPECT_EQ(info->base_offset, 42);
  EXPECT_EQ(info->max_timestamp_ms, 1700000009999);
}

}  // namespace
}  // namespace spool::record_batch
