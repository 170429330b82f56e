#include "engine/topics/group_assignment.h"

#include <gtest/gtest.h>

namespace spool::topics {
namespace {

AssignmentMember member(std::string id, std::vector<std::string> topics, TopicPartitions owned = {}) {
  return AssignmentMember{std::move(id), std::move(topics), std::move(owned)};
}

TEST(GroupAssignment, ThreeMembersShareEightPartitionsInRanges) {
  auto target = compute_target_assignment(
      {member("m-a", {"orders"}), member("m-b", {"orders"}), member("m-c", {"orders"})}, {{"orders", 8}});
  EXPECT_EQ(target["m-a"], (TopicPartitions{{"orders", {0, 1, 2}}}));
  EXPECT_EQ(target["m-b"], (TopicPartitions{{"orders", {3, 4, 5}}}));
  EXPECT_EQ(target["m-c"], (TopicPartitions{{"orders", {6, 7}}}));
}

TEST(GroupAssignment, AJoiningMemberTakesOnlyWhatIsOverQuota) {
  // A and B hold 8 partitions 4 + 4; C joins and takes one from each (quotas 3, 3, 2).
  auto target = compute_target_assignment(
      {member("m-a", {"orders"}, {{"orders", {0, 1, 2, 3}}}), member("m-b", {"orders"}, {{"orders", {4, 5, 6, 7}}}),
       member("m-c", {"orders"})},
      {{"orders", 8}});
  EXPECT_EQ(target["m-a"], (TopicPartitions{{"orders", {0, 1, 2}}}));
  EXPECT_EQ(target["m-b"], (TopicPartitions{{"orders", {4, 5, 6}}}));
  EXPECT_EQ(target["m-c"], (TopicPartitions{{"orders", {3, 7}}}));
}

TEST(GroupAssignment, LargerQuotasGoFirstToMembersAlreadyHoldingMore) {
  // m-0 sorts first, but A already holds more than the floor: it keeps its two.
  auto target = compute_target_assignment({member("m-0", {"orders"}), member("m-a", {"orders"}, {{"orders", {0, 1}}}),
                                           member("m-b", {"orders"}, {{"orders", {2, 3}}})},
                                          {{"orders", 4}});
  EXPECT_EQ(target["m-0"], (TopicPartitions{{"orders", {3}}}));
  EXPECT_EQ(target["m-a"], (TopicPartitions{{"orders", {0, 1}}}));
  EXPECT_EQ(target["m-b"], (TopicPartitions{{"orders", {2}}}));
}

TEST(GroupAssignment, TheLeaversPartitionsGoToMembersBelowQuotaInOrder) {
  // B left {3, 4, 5}; A and C keep theirs and fill up to 4 each, lowest free first.
  auto target = compute_target_assignment(
      {member("m-a", {"orders"}, {{"orders", {0, 1, 2}}}), member("m-c", {"orders"}, {{"orders", {6, 7}}})},
      {{"orders", 8}});
  EXPECT_EQ(target["m-a"], (TopicPartitions{{"orders", {0, 1, 2, 3}}}));
  EXPECT_EQ(target["m-c"], (TopicPartitions{{"orders", {4, 5, 6, 7}}}));
}

TEST(GroupAssignment, OwnedPartitionsAreKeptLowestFirstUpToQuota) {
  auto target = compute_target_assignment(
      {member("m-a", {"orders"}, {{"orders", {1, 2, 3}}}), member("m-b", {"orders"})}, {{"orders", 4}});
  EXPECT_EQ(target["m-a"], (TopicPartitions{{"orders", {1, 2}}}));
  EXPECT_EQ(target["m-b"], (TopicPartitions{{"orders", {0, 3}}}));
}

TEST(GroupAssignment, UnevenSubscriptionsAreSharedPerTopic) {
  auto target = compute_target_assignment({member("m-a", {"orders", "payments"}), member("m-b", {"orders"}),
                                           member("m-c", {"payments"})},
                                          {{"orders", 3}, {"payments", 2}});
  EXPECT_EQ(target["m-a"], (TopicPartitions{{"orders", {0, 1}}, {"payments", {0}}}));
  EXPECT_EQ(target["m-b"], (TopicPartitions{{"orders", {2}}}));
  EXPECT_EQ(target["m-c"], (TopicPartitions{{"payments", {1}}}));
}

TEST(GroupAssignment, MoreMembersThanPartitionsLeavesSomeWithout) {
  auto target = compute_target_assignment(
      {member("m-a", {"orders"}), member("m-b", {"orders"}, {{"orders", {1}}}), member("m-c", {"orders"})},
      {{"orders", 2}});
  EXPECT_EQ(target["m-a"], (TopicPartitions{{"orders", {0}}}));
  EXPECT_EQ(target["m-b"], (TopicPartitions{{"orders", {1}}}));
  EXPECT_EQ(target["m-c"], TopicPartitions{});
}

TEST(GroupAssignment, UnknownTopicsAndOutOfRangeOrDuplicateClaimsAreIgnored) {
  auto target = compute_target_assignment(
      {member("m-a", {"gone", "orders"}, {{"orders", {0, 5}}}), member("m-b", {"orders"}, {{"orders", {0, 1}}})},
      {{"orders", 2}});
  EXPECT_EQ(target["m-a"], (TopicPartitions{{"orders", {0}}}));
  EXPECT_EQ(target["m-b"], (TopicPartitions{{"orders", {1}}}));
}

TEST(GroupAssignment, AStableAssignmentIsAFixedPoint) {
  std::vector<AssignmentMember> members = {member("m-a", {"orders"}), member("m-b", {"orders"}),
                                           member("m-c", {"orders"})};
  auto first = compute_target_assignment(members, {{"orders", 10}});
  for (auto& m : members) m.owned = first[m.member_id];
  EXPECT_EQ(compute_target_assignment(members, {{"orders", 10}}), first);
}

TEST(GroupAssignment, AddedPartitionsGoToMembersBelowTheNewQuota) {
  auto target = compute_target_assignment(
      {member("m-a", {"orders"}, {{"orders", {0, 1}}}), member("m-b", {"orders"}, {{"orders", {2, 3}}})},
      {{"orders", 6}});
  EXPECT_EQ(target["m-a"], (TopicPartitions{{"orders", {0, 1, 4}}}));
  EXPECT_EQ(target["m-b"], (TopicPartitions{{"orders", {2, 3, 5}}}));
}

TEST(GroupAssignment, NoMembersNoAssignment) {
  EXPECT_TRUE(compute_target_assignment({}, {{"orders", 4}}).empty());
}

}  // namespace
}  // namespace spool::topics
