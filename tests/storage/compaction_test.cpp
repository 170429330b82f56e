// Garbage collection (prefix rule) and compaction; docs/format.md "Garbage collection".

#include "storage/compaction.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "storage/directory.h"
#include "storage/segment_log.h"
#include "tests/storage/storage_test_util.h"

namespace spool {
namespace {

using testing::eventually;
using testing::payload_for;
using testing::TempDir;

SegmentLogOptions gc_options(const std::string& dir) {
  SegmentLogOptions o;
  o.dir = dir;
  o.segment_bytes = 64 * 1024;
  o.preallocate_bytes = 16 * 1024;
  return o;
}

std::vector<AppendedFrame> fill(SegmentLog& log, int n, size_t size = 1000) {
  std::vector<AppendedFrame> out;
  for (int i = 0; i < n; ++i) {
    auto r = log.append(0x01, payload_for(i, size), {});
    EXPECT_TRUE(r);
    out.push_back(*r);
  }
  EXPECT_TRUE(log.flush().ok());
  return out;
}

uint64_t used(const std::string& dir) { return *directory::used_bytes(dir); }

TEST(GarbageCollection, DiskUsageFallsAfterDeletes) {
  TempDir dir;
  auto log = SegmentLog::open(gc_options(dir.path()));
  ASSERT_TRUE(log);
  auto frames = fill(**log, 1000);
  for (const auto& f : frames) ASSERT_TRUE((*log)->add_live(f.position).ok());
  uint64_t before = used(dir.path());
  ASSERT_GT(before, 900u * 1000);
  EXPECT_EQ(*(*log)->collect_garbage(), 0u);  // everything is live
  for (const auto& f : frames) ASSERT_TRUE((*log)->mark_dead(f.position).ok());
  auto deleted = (*log)->collect_garbage();
  ASSERT_TRUE(deleted);
  EXPECT_EQ(*deleted + 1, frames.back().position.segment.value + 1);  // all but the active
  uint64_t after = used(dir.path());
  EXPECT_LT(after, before / 10) << "before " << before << " after " << after;
  // Reads of deleted frames say so; the log carries on.
  EXPECT_EQ((*log)->read(frames[0].position).error().code(), Errc::kNotFound);
  EXPECT_TRUE((*log)->read(frames.back().position));
  EXPECT_TRUE((*log)->append_and_wait(0x01, "more"));
}

TEST(GarbageCollection, ALiveFrameInAnOldSegmentPinsEveryNewerSegment) {
  TempDir dir;
  auto log = SegmentLog::open(gc_options(dir.path()));
  ASSERT_TRUE(log);
  auto frames = fill(**log, 500);
  ASSERT_TRUE((*log)->add_live(frames[0].position).ok());
  // Newer segments hold nothing live, but deleting them first could resurrect on replay
  // whatever their state frames cancelled in the older one.
  EXPECT_EQ(*(*log)->collect_garbage(), 0u);
  ASSERT_TRUE((*log)->mark_dead(frames[0].position).ok());
  EXPECT_GT(*(*log)->collect_garbage(), 3u);
}

TEST(GarbageCollection, AutoGcDeletesFromTheSyncThread) {
  TempDir dir;
  auto o = gc_options(dir.path());
  o.auto_gc = true;
  auto log = SegmentLog::open(o);
  ASSERT_TRUE(log);
  // With auto_gc the owner reports a frame live before it appends the next one, so no
  // roll can seal the frame's segment while it still counts as dead.
  std::vector<AppendedFrame> frames;
  for (int i = 0; i < 300; ++i) {
    auto r = (*log)->append(0x01, payload_for(i, 1000), {});
    ASSERT_TRUE(r);
    ASSERT_TRUE((*log)->add_live(r->position).ok());
    frames.push_back(*r);
  }
  ASSERT_TRUE((*log)->flush().ok());
  size_t files_before = testing::segment_files(dir.path()).size();
  ASSERT_GT(files_before, 2u);
  for (const auto& f : frames) ASSERT_TRUE((*log)->mark_dead(f.position).ok());
  EXPECT_TRUE(eventually([&] { return testing::segment_files(dir.path()).size() == 1; }));
}

// An owner that tracks which frames are live and where they are now.
struct Owner {
  std::map<uint64_t, FramePosition> where;  // key -> position
  std::map<FramePosition, uint64_t> key_at;
  std::set<uint64_t> deleted_meanwhile;

  CompactionHooks hooks() {
    CompactionHooks h;
    h.is_live = [this](FramePosition p) { return key_at.count(p) > 0; };
    h.relocated = [this](FramePosition old_pos, AppendedFrame copy) {
      auto it = key_at.find(old_pos);
      if (it == key_at.end() || deleted_meanwhile.count(it->second)) return false;
      uint64_t key = it->second;
      key_at.erase(it);
      key_at[copy.position] = key;
      where[key] = copy.position;
      return true;
    };
    return h;
  }
};

TEST(Compaction, CopiesLiveFramesForwardAndDeletesTheMostlyDeadPrefix) {
  TempDir dir;
  auto log = SegmentLog::open(gc_options(dir.path()));
  ASSERT_TRUE(log);
  SegmentLog& l = **log;
  auto frames = fill(l, 600);
  Owner owner;
  // Keep one frame in ten in the first half, and nothing in the second half.
  for (int i = 0; i < 300; i += 10) {
    owner.where[i] = frames[i].position;
    owner.key_at[frames[i].position] = i;
    ASSERT_TRUE(l.add_live(frames[i].position).ok());
  }
  uint64_t before = used(dir.path());
  auto result = compact(l, CompactionOptions{}, owner.hooks());
  ASSERT_TRUE(result) << result.error().to_string();
  EXPECT_EQ(result->frames_copied, 30u);
  EXPECT_GE(result->segments_deleted, frames[299].position.segment.value + 1);
  EXPECT_LT(used(dir.path()), before / 2);
  for (const auto& [key, pos] : owner.where) {
    auto r = l.read(pos);
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->payload, payload_for(key, 1000));
    EXPECT_EQ(r->flags, log_format::kFlagRelocated);
  }
  // Replay after a restart shows each relocated copy with its flag.
  log->reset();
  int relocated = 0;
  auto reopened = SegmentLog::open(gc_options(dir.path()), [&](const LogRecordView& v) {
    if (v.flags & log_format::kFlagRelocated) ++relocated;
  });
  ASSERT_TRUE(reopened);
  EXPECT_EQ(relocated, 30);
}

TEST(Compaction, ACopyOfAFrameThatDiedMeanwhileStaysDead) {
  TempDir dir;
  auto log = SegmentLog::open(gc_options(dir.path()));
  ASSERT_TRUE(log);
  SegmentLog& l = **log;
  auto frames = fill(l, 200);
  Owner owner;
  owner.key_at[frames[5].position] = 5;
  owner.where[5] = frames[5].position;
  ASSERT_TRUE(l.add_live(frames[5].position).ok());
  owner.deleted_meanwhile.insert(5);
  auto result = compact(l, CompactionOptions{}, owner.hooks());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->frames_copied, 0u);
  // The owner has not marked the old frame dead yet, so it still pins segment 0.
  EXPECT_EQ(result->segments_deleted, 0u);
  ASSERT_TRUE(l.mark_dead(frames[5].position).ok());
  EXPECT_GT(*l.collect_garbage(), 0u);
  for (const auto& s : l.segments()) EXPECT_EQ(s.live_frames, 0);
}

TEST(Compaction, LeavesSegmentsAboveTheLiveFractionAlone) {
  TempDir dir;
  auto log = SegmentLog::open(gc_options(dir.path()));
  ASSERT_TRUE(log);
  SegmentLog& l = **log;
  auto frames = fill(l, 200);
  Owner owner;
  for (int i = 0; i < 30; ++i) {  // about half of segment 0
    owner.key_at[frames[i].position] = i;
    ASSERT_TRUE(l.add_live(frames[i].position).ok());
  }
  auto result = compact(l, CompactionOptions{}, owner.hooks());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->segments_compacted, 0u);
  EXPECT_EQ(result->segments_deleted, 0u);
}

TEST(Compaction, LosesNothingUnderConcurrentAppends) {
  TempDir dir;
  auto log = SegmentLog::open(gc_options(dir.path()));
  ASSERT_TRUE(log);
  SegmentLog& l = **log;
  auto frames = fill(l, 400);
  Owner owner;
  for (int i = 0; i < 400; i += 20) {
    owner.where[i] = frames[i].position;
    owner.key_at[frames[i].position] = i;
    ASSERT_TRUE(l.add_live(frames[i].position).ok());
  }
  std::atomic<bool> stop{false};
  std::vector<AppendedFrame> concurrent;
  std::thread writer([&] {
    for (uint64_t k = 10'000; !stop.load(); ++k) {
      auto r = l.append_and_wait(0x02, payload_for(k, 500));
      ASSERT_TRUE(r);
      concurrent.push_back(*r);
    }
  });
  auto result = compact(l, CompactionOptions{}, owner.hooks());
  stop = true;
  writer.join();
  ASSERT_TRUE(result) << result.error().to_string();
  EXPECT_EQ(result->frames_copied, 20u);
  for (const auto& [key, pos] : owner.where) {
    auto r = l.read(pos);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->payload, payload_for(key, 1000));
  }
  for (size_t i = 0; i < concurrent.size(); ++i) {
    auto r = l.read(concurrent[i].position);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->payload, payload_for(10'000 + i, 500));
  }
}

}  // namespace
}  // namespace spool
