#include "storage/recovery.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "storage/file_names.h"
#include "storage/segment_log.h"
#include "tests/storage/storage_test_util.h"

namespace spool {
namespace {

using testing::payload_for;
using testing::read_file;
using testing::TempDir;
using testing::write_file;

SegmentLogOptions options_for(const std::string& dir, bool repair = false) {
  SegmentLogOptions o;
  o.dir = dir;
  o.segment_bytes = 4096;
  o.preallocate_bytes = 4096;
  o.zero_fill_bytes = 0;  // files end at their last frame, so tests can cut them byte by byte
  o.repair = repair;
  return o;
}

// Writes `n` frames (payload i has 30 + i % 7 bytes) and returns their positions.
std::vector<AppendedFrame> build_log(const std::string& dir, int n) {
  std::vector<AppendedFrame> out;
  auto log = SegmentLog::open(options_for(dir));
  EXPECT_TRUE(log);
  for (int i = 0; i < n; ++i) {
    auto r = (*log)->append(0x01, payload_for(i, 30 + i % 7), {});
    EXPECT_TRUE(r);
    out.push_back(*r);
  }
  EXPECT_TRUE((*log)->flush().ok());
  return out;
}

struct Reopened {
  Result<std::unique_ptr<SegmentLog>> log = Status(Errc::kInternal, "not opened");
  std::vector<uint64_t> seqs;
  bool payloads_ok = true;
};

Reopened reopen(const std::string& dir, bool repair = false) {
  Reopened r;
  std::map<uint64_t, int> index_of_seq;
  r.log = SegmentLog::open(options_for(dir, repair), [&](const LogRecordView& v) {
    r.seqs.push_back(v.seq.value);
    r.payloads_ok = r.payloads_ok && v.payload.size() >= 30;
  });
  return r;
}

TEST(Recovery, CutsTheLastFrameTornAtEveryByteOffset) {
  TempDir src;
  auto frames = build_log(src.path(), 5);
  const AppendedFrame last = frames.back();
  const std::string name = file_names::segment_file_name(SeqNo{0});
  const std::string original = read_file(src.sub(name));
  ASSERT_EQ(original.size(), last.position.offset + last.position.length);

  for (uint32_t keep = 0; keep < last.position.length; ++keep) {
    for (bool zero_fill : {false, true}) {
      SCOPED_TRACE("keep=" + std::to_string(keep) + " zero_fill=" + std::to_string(zero_fill));
      TempDir dir;
      std::string bytes = original.substr(0, last.position.offset + keep);
      if (zero_fill) bytes.resize(original.size(), '\0');
      write_file(dir.sub(name), bytes);
      auto r = reopen(dir.path());
      ASSERT_TRUE(r.log) << r.log.error().to_string();
      EXPECT_EQ(r.seqs, (std::vector<uint64_t>{0, 1, 2, 3}));
      const RecoveryReport& rep = (*r.log)->recovery_report();
      EXPECT_EQ(rep.frames, 4u);
      uint64_t cut = bytes.size() - last.position.offset;
      // Only zeros past the last whole frame is the log's own zero-filled space, not damage.
      const bool only_zeros = std::all_of(bytes.begin() + last.position.offset, bytes.end(),
                                          [](char c) { return c == 0; });
      EXPECT_EQ(rep.bytes_cut, only_zeros ? 0 : cut);
      EXPECT_EQ(rep.zero_tail_bytes, only_zeros ? cut : 0);
      if (cut == 0 || only_zeros) {
        EXPECT_FALSE(rep.torn_tail.has_value());
      } else {
        ASSERT_TRUE(rep.torn_tail.has_value());
        EXPECT_EQ(rep.torn_tail->file, name);
        EXPECT_EQ(rep.torn_tail->offset, last.position.offset);
        EXPECT_EQ(rep.torn_tail->bytes_cut, cut);
        EXPECT_EQ(rep.torn_tail->first_seq_cut, SeqNo{4});
      }
      EXPECT_EQ(rep.next_seq, SeqNo{4});
      EXPECT_EQ(std::filesystem::file_size(dir.sub(name)), last.position.offset);
      // The log goes on from the cut: the next frame takes the lost seq.
      auto next = (*r.log)->append_and_wait(0x01, "after");
      ASSERT_TRUE(next);
      EXPECT_EQ(next->seq, SeqNo{4});
      EXPECT_EQ(next->position.offset, last.position.offset);
    }
  }
}

TEST(Recovery, CutsZeroFilledSpaceQuietlyAndKeepsEveryFrame) {
  TempDir src;
  auto frames = build_log(src.path(), 5);
  const std::string name = file_names::segment_file_name(SeqNo{0});
  const std::string original = read_file(src.sub(name));
  for (size_t zeros : {1, 19, 20, 21, 64, 4096}) {
    SCOPED_TRACE(zeros);
    TempDir dir;
    write_file(dir.sub(name), original + std::string(zeros, '\0'));
    auto r = reopen(dir.path());
    ASSERT_TRUE(r.log);
    EXPECT_EQ(r.seqs.size(), 5u);
    const RecoveryReport& rep = (*r.log)->recovery_report();
    EXPECT_EQ(rep.zero_tail_bytes, zeros);
    EXPECT_EQ(rep.bytes_cut, 0u);
    EXPECT_FALSE(rep.torn_tail.has_value());
    EXPECT_EQ(std::filesystem::file_size(dir.sub(name)), original.size());
  }
}

TEST(Recovery, RemovesTmpFiles) {
  TempDir dir;
  build_log(dir.path(), 3);
  write_file(dir.sub("00000000000000000099.log.tmp"), "partial");
  auto r = reopen(dir.path());
  ASSERT_TRUE(r.log);
  EXPECT_EQ((*r.log)->recovery_report().tmp_files_removed, 1u);
  EXPECT_FALSE(std::filesystem::exists(dir.sub("00000000000000000099.log.tmp")));
}

// A roll writes the SEAL, syncs, then creates the next file; a crash in between leaves a
// last file with a missing or partial header and no frame.
TEST(Recovery, DeletesTheFileOfAnInterruptedRoll) {
  for (std::string junk : {std::string(), std::string(20, 'x'), std::string(48, '\0'),
                           std::string(100, '\0')}) {
    SCOPED_TRACE(junk.size());
    TempDir dir;
    SeqNo next;
    {
      auto log = SegmentLog::open(options_for(dir.path()));
      ASSERT_TRUE(log);
      ASSERT_TRUE((*log)->append_and_wait(0x01, "a"));
      ASSERT_TRUE((*log)->roll().ok());
      next = (*log)->next_seq();
    }
    const std::string second = file_names::segment_file_name(next);
    write_file(dir.sub(second), junk);
    auto r = reopen(dir.path());
    ASSERT_TRUE(r.log) << r.log.error().to_string();
    EXPECT_TRUE((*r.log)->recovery_report().removed_interrupted_roll);
    EXPECT_EQ(r.seqs, (std::vector<uint64_t>{0}));
    // The log then rolled forward into a fresh file with the same name.
    auto appended = (*r.log)->append_and_wait(0x01, "b");
    ASSERT_TRUE(appended);
    EXPECT_EQ(appended->seq, next);
  }
}

class SealedCorruption : public ::testing::Test {
 protected:
  void SetUp() override {
    frames_ = build_log(src_.path(), 300);  // five 4 KiB segments
    target_ = frames_[100];                 // in a sealed middle segment
    ASSERT_GT(target_.position.segment.value, 0u);
    ASSERT_LT(target_.position.segment.value + 1, frames_.back().position.segment.value);
    for (const auto& f : testing::segment_files(src_.path())) {
      files_[f] = read_file(src_.sub(f));
    }
    segment_name_ = testing::segment_files(src_.path())[target_.position.segment.value];
  }
  void copy_to(const TempDir& dir, size_t flip_at) {
    for (const auto& [name, bytes] : files_) {
      std::string b = bytes;
      if (name == segment_name_) b[flip_at] ^= 0x40;
      write_file(dir.sub(name), b);
    }
  }

  TempDir src_;
  std::vector<AppendedFrame> frames_;
  AppendedFrame target_;
  std::map<std::string, std::string> files_;
  std::string segment_name_;
};

TEST_F(SealedCorruption, AnyFlippedByteOfAFrameRefusesOpenNamingFileAndOffset) {
  for (uint32_t i = 0; i < target_.position.length; ++i) {
    SCOPED_TRACE(i);
    TempDir dir;
    copy_to(dir, target_.position.offset + i);
    auto r = reopen(dir.path());
    ASSERT_FALSE(r.log);
    EXPECT_EQ(r.log.error().code(), Errc::kCorruption);
    EXPECT_NE(r.log.error().message().find(segment_name_), std::string::npos);
    EXPECT_NE(r.log.error().message().find("offset " + std::to_string(target_.position.offset)),
              std::string::npos)
        << r.log.error().message();
  }
}

TEST_F(SealedCorruption, RepairSkipsExactlyTheDamagedFrameAndReportsIt) {
  for (uint32_t i = 0; i < target_.position.length; ++i) {
    SCOPED_TRACE(i);
    TempDir dir;
    copy_to(dir, target_.position.offset + i);
    auto r = reopen(dir.path(), /*repair=*/true);
    ASSERT_TRUE(r.log) << r.log.error().to_string();
    std::vector<uint64_t> expected;
    for (const auto& f : frames_) {
      if (f.seq != target_.seq) expected.push_back(f.seq.value);
    }
    EXPECT_EQ(r.seqs, expected);
    const auto& spans = (*r.log)->recovery_report().corrupt_spans;
    ASSERT_EQ(spans.size(), 1u);
    EXPECT_EQ(spans[0].file, segment_name_);
    EXPECT_EQ(spans[0].offset, target_.position.offset);
    EXPECT_EQ(spans[0].bytes, target_.position.length);
    EXPECT_EQ(spans[0].first_seq, target_.seq);
  }
}

TEST_F(SealedCorruption, AMissingMiddleSegmentIsAGap) {
  TempDir dir;
  copy_to(dir, 0);
  std::filesystem::remove(dir.sub(segment_name_));
  auto r = reopen(dir.path());
  ASSERT_FALSE(r.log);
  EXPECT_EQ(r.log.error().code(), Errc::kCorruption);
  EXPECT_NE(r.log.error().message().find("do not chain"), std::string::npos);
}

TEST_F(SealedCorruption, ABadHeaderInASealedSegmentRefusesOpen) {
  TempDir dir;
  copy_to(dir, 3);
  auto r = reopen(dir.path());
  ASSERT_FALSE(r.log);
  EXPECT_EQ(r.log.error().code(), Errc::kCorruption);
  EXPECT_NE(r.log.error().message().find(segment_name_ + " corrupt at offset 0"),
            std::string::npos);
}

}  // namespace
}  // namespace spool
