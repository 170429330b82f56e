#include "storage/partition_log.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <future>

#include "storage/record_batch.h"
#include "tests/storage/storage_test_util.h"

namespace spool {
namespace {

using testing::TempDir;

// `count` records "r<first>".."r<first+count-1>" with timestamps ts, ts+1, ...
std::string batch_of(int first, int count, int64_t ts, size_t value_size = 8) {
  std::vector<std::string> values;
  for (int i = 0; i < count; ++i) {
    std::string v = "r" + std::to_string(first + i);
    v.resize(std::max(v.size(), value_size), '.');
    values.push_back(v);
  }
  std::vector<record_batch::RecordInput> in;
  for (int i = 0; i < count; ++i) {
    record_batch::RecordInput r;
    r.value = std::string_view(values[i]);
    r.timestamp_ms = ts + i;
    in.push_back(r);
  }
  return record_batch::encode(in, false);
}

class PartitionLogTest : public ::testing::Test {
 protected:
  std::unique_ptr<PartitionLog> open(uint64_t segment_bytes = 1 << 20) {
    PartitionLogOptions o;
    o.dir = dir_.sub("p0");
    o.segment_bytes = segment_bytes;
    o.clock = &clock_;
    o.index_interval_bytes = 256;
    auto log = PartitionLog::open(o);
    EXPECT_TRUE(log) << log.error().to_string();
    return log ? std::move(*log) : nullptr;
  }
  // Appends and waits until durable; returns the base offset.
  int64_t append(PartitionLog& log, int first, int count, int64_t ts, size_t value_size = 8) {
    std::promise<Result<int64_t>> done;
    Status s = log.append(batch_of(first, count, ts, value_size), count, ts + count - 1,
                          [&](Result<int64_t> r) { done.set_value(std::move(r)); });
    EXPECT_TRUE(s.ok()) << s.to_string();
    auto r = done.get_future().get();
    EXPECT_TRUE(r) << r.error().to_string();
    return r ? *r : -1;
  }
  // Every record from `offset` to the high watermark, as (offset, value).
  std::vector<std::pair<int64_t, std::string>> read_all(const PartitionLog& log, int64_t offset) {
    std::vector<std::pair<int64_t, std::string>> out;
    while (true) {
      auto f = log.read(offset, 4096);
      EXPECT_TRUE(f) << f.error().to_string();
      if (!f || f->batches.empty()) return out;
      for (const auto& b : f->batches) {
        std::vector<record_batch::RecordView> records;
        EXPECT_TRUE(record_batch::decode_records(b, offset, &records).ok());
        for (const auto& r : records) {
          out.emplace_back(r.offset, std::string(r.value->substr(0, r.value->find('.'))));
          offset = r.offset + 1;
        }
      }
    }
  }

  TempDir dir_;
  FakeClock clock_;
};

TEST_F(PartitionLogTest, BatchesTakeContiguousOffsets) {
  auto log = open();
  EXPECT_EQ(append(*log, 0, 3, 1000), 0);
  EXPECT_EQ(append(*log, 3, 1, 1000), 3);
  EXPECT_EQ(append(*log, 4, 1000, 1000), 4);
  EXPECT_EQ(log->bounds().high_watermark, 1004);
  auto all = read_all(*log, 0);
  ASSERT_EQ(all.size(), 1004u);
  for (int i = 0; i < 1004; ++i) {
    EXPECT_EQ(all[i].first, i);
    EXPECT_EQ(all[i].second, "r" + std::to_string(i));
  }
}

TEST_F(PartitionLogTest, AppendBatchesPlacesThemContiguouslyAcrossASegmentRoll) {
  auto log = open(64 << 10);  // three 30 KiB batches need two segments
  EXPECT_EQ(append(*log, 0, 2, 1000), 0);
  std::vector<std::string> encoded = {batch_of(2, 100, 2000, 300), batch_of(102, 100, 3000, 300),
                                      batch_of(202, 100, 4000, 300)};
  std::vector<BatchToAppend> batches;
  for (const auto& b : encoded) batches.push_back({b, 100, 0});
  std::promise<Result<int64_t>> done;
  ASSERT_TRUE(log->append_batches(batches, [&](Result<int64_t> r) { done.set_value(std::move(r)); }).ok());
  auto base = done.get_future().get();
  ASSERT_TRUE(base);
  EXPECT_EQ(*base, 2);
  EXPECT_EQ(log->bounds().high_watermark, 302);
  EXPECT_EQ(log->stats().segments, 2u);
  auto all = read_all(*log, 0);
  ASSERT_EQ(all.size(), 302u);
  for (int i = 0; i < 302; ++i) {
    EXPECT_EQ(all[i].first, i);
    EXPECT_EQ(all[i].second, "r" + std::to_string(i));
  }
  // read_into: the whole batch holding 150 (102..201) first, then as many as fit.
  std::string raw;
  auto range = log->read_into(150, 40000, UINT64_MAX, &raw);
  ASSERT_TRUE(range) << range.error().to_string();
  EXPECT_EQ(range->batches, 1u);
  EXPECT_EQ(range->next_offset, 202);
  EXPECT_EQ(raw, [&] { std::string b = encoded[1]; record_batch::set_base_offset(b, 102); return b; }());
  std::string at_end;
  auto empty = log->read_into(302, 1 << 20, UINT64_MAX, &at_end);
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->batches, 0u);
  EXPECT_EQ(at_end.size(), 0u);
  EXPECT_EQ(empty->next_offset, 302);
  log.reset();
  auto reopened = open(64 << 10);
  EXPECT_EQ(reopened->bounds().high_watermark, 302);
}

TEST_F(PartitionLogTest, ReadStartsInsideABatchAndThroughTheIndex) {
  auto log = open();
  for (int b = 0; b < 200; ++b) append(*log, b * 5, 5, 1000 + b * 5, 64);
  auto from = read_all(*log, 637);
  ASSERT_EQ(from.size(), 1000u - 637u);
  EXPECT_EQ(from.front().first, 637);
  EXPECT_EQ(from.front().second, "r637");
  // The first batch returned holds offset 637 (635..639), Kafka's whole-batch rule.
  auto f = log->read(637, 1);
  ASSERT_TRUE(f);
  ASSERT_EQ(f->batches.size(), 1u);
  EXPECT_EQ(record_batch::decode_header(f->batches[0])->base_offset, 635);
}

TEST_F(PartitionLogTest, OutOfRangeNamesTheValidRange) {
  auto log = open();
  append(*log, 0, 4, 1000);
  auto above = log->read(5, 1024);
  ASSERT_FALSE(above);
  EXPECT_EQ(above.error().code(), Errc::kOffsetOutOfRange);
  EXPECT_EQ(above.error().message(), "offset 5 is outside the valid range [0, 4] of partition 0");
  auto at_end = log->read(4, 1024);
  ASSERT_TRUE(at_end);
  EXPECT_TRUE(at_end->batches.empty());
}

TEST_F(PartitionLogTest, ReopenKeepsOffsetsAndContinues) {
  {
    auto log = open(64 << 10);
    for (int b = 0; b < 50; ++b) append(*log, b * 10, 10, 1000, 200);
  }
  auto log = open(64 << 10);
  EXPECT_EQ(log->bounds().high_watermark, 500);
  EXPECT_GT(log->stats().segments, 1u);
  EXPECT_EQ(append(*log, 500, 2, 1000), 500);
  auto all = read_all(*log, 0);
  ASSERT_EQ(all.size(), 502u);
  for (int i = 0; i < 502; ++i) ASSERT_EQ(all[i].first, i);
}

// A crash tears the last frame at any byte: recovery drops exactly that batch, and the
// next append reuses its offsets, so there is never a gap or a duplicate.
TEST_F(PartitionLogTest, TornTailDropsTheWholeLastBatchAtEveryCut) {
  {
    auto log = open();
    append(*log, 0, 3, 1000);
    append(*log, 3, 4, 1000);
  }
  open();  // recovery cuts the zero-filled space, so the file ends at the last frame
  const std::string dir = dir_.sub("p0");
  const std::string file = dir + "/" + testing::segment_files(dir).front();
  const std::string full = testing::read_file(file);
  const size_t last_frame = full.size() - (20 + 8 + batch_of(3, 4, 1000).size());
  for (size_t cut = last_frame; cut < full.size(); cut += 7) {
    testing::write_file(file, full.substr(0, cut));
    auto log = open();
    ASSERT_EQ(log->bounds().high_watermark, 3) << "cut at " << cut;
    EXPECT_EQ(append(*log, 100, 2, 1000), 3);
    auto all = read_all(*log, 0);
    ASSERT_EQ(all.size(), 5u);
    EXPECT_EQ(all[3].second, "r100");
    log.reset();
    testing::write_file(file, full);
  }
}

TEST_F(PartitionLogTest, RetentionByBytesDeletesOldSegmentsAndMovesLogStart) {
  auto log = open(64 << 10);
  for (int b = 0; b < 100; ++b) append(*log, b * 10, 10, 1000, 200);  // ~230 KiB
  PartitionStats before = log->stats();
  ASSERT_GE(before.segments, 4u);
  auto deleted = log->retain(-1, 100 << 10);
  ASSERT_TRUE(deleted);
  EXPECT_GT(*deleted, 0u);
  PartitionStats after = log->stats();
  EXPECT_EQ(after.segments, before.segments - *deleted);
  EXPECT_LE(after.size_bytes, before.size_bytes);
  EXPECT_GE(after.size_bytes, 100u << 10);
  const int64_t start = after.bounds.log_start_offset;
  EXPECT_GT(start, 0);
  EXPECT_EQ(start % 10, 0);  // a batch boundary
  auto below = log->read(start - 1, 1024);
  ASSERT_FALSE(below);
  EXPECT_EQ(below.error().code(), Errc::kOffsetOutOfRange);
  EXPECT_EQ(read_all(*log, start).size(), static_cast<size_t>(1000 - start));
  // The log start survives a restart: it is the first remaining segment's base.
  log.reset();
  log = open(64 << 10);
  EXPECT_EQ(log->bounds().log_start_offset, start);
  EXPECT_EQ(log->bounds().high_watermark, 1000);
}

TEST_F(PartitionLogTest, RetentionByTimeUsesBrokerAppendTimeAndKeepsTheNewestSegment) {
  auto log = open(64 << 10);
  for (int b = 0; b < 60; ++b) append(*log, b * 10, 10, 5, 200);  // record times far past
  clock_.advance(std::chrono::hours(2));
  append(*log, 600, 10, 5, 200);
  auto kept = log->retain(3 * 3600 * 1000, -1);
  ASSERT_TRUE(kept);
  EXPECT_EQ(*kept, 0u);  // appended 2 h ago: within 3 h, whatever the record timestamps
  auto deleted = log->retain(3600 * 1000, -1);
  ASSERT_TRUE(deleted);
  EXPECT_GT(*deleted, 0u);
  clock_.advance(std::chrono::hours(10));
  ASSERT_TRUE(log->retain(3600 * 1000, -1));
  EXPECT_EQ(log->stats().segments, 1u);  // never the segment holding the newest batch
  EXPECT_EQ(log->bounds().high_watermark, 610);
}

TEST_F(PartitionLogTest, OffsetForTimeFindsTheFirstRecordAtOrAfter) {
  auto log = open(64 << 10);
  // Batch b holds offsets 10b..10b+9 with timestamps 10000 + 100b + 0..9.
  for (int b = 0; b < 100; ++b) append(*log, b * 10, 10, 10'000 + b * 100, 200);
  auto exact = log->offset_for_time(15'307);
  ASSERT_TRUE(exact);
  ASSERT_TRUE(exact->has_value());
  EXPECT_EQ((*exact)->first, 537);
  EXPECT_EQ((*exact)->second, 15'307);
  auto between = log->offset_for_time(15'315);  // past batch 53's last record
  ASSERT_TRUE(between && between->has_value());
  EXPECT_EQ((*between)->first, 540);
  EXPECT_EQ((*between)->second, 15'400);
  auto first = log->offset_for_time(0);
  ASSERT_TRUE(first && first->has_value());
  EXPECT_EQ((*first)->first, 0);
  auto none = log->offset_for_time(19'910);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
}

// Segments are read through descriptors opened on first read, after the sync thread
// created the file.
TEST_F(PartitionLogTest, ReadsAfterRetentionStartAtTheNewFirstSegment) {
  auto log = open(1 << 20);
  for (int b = 0; b < 8; ++b) append(*log, b * 500, 500, 1000, 1000);
  auto deleted = log->retain(-1, 1 << 20);
  ASSERT_TRUE(deleted);
  EXPECT_EQ(*deleted, 2u);
  EXPECT_EQ(log->bounds().log_start_offset, 2000);
  auto f = log->read(2000, 1);
  ASSERT_TRUE(f) << f.error().to_string();
  EXPECT_EQ(record_batch::decode_header(f->batches.at(0))->base_offset, 2000);
}

TEST_F(PartitionLogTest, AHighWatermarkListenerRunsAfterEachDurableBatch) {
  auto log = open();
  std::atomic<int> calls{0};
  log->set_durable_listener([&] { ++calls; });
  append(*log, 0, 2, 1000);
  append(*log, 2, 2, 1000);
  EXPECT_EQ(calls.load(), 2);
}

}  // namespace
}  // namespace spool
