// FIFO delivery order of QueueState: groups, blocking while in flight, redelivery in
// order, and the dead-letter flag.
#include <gtest/gtest.h>

#include "engine/queue_state.h"

namespace spool {
namespace {

constexpr int64_t kNow = 1'000'000;
constexpr int64_t kRetention = 4 * 86'400'000LL;
constexpr int64_t kVisibility = 30'000;

StoredMessage message_at(int64_t sent_ms, int64_t visible_at_ms, uint64_t seq) {
  return StoredMessage::make(FramePosition{SegmentOrdinal{0}, static_cast<uint32_t>(seq), 100}, sent_ms,
                             visible_at_ms, 0, 0);
}

std::vector<uint64_t> seqs_of(const std::vector<PickedMessage>& picked) {
  std::vector<uint64_t> out;
  for (const PickedMessage& p : picked) out.push_back(p.seq);
  return out;
}

std::vector<uint64_t> receive(QueueState& q, int max, int64_t now = kNow) {
  std::vector<FramePosition> expired;
  return seqs_of(q.receive(max, now, kVisibility, kRetention, &expired));
}

TEST(FifoQueueState, OneReceiveTakesConsecutiveMessagesOfOneGroupThenTheNext) {
  QueueState q(1, /*fifo=*/true);
  q.add(1, message_at(kNow, kNow, 1), kNow, "a");
  q.add(2, message_at(kNow, kNow, 2), kNow, "b");
  q.add(3, message_at(kNow, kNow, 3), kNow, "a");
  q.add(4, message_at(kNow, kNow, 4), kNow, "b");
  q.add(5, message_at(kNow, kNow, 5), kNow, "a");
  EXPECT_EQ(receive(q, 4), (std::vector<uint64_t>{1, 3, 5, 2}));
  // Group a is all in flight, group b has message 2 in flight: nothing is deliverable.
  EXPECT_FALSE(q.has_deliverable(kNow));
  EXPECT_TRUE(receive(q, 10).empty());
  QueueCounters c = q.counters(kNow);
  EXPECT_EQ(c.in_flight, 4u);
  EXPECT_EQ(c.visible, 1u);  // message 4 is visible, though its group is blocked
  EXPECT_EQ(c.groups_in_flight, 2u);
}

TEST(FifoQueueState, DeletingTheInFlightHeadReleasesTheGroup) {
  QueueState q(1, true);
  for (uint64_t s = 1; s <= 3; ++s) q.add(s, message_at(kNow, kNow, s), kNow, "g");
  EXPECT_EQ(receive(q, 1), (std::vector<uint64_t>{1}));
  EXPECT_TRUE(receive(q, 1).empty());
  ASSERT_TRUE(q.remove(1).has_value());
  EXPECT_TRUE(q.has_deliverable(kNow));
  EXPECT_EQ(receive(q, 10), (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(q.counters(kNow).groups_in_flight, 1u);
}

TEST(FifoQueueState, AGroupStaysBlockedWhileAnyOfItsMessagesIsInFlight) {
  QueueState q(1, true);
  for (uint64_t s = 1; s <= 3; ++s) q.add(s, message_at(kNow, kNow, s), kNow, "g");
  EXPECT_EQ(receive(q, 2), (std::vector<uint64_t>{1, 2}));
  q.set_visible_at(2, kNow, kNow);  // ChangeMessageVisibility(0) on the second
  EXPECT_FALSE(q.has_deliverable(kNow)) << "message 1 is still in flight";
  q.remove(1);
  EXPECT_EQ(receive(q, 10), (std::vector<uint64_t>{2, 3}));
}

TEST(FifoQueueState, ExpiredVisibilityRedeliversTheGroupInOrder) {
  QueueState q(1, true);
  for (uint64_t s = 1; s <= 3; ++s) q.add(s, message_at(kNow, kNow, s), kNow, "g");
  EXPECT_EQ(receive(q, 2), (std::vector<uint64_t>{1, 2}));
  EXPECT_TRUE(receive(q, 10, kNow + kVisibility - 1).empty());
  std::vector<FramePosition> expired;
  auto again = q.receive(10, kNow + kVisibility, kVisibility, kRetention, &expired);
  ASSERT_EQ(seqs_of(again), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(again[0].state.receive_count, 2u);
  EXPECT_EQ(again[2].state.receive_count, 1u);
}

TEST(FifoQueueState, DelayedHeadHoldsItsGroupUntilDue) {
  QueueState q(1, true);
  q.add(1, message_at(kNow, kNow + 5000, 1), kNow, "g");
  q.add(2, message_at(kNow, kNow, 2), kNow, "h");
  EXPECT_EQ(receive(q, 10), (std::vector<uint64_t>{2}));
  EXPECT_FALSE(q.has_deliverable(kNow + 4999));
  EXPECT_TRUE(q.has_deliverable(kNow + 5000));
  EXPECT_EQ(receive(q, 10, kNow + 5000), (std::vector<uint64_t>{1}));
}

TEST(FifoQueueState, ReplayedReceiveKeepsGroupOrderAndBlocking) {
  // Replay files the ENQUEUEs, then re-applies a RECEIVE of the head.
  QueueState q(1, true);
  for (uint64_t s = 1; s <= 3; ++s) q.add(s, message_at(kNow, kNow, s), kNow, "g");
  q.set_received(1, 1, kNow + kVisibility, kNow, kNow);
  EXPECT_FALSE(q.has_deliverable(kNow));
  EXPECT_EQ(q.counters(kNow).in_flight, 1u);
  EXPECT_EQ(receive(q, 10, kNow + kVisibility), (std::vector<uint64_t>{1, 2, 3}));
}

TEST(FifoQueueState, DeadLetteredMessageEndsItsGroupsShareOfTheReceive) {
  QueueState q(1, true);
  for (uint64_t s = 1; s <= 2; ++s) q.add(s, message_at(kNow, kNow, s), kNow, "g");
  q.set_received(1, 3, kNow, kNow - 1, kNow);  // received 3 times, visible again
  std::vector<FramePosition> expired;
  auto picked = q.receive(10, kNow, kVisibility, kRetention, &expired, /*max_receive_count=*/3);
  ASSERT_EQ(picked.size(), 1u);
  EXPECT_EQ(picked[0].seq, 1u);
  EXPECT_TRUE(picked[0].dead_letter);
  EXPECT_FALSE(q.has_deliverable(kNow)) << "the group waits for the move";
  q.remove(1);
  picked = q.receive(10, kNow, kVisibility, kRetention, &expired, 3);
  ASSERT_EQ(picked.size(), 1u);
  EXPECT_EQ(picked[0].seq, 2u);
  EXPECT_FALSE(picked[0].dead_letter);
}

TEST(FifoQueueState, ExpiredMessagesAreDroppedAndTheGroupGoesOn) {
  QueueState q(1, true);
  const int64_t later = kNow + kRetention;
  q.add(1, message_at(kNow, kNow, 1), kNow, "g");
  q.add(2, message_at(later, later, 2), later, "g");
  std::vector<FramePosition> expired;
  auto picked = q.receive(10, later, kVisibility, kRetention, &expired);
  EXPECT_EQ(seqs_of(picked), (std::vector<uint64_t>{2}));
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].offset, 1u);
  EXPECT_EQ(q.size(), 1u);
}

TEST(FifoQueueState, PurgeEmptiesGroupsAndNewMessagesStartFresh) {
  QueueState q(1, true);
  for (uint64_t s = 1; s <= 3; ++s) q.add(s, message_at(kNow, kNow, s), kNow, "g");
  EXPECT_EQ(receive(q, 1), (std::vector<uint64_t>{1}));
  std::vector<FramePosition> removed;
  q.purge(3, &removed);
  EXPECT_EQ(removed.size(), 3u);
  EXPECT_EQ(q.counters(kNow).groups_in_flight, 0u);
  q.add(4, message_at(kNow, kNow, 4), kNow, "g");
  EXPECT_EQ(receive(q, 10), (std::vector<uint64_t>{4}));
}

TEST(FifoQueueState, ManyGroupsAreServedInTheOrderTheyBecameReady) {
  QueueState q(1, true);
  for (uint64_t s = 1; s <= 1000; ++s) q.add(s, message_at(kNow, kNow, s), kNow, "g" + std::to_string(s % 100));
  std::vector<uint64_t> first = receive(q, 10);
  // Group g1 holds 1, 101, 201, ...: one receive drains ten of them in order.
  EXPECT_EQ(first, (std::vector<uint64_t>{1, 101, 201, 301, 401, 501, 601, 701, 801, 901}));
  std::vector<uint64_t> second = receive(q, 10);
  EXPECT_EQ(second.front(), 2u);
  EXPECT_EQ(q.counters(kNow).groups_in_flight, 2u);
}

}  // namespace
}  // namespace spool
