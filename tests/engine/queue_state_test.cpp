#include "engine/queue_state.h"

#include <gtest/gtest.h>

#include <set>

namespace spool {
namespace {

constexpr int64_t kNow = 1'000'000;
constexpr int64_t kRetention = 4 * 86'400'000LL;

StoredMessage message_at(int64_t sent_ms, int64_t visible_at_ms, uint32_t offset) {
  return StoredMessage::make(FramePosition{SegmentOrdinal{0}, offset, 100}, sent_ms, visible_at_ms, 0, 0);
}

TEST(QueueState, ReceiveHidesMessagesAndCountsTheReceive) {
  QueueState q(7);
  for (uint64_t seq = 1; seq <= 3; ++seq) q.add(seq, message_at(kNow, kNow, static_cast<uint32_t>(seq)), kNow);
  EXPECT_EQ(q.counters(kNow).visible, 3u);
  std::vector<FramePosition> expired;
  auto picked = q.receive(2, kNow, 30'000, kRetention, &expired);
  ASSERT_EQ(picked.size(), 2u);
  EXPECT_EQ(picked[0].seq, 1u);
  EXPECT_EQ(picked[1].seq, 2u);
  EXPECT_EQ(picked[0].state.receive_count, 1u);
  EXPECT_EQ(picked[0].state.first_receive_ms(), kNow);
  EXPECT_EQ(picked[0].state.visible_at_ms, kNow + 30'000);
  QueueCounters c = q.counters(kNow);
  EXPECT_EQ(c.visible, 1u);
  EXPECT_EQ(c.in_flight, 2u);
  EXPECT_EQ(c.delayed, 0u);
  EXPECT_TRUE(expired.empty());
}

TEST(QueueState, VisibilityExpiryMakesAMessageReceivableAgain) {
  QueueState q(7);
  q.add(1, message_at(kNow, kNow, 1), kNow);
  std::vector<FramePosition> expired;
  ASSERT_EQ(q.receive(10, kNow, 1000, kRetention, &expired).size(), 1u);
  EXPECT_TRUE(q.receive(10, kNow + 999, 1000, kRetention, &expired).empty());
  auto again = q.receive(10, kNow + 1000, 1000, kRetention, &expired);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].state.receive_count, 2u);
  EXPECT_EQ(again[0].state.first_receive_ms(), kNow);  // the first receive is kept
}

TEST(QueueState, DelayedMessagesCountAsDelayedUntilDue) {
  QueueState q(7);
  q.add(1, message_at(kNow, kNow + 5000, 1), kNow);
  QueueCounters c = q.counters(kNow);
  EXPECT_EQ(c.delayed, 1u);
  EXPECT_EQ(c.visible, 0u);
  EXPECT_FALSE(q.has_deliverable(kNow + 4999));
  EXPECT_TRUE(q.has_deliverable(kNow + 5000));
  c = q.counters(kNow + 5000);
  EXPECT_EQ(c.delayed, 0u);
  EXPECT_EQ(c.visible, 1u);
}

TEST(QueueState, ChangingVisibilityToNowReleasesTheMessage) {
  QueueState q(7);
  q.add(1, message_at(kNow, kNow, 1), kNow);
  std::vector<FramePosition> expired;
  ASSERT_EQ(q.receive(1, kNow, 30'000, kRetention, &expired).size(), 1u);
  q.set_visible_at(1, kNow + 10, kNow + 10);
  auto again = q.receive(1, kNow + 10, 30'000, kRetention, &expired);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].seq, 1u);
  EXPECT_EQ(again[0].state.receive_count, 2u);
}

TEST(QueueState, RemoveReturnsThePositionOnceAndKeepsCountsRight) {
  QueueState q(7);
  q.add(1, message_at(kNow, kNow, 11), kNow);
  q.add(2, message_at(kNow, kNow + 100, 22), kNow);
  auto position = q.remove(1);
  ASSERT_TRUE(position.has_value());
  EXPECT_EQ(position->offset, 11u);
  EXPECT_FALSE(q.remove(1).has_value());
  ASSERT_TRUE(q.remove(2).has_value());
  QueueCounters c = q.counters(kNow + 1000);
  EXPECT_EQ(c.visible + c.in_flight + c.delayed, 0u);
  std::vector<FramePosition> expired;
  EXPECT_TRUE(q.receive(10, kNow + 1000, 1000, kRetention, &expired).empty());
}

TEST(QueueState, RetentionExpiresOnReceiveAndOnSweep) {
  QueueState q(7);
  q.add(1, message_at(kNow - 2000, kNow - 2000, 1), kNow);
  q.add(2, message_at(kNow, kNow, 2), kNow);
  std::vector<FramePosition> expired;
  auto picked = q.receive(10, kNow, 1000, /*retention_ms=*/1000, &expired);
  ASSERT_EQ(picked.size(), 1u);
  EXPECT_EQ(picked[0].seq, 2u);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].offset, 1u);
  expired.clear();
  q.expire(kNow + 1000, 1000, &expired);
  ASSERT_EQ(expired.size(), 1u);  // the in-flight message expires too
  EXPECT_EQ(q.size(), 0u);
}

TEST(QueueState, RetentionPassInSlicesExpiresExactlyTheOldAndFindsTheOldest) {
  QueueState q(7);
  // 3,000 messages: every third is past retention (sent 2 s ago; retention 1.5 s, and
  // sent times are kept in whole seconds, so the others read as 0 or 1 s old).
  for (uint64_t seq = 1; seq <= 3000; ++seq) {
    const int64_t sent = seq % 3 == 0 ? kNow - 2000 : kNow - static_cast<int64_t>(seq % 500);
    q.add(seq, message_at(sent, sent, static_cast<uint32_t>(seq)), kNow);
  }
  EXPECT_FALSE(q.expiring());
  q.begin_expiry();
  ASSERT_TRUE(q.expiring());
  std::vector<FramePosition> expired;
  int slices = 0;
  while (!q.expire_some(kNow, 1500, /*budget=*/64, &expired)) ++slices;
  EXPECT_GT(slices, 10);  // 3,000 messages in at least ~3,000 buckets, 64 at a time
  EXPECT_FALSE(q.expiring());
  EXPECT_EQ(expired.size(), 1000u);
  for (const FramePosition& p : expired) EXPECT_EQ(p.offset % 3, 0u);
  EXPECT_EQ(q.size(), 2000u);
  // The oldest survivors were sent in the second before kNow's.
  EXPECT_EQ(q.counters(kNow).oldest_sent_ms, kNow - 1000);
  // A message added mid-pass counts for the pass's oldest even when its bucket was seen
  // already (seq 3 hashes to bucket 3, which the first slice of 64 covers).
  expired.clear();
  q.begin_expiry();
  ASSERT_FALSE(q.expire_some(kNow, 3000, 64, &expired));
  q.add(3, message_at(kNow - 1500, kNow, 3), kNow);  // older than every survivor
  while (!q.expire_some(kNow, 3000, 64, &expired)) {
  }
  EXPECT_TRUE(expired.empty());
  EXPECT_EQ(q.size(), 2001u);
  EXPECT_EQ(q.counters(kNow).oldest_sent_ms, kNow - 2000);  // whole seconds: 998.5 s is 998 s
  // A slice without a pass under way does nothing.
  expired.clear();
  EXPECT_TRUE(q.expire_some(kNow + 10'000, 1500, 64, &expired));
  EXPECT_TRUE(expired.empty());
}

TEST(QueueState, AnExpiryPassThatGrowthInterruptsStartsAgainAndMissesNothing) {
  QueueState q(7);
  // 2,000 old messages (offset 0) and new ones (offset 1), interleaved by seq.
  uint64_t seq = 1;
  for (; seq <= 4000; ++seq) {
    q.add(seq, message_at(seq % 2 == 0 ? kNow - 2000 : kNow, kNow, static_cast<uint32_t>(seq % 2)), kNow);
  }
  q.begin_expiry();
  std::vector<FramePosition> expired;
  ASSERT_FALSE(q.expire_some(kNow, 1500, 16, &expired));
  // New messages until the map grows: the buckets the pass has counted are renumbered.
  const size_t before = q.size();
  while (q.size() < 3 * before) {  // past any capacity the map had: it grew
    q.add(seq, message_at(kNow, kNow, 1), kNow);
    ++seq;
  }
  int slices = 0;
  while (!q.expire_some(kNow, 1500, 16, &expired)) ++slices;
  EXPECT_GT(slices, 10);
  std::set<uint64_t> old_positions;
  for (const FramePosition& p : expired) old_positions.insert(p.offset);
  EXPECT_EQ(old_positions, std::set<uint64_t>{0});
  EXPECT_EQ(expired.size(), 2000u);  // each old message once, none left behind
  EXPECT_EQ(q.size(), seq - 1 - 2000);
  EXPECT_EQ(q.counters(kNow).oldest_sent_ms, kNow);
}

TEST(QueueState, PurgeRemovesUpToTheGivenSeq) {
  QueueState q(7);
  for (uint64_t seq = 1; seq <= 5; ++seq) q.add(seq, message_at(kNow, kNow, static_cast<uint32_t>(seq)), kNow);
  std::vector<FramePosition> removed;
  q.purge(3, &removed);
  EXPECT_EQ(removed.size(), 3u);
  EXPECT_EQ(q.size(), 2u);
  EXPECT_NE(q.find(4), nullptr);
  EXPECT_EQ(q.find(3), nullptr);
}

TEST(QueueState, ReplayedReceiveSetsAbsoluteState) {
  QueueState q(7);
  q.add(1, message_at(kNow, kNow, 1), kNow);
  q.set_received(1, 3, kNow + 500, kNow + 100, kNow);
  const StoredMessage* m = q.find(1);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->receive_count, 3u);
  EXPECT_EQ(m->first_receive_ms(), kNow + 100);
  QueueCounters c = q.counters(kNow);
  EXPECT_EQ(c.in_flight, 1u);
  // Applying the same record twice changes nothing.
  q.set_received(1, 3, kNow + 500, kNow + 100, kNow);
  c = q.counters(kNow);
  EXPECT_EQ(c.in_flight, 1u);
  EXPECT_EQ(c.visible, 0u);
  EXPECT_TRUE(q.has_deliverable(kNow + 500));
}

TEST(QueueState, ManyMessagesDrainExactlyOnce) {
  QueueState q(7);
  for (uint64_t seq = 0; seq < 1000; ++seq) q.add(seq, message_at(kNow, kNow, static_cast<uint32_t>(seq)), kNow);
  std::vector<FramePosition> expired;
  std::vector<bool> seen(1000, false);
  int total = 0;
  while (true) {
    auto picked = q.receive(10, kNow, 60'000, kRetention, &expired);
    if (picked.empty()) break;
    for (const auto& p : picked) {
      EXPECT_FALSE(seen[p.seq]) << p.seq;
      seen[p.seq] = true;
      ++total;
      q.remove(p.seq);
    }
  }
  EXPECT_EQ(total, 1000);
  EXPECT_EQ(q.size(), 0u);
}

// The lazy structures are compacted once stale nodes pass 2 x live + 1024.
constexpr size_t kMostStaleNodes = 1024;

TEST(QueueState, DeletedInFlightMessagesLeaveNoTimerNodesBehind) {
  QueueState q(7);
  std::vector<FramePosition> expired;
  // One message stays in flight throughout, with a 12-hour visibility timeout.
  q.add(1, message_at(kNow, kNow, 1), kNow);
  ASSERT_EQ(q.receive(1, kNow, 43'200'000, kRetention, &expired).size(), 1u);
  uint64_t seq = 2;
  for (int round = 0; round < 100; ++round) {
    for (int i = 0; i < 1000; ++i, ++seq) q.add(seq, message_at(kNow, kNow, static_cast<uint32_t>(seq)), kNow);
    for (;;) {
      auto picked = q.receive(10, kNow, 43'200'000, kRetention, &expired);
      if (picked.empty()) break;
      for (const auto& p : picked) ASSERT_TRUE(q.remove(p.seq).has_value());
    }
  }
  // 100,000 receives of deleted messages; without compaction each left a node for 12 h.
  EXPECT_LE(q.footprint().timer_nodes, 2 * 1 + kMostStaleNodes);
  EXPECT_LE(q.footprint().ready_nodes, kMostStaleNodes);
  EXPECT_EQ(q.size(), 1u);
  // The message in flight kept its deadline through every pass.
  EXPECT_TRUE(q.receive(10, kNow + 43'200'000 - 1, 1000, kRetention, &expired).empty());
  auto again = q.receive(10, kNow + 43'200'000, 1000, kRetention, &expired);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].seq, 1u);
  EXPECT_EQ(again[0].state.receive_count, 2u);
}

TEST(QueueState, AQueueNobodyReadsKeepsNoNodesForExpiredMessages) {
  QueueState q(7);
  constexpr int64_t kShortRetention = 60'000;
  std::vector<FramePosition> expired;
  uint64_t seq = 1;
  int64_t now = kNow;
  for (int round = 0; round < 100; ++round, now += kShortRetention) {
    for (int i = 0; i < 1000; ++i, ++seq) q.add(seq, message_at(now, now, static_cast<uint32_t>(seq)), now);
    q.expire(now + kShortRetention - 1, kShortRetention, &expired);  // the previous round's
  }
  EXPECT_EQ(expired.size(), 99'000u);
  EXPECT_EQ(q.size(), 1000u);
  EXPECT_LE(q.footprint().ready_nodes, 2 * 1000 + kMostStaleNodes);
  // The survivors are still delivered once each, in order.
  const uint64_t first = seq - 1000;
  for (uint64_t want = first; want < seq; want += 10) {
    auto picked = q.receive(10, now - 1, 30'000, kRetention, &expired);
    ASSERT_EQ(picked.size(), 10u);
    for (size_t i = 0; i < picked.size(); ++i) EXPECT_EQ(picked[i].seq, want + i);
  }
  EXPECT_TRUE(q.receive(10, now - 1, 30'000, kRetention, &expired).empty());
}

TEST(QueueState, PurgeLeavesNoRunOfStaleNodes) {
  QueueState q(7);
  std::vector<FramePosition> expired, removed;
  for (uint64_t seq = 1; seq <= 5000; ++seq) q.add(seq, message_at(kNow, kNow, static_cast<uint32_t>(seq)), kNow);
  for (int i = 0; i < 200; ++i) ASSERT_EQ(q.receive(10, kNow, 30'000, kRetention, &expired).size(), 10u);
  q.purge(5000, &removed);
  EXPECT_EQ(removed.size(), 5000u);
  EXPECT_LE(q.footprint().ready_nodes, kMostStaleNodes);
  EXPECT_LE(q.footprint().timer_nodes, kMostStaleNodes);
  EXPECT_TRUE(q.receive(10, kNow + 30'000, 30'000, kRetention, &expired).empty());
}

TEST(QueueState, CompactionKeepsAMessageShownTwiceInItsFirstPlaceOnce) {
  QueueState q(7);
  for (uint64_t seq = 1; seq <= 3000; ++seq) q.add(seq, message_at(kNow, kNow, static_cast<uint32_t>(seq)), kNow);
  // Hidden and shown again: seq 1 now has its first node and one at the back.
  q.set_visible_at(1, kNow + 1000, kNow);
  q.set_visible_at(1, kNow, kNow);
  // Deleting visible messages makes their nodes stale until a pass drops them.
  for (uint64_t seq = 2; seq <= 2500; ++seq) ASSERT_TRUE(q.remove(seq).has_value());
  EXPECT_LE(q.footprint().ready_nodes, 2 * 501 + kMostStaleNodes);
  std::vector<FramePosition> expired;
  std::vector<uint64_t> got;
  for (;;) {
    auto picked = q.receive(10, kNow, 30'000, kRetention, &expired);
    if (picked.empty()) break;
    for (const auto& p : picked) got.push_back(p.seq);
  }
  ASSERT_EQ(got.size(), 501u);
  EXPECT_EQ(got.front(), 1u);
  for (size_t i = 1; i < got.size(); ++i) EXPECT_EQ(got[i], 2500 + i) << i;
}

}  // namespace
}  // namespace spool

namespace spool {
namespace {

TEST(StoredMessage, PacksTimesWithoutLosingWhatClientsSee) {
  StoredMessage m = StoredMessage::make(FramePosition{}, 1'700'000'000'123, 5, 0, 0);
  EXPECT_EQ(m.sent_ms(), 1'700'000'000'000);  // seconds are enough for retention
  EXPECT_EQ(m.first_receive_ms(), 0);
  m.set_first_receive_ms(1'700'000'000'000);  // received within the send's second
  EXPECT_EQ(m.first_receive_ms(), 1'700'000'000'000);
  m.set_first_receive_ms(1'700'000'009'876);
  EXPECT_EQ(m.first_receive_ms(), 1'700'000'009'876);
  m.set_receive_count(70'000);
  EXPECT_EQ(m.receive_count, 65535);
}

}  // namespace
}  // namespace spool
