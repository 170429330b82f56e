#include "engine/topics/group_members.h"

#include <gtest/gtest.h>

namespace spool::topics {
namespace {

constexpr const char* kAccount = "111111111111";
constexpr const char* kOther = "222222222222";

TopicPartitions orders(std::set<int32_t> partitions) {
  if (partitions.empty()) return {};
  return {{"orders", std::move(partitions)}};
}

class GroupMembersTest : public ::testing::Test {
 protected:
  GroupMembersTest()
      : members_(
            clock_,
            [this](const std::string& account, const std::string& topic) {
              auto it = counts_.find(topic);
              return account == kAccount && it != counts_.end() ? it->second : 0;
            },
            [this] { return "m-" + std::to_string(++next_id_); }) {}

  MemberView join(int64_t session_ms = 30'000, std::vector<std::string> topics = {"orders"}) {
    JoinRequest r;
    r.topics = std::move(topics);
    r.client_id = "worker";
    r.session_timeout_ms = session_ms;
    auto v = members_.join(kAccount, "billing", r);
    EXPECT_TRUE(v) << v.error().to_string();
    return v ? *v : MemberView{};
  }
  MemberView beat(const std::string& id, std::optional<TopicPartitions> owned = std::nullopt) {
    auto v = members_.heartbeat(kAccount, "billing", id, owned);
    EXPECT_TRUE(v) << v.error().to_string();
    return v ? *v : MemberView{};
  }
  GroupState state() { return members_.describe(kAccount, "billing")->state; }

  FakeClock clock_;
  std::map<std::string, int32_t> counts_{{"orders", 4}};
  int next_id_ = 0;
  GroupMembers members_;
};

TEST_F(GroupMembersTest, TheFirstMemberGetsEveryPartition) {
  MemberView a = join();
  EXPECT_EQ(a.member_id, "m-1");
  EXPECT_EQ(a.generation, 1u);
  EXPECT_EQ(a.assignment, orders({0, 1, 2, 3}));
  EXPECT_TRUE(a.revoked.empty());
  EXPECT_EQ(state(), GroupState::kStable);
}

TEST_F(GroupMembersTest, APartitionMovesOnlyAfterItsOldOwnerReleasesIt) {
  join();
  MemberView b = join();
  EXPECT_EQ(b.generation, 2u);
  EXPECT_TRUE(b.assignment.empty());  // 2 and 3 are still A's
  EXPECT_EQ(state(), GroupState::kReconciling);

  MemberView a = beat("m-1");
  EXPECT_EQ(a.assignment, orders({0, 1}));
  EXPECT_EQ(a.revoked, orders({2, 3}));
  int32_t unowned = -1;
  EXPECT_EQ(members_.check_owner(kAccount, "billing", "m-2", "orders", {2}, &unowned).code(),
            Errc::kPartitionNotAssigned);
  EXPECT_EQ(unowned, 2);
  EXPECT_TRUE(members_.check_owner(kAccount, "billing", "m-1", "orders", {0, 2}).ok());  // may still commit 2
  EXPECT_TRUE(beat("m-2").assignment.empty());

  // A releases 2 only: 2 moves, 3 waits.
  a = beat("m-1", orders({0, 1, 3}));
  EXPECT_EQ(a.revoked, orders({3}));
  EXPECT_EQ(beat("m-2").assignment, orders({2}));
  EXPECT_EQ(members_.check_owner(kAccount, "billing", "m-1", "orders", {2}).code(), Errc::kPartitionNotAssigned);

  beat("m-1", orders({0, 1}));
  b = beat("m-2");
  EXPECT_EQ(b.assignment, orders({2, 3}));
  EXPECT_EQ(b.generation, 2u);  // hand-overs are not changes of membership
  EXPECT_EQ(state(), GroupState::kStable);
}

TEST_F(GroupMembersTest, AnUnreleasedPartitionMovesSixtySecondsAfterItsRevocation) {
  join(120'000);
  join(120'000);
  beat("m-1");  // sees 2 and 3 revoked, never releases them
  clock_.advance(std::chrono::milliseconds(59'999));
  beat("m-1");
  EXPECT_TRUE(beat("m-2").assignment.empty());
  clock_.advance(std::chrono::milliseconds(1));
  EXPECT_EQ(beat("m-2").assignment, orders({2, 3}));
  MemberView a = beat("m-1");
  EXPECT_EQ(a.assignment, orders({0, 1}));
  EXPECT_TRUE(a.revoked.empty());
  EXPECT_EQ(members_.check_owner(kAccount, "billing", "m-1", "orders", {3}).code(), Errc::kPartitionNotAssigned);
}

TEST_F(GroupMembersTest, AnExpiredSessionFreesItsPartitionsAtOnce) {
  join(6'000);
  join(30'000);
  clock_.advance(std::chrono::milliseconds(5'999));
  EXPECT_TRUE(beat("m-2").assignment.empty());
  clock_.advance(std::chrono::milliseconds(1));
  MemberView b = beat("m-2");
  EXPECT_EQ(b.assignment, orders({0, 1, 2, 3}));
  EXPECT_EQ(b.generation, 3u);
  EXPECT_EQ(members_.heartbeat(kAccount, "billing", "m-1", std::nullopt).status().code(), Errc::kUnknownMember);
}

TEST_F(GroupMembersTest, ARequestCarryingTheMemberKeepsItsSessionAlive) {
  join(6'000);
  for (int i = 0; i < 5; ++i) {
    clock_.advance(std::chrono::milliseconds(5'000));
    ASSERT_TRUE(members_.check_owner(kAccount, "billing", "m-1", "orders", {0}).ok()) << i;
  }
  EXPECT_TRUE(members_.has_members(kAccount, "billing"));
}

TEST_F(GroupMembersTest, TheTimerExpiresSessionsWithoutAnyCall) {
  join(6'000);
  clock_.advance(std::chrono::milliseconds(6'000));
  EXPECT_EQ((members_.member_counts()[{kAccount, "billing"}]), 1u);
  members_.expire_sessions();
  EXPECT_EQ((members_.member_counts()[{kAccount, "billing"}]), 0u);
  auto d = members_.describe(kAccount, "billing");
  EXPECT_EQ(d->state, GroupState::kEmpty);
  EXPECT_EQ(d->generation, 2u);
  EXPECT_EQ((members_.take_rebalances()[{kAccount, "billing"}]), 2u);
  EXPECT_TRUE(members_.take_rebalances().empty());
}

TEST_F(GroupMembersTest, LeavingHandsEverythingToTheOthersOnTheirNextHeartbeat) {
  join();
  join();
  beat("m-1", orders({0, 1}));
  ASSERT_EQ(beat("m-2").assignment, orders({2, 3}));
  ASSERT_TRUE(members_.leave(kAccount, "billing", "m-1").ok());
  MemberView b = beat("m-2");
  EXPECT_EQ(b.assignment, orders({0, 1, 2, 3}));
  EXPECT_EQ(b.generation, 3u);
  EXPECT_EQ(members_.leave(kAccount, "billing", "m-1").code(), Errc::kUnknownMember);
  EXPECT_EQ(members_.check_owner(kAccount, "billing", "m-1", "orders", {0}).code(), Errc::kUnknownMember);
}

TEST_F(GroupMembersTest, AddedPartitionsStartANewGeneration) {
  join();
  counts_["orders"] = 6;
  MemberView a = beat("m-1");
  EXPECT_EQ(a.generation, 2u);
  EXPECT_EQ(a.assignment, orders({0, 1, 2, 3, 4, 5}));
}

TEST_F(GroupMembersTest, ADeletedTopicsPartitionsAreDroppedWithoutRevocation) {
  join();
  counts_.erase("orders");
  MemberView a = beat("m-1");
  EXPECT_TRUE(a.assignment.empty());
  EXPECT_TRUE(a.revoked.empty());
  EXPECT_EQ(state(), GroupState::kStable);
}

TEST_F(GroupMembersTest, ThreeMembersEndWithDisjointAssignmentsCoveringEveryPartition) {
  counts_["orders"] = 8;
  join();
  join();
  join();
  for (int round = 0; round < 2; ++round) {
    for (const char* id : {"m-1", "m-2", "m-3"}) {
      MemberView v = beat(id);
      beat(id, v.assignment);  // release whatever was revoked
    }
  }
  EXPECT_EQ(state(), GroupState::kStable);
  auto d = members_.describe(kAccount, "billing");
  ASSERT_EQ(d->members.size(), 3u);
  EXPECT_EQ(d->members[0].owned, orders({0, 1, 2}));
  EXPECT_EQ(d->members[1].owned, orders({3, 4, 5}));
  EXPECT_EQ(d->members[2].owned, orders({6, 7}));
}

TEST_F(GroupMembersTest, SessionTimeoutsOutsideKafkasBoundsAreRefused) {
  JoinRequest r;
  r.topics = {"orders"};
  for (int64_t bad : {int64_t{5'999}, int64_t{1'800'001}}) {
    r.session_timeout_ms = bad;
    EXPECT_EQ(members_.join(kAccount, "billing", r).status().code(), Errc::kInvalidSessionTimeout) << bad;
  }
  r.session_timeout_ms = 6'000;
  EXPECT_TRUE(members_.join(kAccount, "billing", r));
  r.topics.clear();
  EXPECT_EQ(members_.join(kAccount, "billing", r).status().code(), Errc::kInvalidArgument);
}

TEST_F(GroupMembersTest, AnotherAccountsGroupOfTheSameNameIsSeparate) {
  join();
  EXPECT_EQ(members_.heartbeat(kOther, "billing", "m-1", std::nullopt).status().code(), Errc::kUnknownMember);
  EXPECT_FALSE(members_.describe(kOther, "billing"));
  EXPECT_FALSE(members_.has_members(kOther, "billing"));
  EXPECT_TRUE(members_.list(kOther).empty());
  EXPECT_EQ(members_.list(kAccount).size(), 1u);
}

TEST_F(GroupMembersTest, TopicIsOwnedWhileAMemberHoldsOneOfItsPartitions) {
  EXPECT_FALSE(members_.topic_is_owned(kAccount, "billing", "orders"));
  join();
  EXPECT_TRUE(members_.topic_is_owned(kAccount, "billing", "orders"));
  EXPECT_FALSE(members_.topic_is_owned(kAccount, "billing", "payments"));
}

TEST_F(GroupMembersTest, RandomMemberIdsLookLikeTheSpecs) {
  GroupMembers members(clock_, [](const std::string&, const std::string&) { return 1; });
  JoinRequest r;
  r.topics = {"orders"};
  auto v = members.join(kAccount, "billing", r);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->member_id.size(), 18u);
  EXPECT_EQ(v->member_id.substr(0, 2), "m-");
  EXPECT_EQ(v->member_id.find_first_not_of("0123456789abcdef", 2), std::string::npos);
}

}  // namespace
}  // namespace spool::topics
