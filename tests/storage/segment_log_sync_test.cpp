// Group commit (spec section 9) and the failures of the sync thread.

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <map>
#include <mutex>
#include <thread>

#include "storage/faulty_file.h"
#include "storage/file_names.h"
#include "storage/segment_log.h"
#include "tests/storage/storage_test_util.h"

namespace spool {
namespace {

using testing::eventually;
using testing::payload_for;
using testing::TempDir;

SegmentLogOptions faulty_options(const std::string& dir, FaultInjector& faults) {
  SegmentLogOptions o;
  o.dir = dir;
  o.segment_bytes = 256 * 1024;
  o.preallocate_bytes = 64 * 1024;
  o.open_file = faults.opener();
  o.free_bytes = [&faults]() -> Result<uint64_t> { return faults.free_bytes(); };
  o.disk_probe_interval = std::chrono::milliseconds(5);
  return o;
}

std::map<uint64_t, std::string> replay_all(const std::string& dir) {
  std::map<uint64_t, std::string> out;
  SegmentLogOptions o;
  o.dir = dir;
  auto log = SegmentLog::open(o, [&](const LogRecordView& v) { out[v.seq.value] = v.payload; });
  EXPECT_TRUE(log) << log.error().to_string();
  return out;
}

TEST(GroupCommit, SixtyFourThreadsEveryCompletionFollowsItsSyncAndSurvives) {
  TempDir dir;
  FaultInjector faults;
  constexpr int kThreads = 64;
  constexpr int kPerThread = 150;
  // Slow syncs a little so rounds gather many frames.
  faults.set_before_sync([](const std::string&) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  });
  std::mutex mu;
  std::map<uint64_t, std::string> acked;  // seq -> payload
  std::atomic<int> early{0};
  std::map<uint32_t, std::string> paths;  // ordinal -> path
  {
    auto log = SegmentLog::open(faulty_options(dir.path(), faults));
    ASSERT_TRUE(log);
    SegmentLog& l = **log;
    auto path_of = [&](SegmentOrdinal o) {
      std::lock_guard lock(mu);
      if (!paths.count(o.value)) {
        for (const auto& s : l.segments()) paths[s.ordinal.value] = dir.sub(s.file);
      }
      return paths[o.value];
    };
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          uint64_t key = static_cast<uint64_t>(t) * 1'000'000 + i;
          std::string payload = payload_for(key, 64 + key % 200);
          auto placed = l.append_and_wait(0x01, payload);
          ASSERT_TRUE(placed) << placed.error().to_string();
          // The completion has run, so the frame's bytes must be covered by a sync.
          uint64_t end = uint64_t{placed->position.offset} + placed->position.length;
          if (faults.synced_size(path_of(placed->position.segment)) < end) ++early;
          EXPECT_GT(l.durable_seq(), placed->seq);
          std::lock_guard lock(mu);
          acked[placed->seq.value] = payload;
        }
      });
    }
    for (auto& th : threads) th.join();
    auto stats = l.sync_stats();
    EXPECT_GE(stats.frames, uint64_t{kThreads * kPerThread});
    std::printf("group commit: %llu frames in %llu rounds\n",
                static_cast<unsigned long long>(stats.frames),
                static_cast<unsigned long long>(stats.rounds));
  }
  EXPECT_EQ(early.load(), 0);
  ASSERT_EQ(acked.size(), size_t{kThreads * kPerThread});
  // A power cut after the last ack loses nothing acknowledged.
  faults.drop_unsynced();
  auto replayed = replay_all(dir.path());
  for (const auto& [seq, payload] : acked) {
    auto it = replayed.find(seq);
    ASSERT_NE(it, replayed.end()) << "seq " << seq;
    EXPECT_EQ(it->second, payload);
  }
}

TEST(GroupCommit, OneRoundTakesEverythingPendingWhileTheLastOneSynced) {
  TempDir dir;
  FaultInjector faults;
  auto log = SegmentLog::open(faulty_options(dir.path(), faults));
  ASSERT_TRUE(log);
  SegmentLog& l = **log;
  std::atomic<int> placed{0};
  std::atomic<bool> first{true}, first_sync_started{false};
  faults.set_before_sync([&](const std::string&) {
    // Hold the first round's sync until 99 more frames wait behind it.
    if (first.exchange(false)) {
      first_sync_started = true;
      EXPECT_TRUE(eventually([&] { return placed.load() >= 100; }));
    }
  });
  std::atomic<int> completed{0};
  auto done = [&](Status s) {
    EXPECT_TRUE(s.ok());
    ++completed;
  };
  ASSERT_TRUE(l.append(0x01, payload_for(0, 100), done));
  ++placed;
  ASSERT_TRUE(eventually([&] { return first_sync_started.load(); }));
  for (int i = 1; i < 100; ++i) {
    ASSERT_TRUE(l.append(0x01, payload_for(i, 100), done));
    ++placed;
  }
  ASSERT_TRUE(l.flush().ok());
  EXPECT_EQ(completed.load(), 100);
  auto stats = l.sync_stats();
  EXPECT_EQ(stats.frames, 100u);
  EXPECT_EQ(stats.rounds, 2u);
  EXPECT_EQ(stats.syncs, 2u);
}

TEST(GroupCommit, CompletionsRunInSeqOrder) {
  TempDir dir;
  FaultInjector faults;
  auto log = SegmentLog::open(faulty_options(dir.path(), faults));
  ASSERT_TRUE(log);
  std::vector<uint64_t> order;
  for (uint64_t i = 0; i < 500; ++i) {
    ASSERT_TRUE((*log)->append(0x01, "x", [&order, i](Status) { order.push_back(i); }));
  }
  ASSERT_TRUE((*log)->flush().ok());
  ASSERT_EQ(order.size(), 500u);
  for (uint64_t i = 0; i < 500; ++i) EXPECT_EQ(order[i], i);
}

TEST(GroupCommit, EioFromFdatasyncFailsTheRoundAndTheLogForGood) {
  TempDir dir;
  FaultInjector faults;
  auto log = SegmentLog::open(faulty_options(dir.path(), faults));
  ASSERT_TRUE(log);
  ASSERT_TRUE((*log)->append_and_wait(0x01, "kept"));
  faults.fail_nth_sync(1, EIO);
  auto r = (*log)->append_and_wait(0x01, "lost");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::kIoError);
  EXPECT_EQ((*log)->health().code(), Errc::kIoError);
  // Never retried, even though the next sync would succeed.
  auto again = (*log)->append(0x01, "refused", {});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), Errc::kIoError);
  EXPECT_EQ((*log)->durable_seq(), SeqNo{1});
}

// ENOSPC from pwritev or fallocate: cut back, fail the round, refuse, resume by itself.
class NoSpace : public ::testing::TestWithParam<bool /*on allocate*/> {};

TEST_P(NoSpace, FailsTheRoundKeepsAcknowledgedDataAndResumes) {
  TempDir dir;
  FaultInjector faults;
  auto o = faulty_options(dir.path(), faults);
  o.preallocate_bytes = 4096;  // every few frames allocates
  std::vector<AppendedFrame> kept;
  {
    auto log = SegmentLog::open(o);
    ASSERT_TRUE(log);
    SegmentLog& l = **log;
    for (int i = 0; i < 10; ++i) {
      auto r = l.append_and_wait(0x01, payload_for(i, 1000));
      ASSERT_TRUE(r);
      kept.push_back(*r);
    }
    faults.set_free_bytes(0);  // keeps the probe from lifting the mode at once
    if (GetParam()) {
      faults.fail_nth_allocate(1, ENOSPC);
    } else {
      faults.fail_nth_write(1, ENOSPC);
    }
    auto failed = l.append_and_wait(0x01, payload_for(99, 5000));
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code(), Errc::kNoSpace);
    EXPECT_NE(failed.error().message().find("disk full"), std::string::npos);
    auto refused = l.append(0x01, "x", {});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code(), Errc::kNoSpace);
    for (const auto& f : kept) EXPECT_TRUE(l.read(f.position));
    faults.set_free_bytes(uint64_t{1} << 40);
    ASSERT_TRUE(eventually([&] { return l.health().ok(); }));
    auto resumed = l.append_and_wait(0x01, payload_for(10, 1000));
    ASSERT_TRUE(resumed) << resumed.error().to_string();
    EXPECT_EQ(resumed->seq, SeqNo{10});  // the failed frame's seq was never durable
    kept.push_back(*resumed);
  }
  auto replayed = replay_all(dir.path());
  ASSERT_EQ(replayed.size(), kept.size());
  for (size_t i = 0; i < kept.size(); ++i) EXPECT_EQ(replayed[i], payload_for(i, 1000));
}

INSTANTIATE_TEST_SUITE_P(WriteOrAllocate, NoSpace, ::testing::Values(false, true));

TEST(GroupCommit, NoSpaceWhileRollingCutsTheSealAndRollsAgainLater) {
  TempDir dir;
  FaultInjector faults;
  auto o = faulty_options(dir.path(), faults);
  o.segment_bytes = 8192;
  o.preallocate_bytes = 8192;
  uint64_t n = 0;
  {
    auto log = SegmentLog::open(o);
    ASSERT_TRUE(log);
    SegmentLog& l = **log;
    // Fill the first segment to just below a roll.
    while (l.segments()[0].durable_bytes + 1020 + 64 <= 8192) {
      ASSERT_TRUE(l.append_and_wait(0x01, payload_for(n++, 1000)));
    }
    ASSERT_EQ(l.segments().size(), 1u);
    faults.fail_nth_allocate(1, ENOSPC);  // the new segment's first allocation
    auto failed = l.append_and_wait(0x01, payload_for(n, 1000));
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code(), Errc::kNoSpace);
    EXPECT_EQ(testing::segment_files(dir.path()).size(), 1u);
    ASSERT_TRUE(eventually([&] { return l.health().ok(); }));
    auto resumed = l.append_and_wait(0x01, payload_for(n, 1000));
    ASSERT_TRUE(resumed) << resumed.error().to_string();
    EXPECT_EQ(resumed->position.segment, SegmentOrdinal{1});
    ++n;
  }
  auto replayed = replay_all(dir.path());
  ASSERT_EQ(replayed.size(), n);
}

}  // namespace
}  // namespace spool
