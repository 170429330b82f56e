#include "storage/segment_log.h"

#include <gtest/gtest.h>

#include <map>

#include "storage/file_names.h"
#include "tests/storage/storage_test_util.h"

namespace spool {
namespace {

using testing::payload_for;
using testing::TempDir;

SegmentLogOptions small_options(const std::string& dir) {
  SegmentLogOptions o;
  o.dir = dir;
  o.segment_bytes = 16 * 1024;
  o.preallocate_bytes = 8 * 1024;
  return o;
}

std::unique_ptr<SegmentLog> open_ok(SegmentLogOptions o, const SegmentLog::Replay& replay = {}) {
  auto log = SegmentLog::open(std::move(o), replay);
  EXPECT_TRUE(log.has_value()) << (log ? "" : log.error().to_string());
  return log ? std::move(*log) : nullptr;
}

TEST(SegmentLog, AppendReturnsSeqAndPositionAndReadsBack) {
  TempDir dir;
  auto log = open_ok(small_options(dir.path()));
  ASSERT_TRUE(log);
  EXPECT_EQ(log->next_seq(), SeqNo{0});
  std::vector<AppendedFrame> frames;
  for (uint64_t i = 0; i < 10; ++i) {
    auto placed = log->append_and_wait(0x01, payload_for(i, 100 + i));
    ASSERT_TRUE(placed.has_value()) << placed.error().to_string();
    EXPECT_EQ(placed->seq, SeqNo{i});
    frames.push_back(*placed);
  }
  EXPECT_EQ(frames[0].position.offset, log_format::kSegmentHeaderSize);
  EXPECT_EQ(frames[1].position.offset, frames[0].position.offset + frames[0].position.length);
  EXPECT_EQ(log->durable_seq(), SeqNo{10});
  for (uint64_t i = 0; i < 10; ++i) {
    auto r = log->read(frames[i].position);
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    EXPECT_EQ(r->seq, SeqNo{i});
    EXPECT_EQ(r->type, 0x01);
    EXPECT_EQ(r->payload, payload_for(i, 100 + i));
  }
}

TEST(SegmentLog, ReadManyMatchesReadAcrossRunsGapsAndSegments) {
  TempDir dir;
  auto log = open_ok(small_options(dir.path()));  // 16 KiB segments: 60 frames span several
  ASSERT_TRUE(log);
  std::vector<AppendedFrame> frames;
  for (uint64_t i = 0; i < 60; ++i) {
    auto placed = log->append_and_wait(0x01, payload_for(i, 300 + i * 7));
    ASSERT_TRUE(placed.has_value()) << placed.error().to_string();
    frames.push_back(*placed);
  }
  ASSERT_NE(frames.front().position.segment, frames.back().position.segment);
  // Adjacent runs, skipped frames (gaps), a step back, a repeat and segment changes.
  std::vector<size_t> picks = {0, 1, 2, 3, 5, 8, 9, 30, 31, 32, 4, 4, 59, 58, 45, 46};
  std::vector<FramePosition> positions;
  for (size_t k : picks) positions.push_back(frames[k].position);
  auto got = log->read_many(positions);
  ASSERT_EQ(got.size(), picks.size());
  for (size_t j = 0; j < picks.size(); ++j) {
    ASSERT_TRUE(got[j].has_value()) << j << ": " << got[j].error().to_string();
    EXPECT_EQ(got[j]->seq, frames[picks[j]].seq);
    EXPECT_EQ(got[j]->payload, payload_for(picks[j], 300 + picks[j] * 7));
    EXPECT_EQ(got[j]->position, frames[picks[j]].position);
  }
  // visit_many hands the same frames as views, once each, in order.
  std::vector<size_t> visited;
  log->visit_many(positions, [&](size_t j, Result<LogRecordView> frame) {
    visited.push_back(j);
    ASSERT_TRUE(frame.has_value()) << j;
    EXPECT_EQ(frame->seq, frames[picks[j]].seq);
    EXPECT_EQ(frame->payload, payload_for(picks[j], 300 + picks[j] * 7));
  });
  std::vector<size_t> in_order(picks.size());
  for (size_t j = 0; j < in_order.size(); ++j) in_order[j] = j;
  EXPECT_EQ(visited, in_order);
  // A position past the durable end fails alone; its neighbours still read.
  FramePosition beyond = frames[59].position;
  beyond.offset += beyond.length;
  auto mixed = log->read_many({frames[58].position, frames[59].position, beyond});
  ASSERT_EQ(mixed.size(), 3u);
  EXPECT_TRUE(mixed[0].has_value());
  EXPECT_TRUE(mixed[1].has_value());
  ASSERT_FALSE(mixed[2].has_value());
  EXPECT_EQ(mixed[2].error().code(), Errc::kUnavailable);
  // A length that does not match the frame is corruption, for that frame only.
  FramePosition wrong = frames[10].position;
  wrong.length += 1;
  auto bad = log->read_many({frames[9].position, wrong});
  ASSERT_EQ(bad.size(), 2u);
  EXPECT_TRUE(bad[0].has_value());
  ASSERT_FALSE(bad[1].has_value());
  EXPECT_EQ(bad[1].error().code(), Errc::kCorruption);
}

TEST(SegmentLog, RejectsReservedTypesAndHugePayloads) {
  TempDir dir;
  auto log = open_ok(small_options(dir.path()));
  for (uint8_t t : {0x00, 0x7E, 0x7F}) {
    auto r = log->append(t, "x", {});
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code(), Errc::kInvalidArgument);
  }
  std::string big((16u << 20) + 1, 'x');
  EXPECT_EQ(log->append(0x01, big, {}).error().code(), Errc::kInvalidArgument);
  EXPECT_EQ(log->append(0x01, "x", {}, 0x02).error().code(), Errc::kInvalidArgument);
  EXPECT_TRUE(log->append(0x80, "skippable", {}).has_value());
}

TEST(SegmentLog, RollsBySizeWithSealAndChainsNames) {
  TempDir dir;
  auto log = open_ok(small_options(dir.path()));
  for (uint64_t i = 0; i < 200; ++i) ASSERT_TRUE(log->append(0x01, payload_for(i, 300), {}));
  ASSERT_TRUE(log->flush().ok());
  auto segs = log->segments();
  ASSERT_GT(segs.size(), 3u);
  for (size_t i = 0; i + 1 < segs.size(); ++i) {
    EXPECT_TRUE(segs[i].is_sealed);
    EXPECT_LE(segs[i].durable_bytes, 16u * 1024);
    EXPECT_EQ(segs[i].ordinal.value + 1, segs[i + 1].ordinal.value);
  }
  EXPECT_FALSE(segs.back().is_sealed);
  // Every frame is still there, in order; each roll used one seq for its SEAL.
  std::vector<std::string> payloads;
  uint64_t last_seq = 0;
  ASSERT_TRUE(log->scan([&](const LogRecordView& v) {
                   if (!payloads.empty()) {
                     EXPECT_GT(v.seq.value, last_seq);
                   }
                   last_seq = v.seq.value;
                   payloads.emplace_back(v.payload);
                   return true;
                 }).ok());
  ASSERT_EQ(payloads.size(), 200u);
  for (uint64_t i = 0; i < 200; ++i) EXPECT_EQ(payloads[i], payload_for(i, 300));
  EXPECT_EQ(log->next_seq().value, 200 + segs.size() - 1);
  // File names are the bases.
  auto files = testing::segment_files(dir.path());
  ASSERT_EQ(files.size(), segs.size());
  for (size_t i = 0; i < segs.size(); ++i) EXPECT_EQ(files[i], segs[i].file);
}

TEST(SegmentLog, ReopenReplaysEveryFrameWithItsPosition) {
  TempDir dir;
  std::map<uint64_t, FramePosition> placed;
  {
    auto log = open_ok(small_options(dir.path()));
    for (uint64_t i = 0; i < 150; ++i) {
      auto r = log->append(0x02, payload_for(i, 200), {});
      ASSERT_TRUE(r);
      placed[r->seq.value] = r->position;
    }
  }
  std::map<uint64_t, FramePosition> replayed;
  auto log = open_ok(small_options(dir.path()), [&](const LogRecordView& v) {
    EXPECT_EQ(v.type, 0x02);
    replayed[v.seq.value] = v.position;
  });
  EXPECT_EQ(replayed, placed);
  EXPECT_EQ(log->recovery_report().frames, 150u);
  EXPECT_EQ(log->recovery_report().bytes_cut, 0u);
  EXPECT_FALSE(log->recovery_report().torn_tail.has_value());
  // Appends continue after the last seq.
  auto next = log->append_and_wait(0x02, "more");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->seq, log->recovery_report().next_seq);
}

// 16 KiB zero steps, with the whole 1 MiB segment reserved up front so the reservation
// never caps them.
SegmentLogOptions zero_fill_options(const std::string& dir) {
  SegmentLogOptions o = small_options(dir);
  o.segment_bytes = 1 << 20;
  o.preallocate_bytes = 1 << 20;
  o.zero_fill_bytes = 16 << 10;
  return o;
}

TEST(SegmentLog, WritesZerosAheadOfSmallRoundsSoTheFileSizeMovesOncePerStep) {
  TempDir dir;
  SegmentLogOptions o = zero_fill_options(dir.path());
  const std::string file = dir.sub(file_names::segment_file_name(SeqNo{0}));
  uint64_t end = 0;
  uint64_t zeroed_end = 48;  // the header alone
  {
    auto log = open_ok(o);
    ASSERT_TRUE(log);
    EXPECT_EQ(std::filesystem::file_size(file), zeroed_end);
    int size_moves = 0;
    for (uint64_t i = 0; i < 100; ++i) {
      auto placed = log->append_and_wait(0x01, payload_for(i, 480));
      ASSERT_TRUE(placed) << placed.error().to_string();
      end = placed->position.offset + placed->position.length;
      if (end > zeroed_end) {
        zeroed_end = end + (16 << 10);
        ++size_moves;
      }
      ASSERT_EQ(std::filesystem::file_size(file), zeroed_end) << "frame " << i;
    }
    // 100 rounds of one 500-byte frame span three 16 KiB steps and start a fourth: four
    // size changes, not 100.
    EXPECT_EQ(size_moves, 4);
  }
  uint64_t frames = 0;
  auto log = open_ok(o, [&](const LogRecordView& v) {
    EXPECT_EQ(v.payload, payload_for(frames, 480));
    ++frames;
  });
  ASSERT_TRUE(log);
  EXPECT_EQ(frames, 100u);
  const RecoveryReport& rep = log->recovery_report();
  EXPECT_EQ(rep.zero_tail_bytes, zeroed_end - end);
  EXPECT_EQ(rep.bytes_cut, 0u);
  EXPECT_FALSE(rep.torn_tail.has_value());
  EXPECT_EQ(std::filesystem::file_size(file), end);
  auto next = log->append_and_wait(0x01, "after");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->position.offset, end);
  EXPECT_EQ(std::filesystem::file_size(file), end + next->position.length + (16 << 10));
}

TEST(SegmentLog, WritesNoZerosAfterLargeRounds) {
  TempDir dir;
  SegmentLogOptions o = zero_fill_options(dir.path());
  auto log = open_ok(o);
  ASSERT_TRUE(log);
  const std::string file = dir.sub(file_names::segment_file_name(SeqNo{0}));
  // A 40 KiB round is bandwidth, not sync latency: zeros would double its bytes.
  auto big = log->append_and_wait(0x01, std::string(40 << 10, 'b'));
  ASSERT_TRUE(big);
  const uint64_t big_end = big->position.offset + big->position.length;
  EXPECT_EQ(std::filesystem::file_size(file), big_end);
  auto small = log->append_and_wait(0x01, "s");
  ASSERT_TRUE(small);
  EXPECT_EQ(std::filesystem::file_size(file),
            small->position.offset + small->position.length + (16 << 10));
}

TEST(SegmentLog, WritesZerosOnlyInsideTheFallocatedReservation) {
  TempDir dir;
  SegmentLogOptions o = small_options(dir.path());  // reserves 8 KiB at a time
  o.zero_fill_bytes = 16 << 10;
  auto log = open_ok(o);
  ASSERT_TRUE(log);
  auto placed = log->append_and_wait(0x01, "x");
  ASSERT_TRUE(placed);
  // Zeros past the reservation could meet a full disk that the data itself would not.
  EXPECT_EQ(std::filesystem::file_size(dir.sub(file_names::segment_file_name(SeqNo{0}))),
            8u << 10);
}

TEST(SegmentLog, WritesNoZerosWithoutSyncs) {
  TempDir dir;
  SegmentLogOptions o = small_options(dir.path());
  o.fsync = FsyncMode{FsyncMode::Kind::kNone};
  auto log = open_ok(o);
  ASSERT_TRUE(log);
  auto placed = log->append_and_wait(0x01, "x");
  ASSERT_TRUE(placed);
  EXPECT_EQ(std::filesystem::file_size(dir.sub(file_names::segment_file_name(SeqNo{0}))),
            placed->position.offset + placed->position.length);
}

TEST(SegmentLog, ReopenAfterRollCreatesNextSegment) {
  TempDir dir;
  SeqNo next;
  {
    auto log = open_ok(small_options(dir.path()));
    ASSERT_TRUE(log->append_and_wait(0x01, "a"));
    ASSERT_TRUE(log->roll().ok());
    next = log->next_seq();
  }
  // Simulate a crash right after the SEAL: the new, empty segment never existed.
  auto files = testing::segment_files(dir.path());
  ASSERT_EQ(files.size(), 2u);
  std::filesystem::remove(dir.sub(files[1]));
  auto log = open_ok(small_options(dir.path()));
  EXPECT_EQ(log->next_seq(), next);
  ASSERT_EQ(log->segments().size(), 2u);
  EXPECT_TRUE(log->segments()[0].is_sealed);
  auto r = log->append_and_wait(0x01, "b");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->position.segment, SegmentOrdinal{1});
}

TEST(SegmentLog, FirstSeqOptionNamesTheFirstSegment) {
  TempDir dir;
  auto o = small_options(dir.path());
  o.first_seq = SeqNo{1000};
  auto log = open_ok(o);
  auto r = log->append_and_wait(0x01, "x");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->seq, SeqNo{1000});
  EXPECT_EQ(testing::segment_files(dir.path())[0], file_names::segment_file_name(SeqNo{1000}));
}

TEST(SegmentLog, ReadOfFrameNotYetDurableIsUnavailable) {
  TempDir dir;
  auto log = open_ok(small_options(dir.path()));
  auto r = log->read(FramePosition{SegmentOrdinal{0}, 48, 30});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::kUnavailable);
  EXPECT_EQ(log->read(FramePosition{SegmentOrdinal{9}, 48, 30}).error().code(), Errc::kNotFound);
}

TEST(SegmentLog, BackpressureFailsFastWithUnavailable) {
  TempDir dir;
  auto o = small_options(dir.path());
  o.max_round_bytes = 4096;
  o.max_unsynced_bytes = 8192;
  o.segment_bytes = 1 << 20;
  auto log = open_ok(o);
  // A lone 8 KiB append is over the cap with its header.
  auto r = log->append(0x01, std::string(8192, 'x'), {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::kUnavailable);
  EXPECT_TRUE(log->append_and_wait(0x01, std::string(1000, 'x')));
}

class SegmentLogModes : public ::testing::TestWithParam<const char*> {};

TEST_P(SegmentLogModes, EveryModeAcknowledgesAndPersists) {
  TempDir dir;
  auto o = small_options(dir.path());
  o.fsync = *parse_fsync_mode(GetParam());
  {
    auto log = open_ok(o);
    std::atomic<int> acked{0};
    for (int i = 0; i < 300; ++i) {
      ASSERT_TRUE(log->append(0x01, payload_for(i, 100), [&](Status s) {
        EXPECT_TRUE(s.ok());
        ++acked;
      }));
    }
    ASSERT_TRUE(log->flush().ok());
    EXPECT_EQ(acked.load(), 300);
    EXPECT_EQ(log->durable_seq(), log->next_seq());
  }
  uint64_t frames = 0;
  auto log = open_ok(o, [&](const LogRecordView& v) {
    EXPECT_EQ(v.payload, payload_for(frames, 100));
    ++frames;
  });
  EXPECT_EQ(frames, 300u);
}

INSTANTIATE_TEST_SUITE_P(Modes, SegmentLogModes,
                         ::testing::Values("batch", "always", "interval:5", "none"));

TEST(SegmentLog, AlwaysModeSyncsOncePerFrame) {
  TempDir dir;
  auto o = small_options(dir.path());
  o.fsync = FsyncMode{FsyncMode::Kind::kAlways, {}};
  o.segment_bytes = 1 << 20;
  auto log = open_ok(o);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(log->append(0x01, "x", {}));
  ASSERT_TRUE(log->flush().ok());
  auto stats = log->sync_stats();
  EXPECT_EQ(stats.frames, 50u);
  EXPECT_EQ(stats.rounds, 50u);
  EXPECT_EQ(stats.syncs, 50u);
}

}  // namespace
}  // namespace spool
