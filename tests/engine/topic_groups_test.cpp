// TopicEngine's managed membership end to end in the engine: start positions, the
// commit rules with and without member_id, describe and list. The hand-over itself is
// tested in group_members_test.cpp.

#include <gtest/gtest.h>

#include <future>

#include "engine/topics/topic_engine.h"
#include "tests/fakes/memory_topic_catalog.h"
#include "tests/storage/storage_test_util.h"

namespace spool::topics {
namespace {

constexpr const char* kA = "111111111111";

class TopicGroupsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TopicEngineOptions o;
    o.data_dir = dir_.path();
    o.clock = &clock_;
    auto e = TopicEngine::open(o, catalog_);
    ASSERT_TRUE(e) << e.error().to_string();
    engine_ = std::move(*e);
    std::promise<Result<TopicPtr>> p;
    engine_->create_topic(kA, "orders", 2, {}, [&](Result<TopicPtr> r) { p.set_value(std::move(r)); });
    auto created = p.get_future().get();
    ASSERT_TRUE(created);
    topic_ = *created;
    // Partition 0 holds offsets 0..2, partition 1 offset 0.
    std::vector<ProduceRecord> records(4);
    for (size_t i = 0; i < records.size(); ++i) {
      records[i].value = "v";
      records[i].partition = i < 3 ? 0 : 1;
    }
    std::promise<bool> produced;
    engine_->produce(topic_, records, std::nullopt,
                     [&](Result<std::vector<ProduceResult>> r) { produced.set_value(r.has_value()); });
    ASSERT_TRUE(produced.get_future().get());
  }
  Status commit(const std::string& group, std::optional<std::string> member, uint32_t partition, int64_t offset) {
    std::promise<Status> done;
    engine_->commit_offsets(kA, group, member, topic_, {{partition, offset, ""}},
                            [&](Status s) { done.set_value(s); });
    return done.get_future().get();
  }
  MemberReply join(const std::string& group, OffsetReset reset) {
    JoinRequest r;
    r.topics = {"orders"};
    r.offset_reset = reset;
    auto reply = engine_->join_group(kA, group, r);
    EXPECT_TRUE(reply) << reply.error().to_string();
    return reply ? *reply : MemberReply{};
  }
  static std::vector<std::pair<int32_t, std::optional<int64_t>>> positions(const MemberReply& r) {
    std::vector<std::pair<int32_t, std::optional<int64_t>>> out;
    for (const AssignedPartition& a : r.assignment.at("orders")) out.emplace_back(a.partition, a.offset);
    return out;
  }

  testing::TempDir dir_;
  FakeClock clock_;
  MemoryTopicCatalog catalog_;
  std::unique_ptr<TopicEngine> engine_;
  TopicPtr topic_;
};

using Positions = std::vector<std::pair<int32_t, std::optional<int64_t>>>;

TEST_F(TopicGroupsTest, AssignedPartitionsStartAtTheCommittedOffsetElseTheResetPosition) {
  ASSERT_TRUE(commit("billing", std::nullopt, 0, 2).ok());
  EXPECT_EQ(positions(join("billing", OffsetReset::kLatest)), (Positions{{0, 2}, {1, 1}}));
  EXPECT_EQ(positions(join("audit", OffsetReset::kEarliest)), (Positions{{0, 0}, {1, 0}}));
  EXPECT_EQ(positions(join("replay", OffsetReset::kNone)), (Positions{{0, std::nullopt}, {1, std::nullopt}}));
}

TEST_F(TopicGroupsTest, CommitsFollowMembership) {
  MemberReply m = join("billing", OffsetReset::kEarliest);
  EXPECT_EQ(commit("billing", std::nullopt, 0, 1).code(), Errc::kGroupNotEmpty);
  EXPECT_EQ(commit("billing", "m-0000000000000000", 0, 1).code(), Errc::kUnknownMember);
  EXPECT_TRUE(commit("billing", m.view.member_id, 1, 1).ok());
  EXPECT_EQ(engine_->committed_offsets(kA, "billing", topic_)[1].committed->offset, 1);
  EXPECT_TRUE(commit("other", std::nullopt, 0, 1).ok());  // another group is unaffected

  std::promise<Status> dropped;
  engine_->delete_group_offsets(kA, "billing", topic_, [&](Status s) { dropped.set_value(s); });
  EXPECT_EQ(dropped.get_future().get().code(), Errc::kGroupNotEmpty);

  ASSERT_TRUE(engine_->leave_group(kA, "billing", m.view.member_id).ok());
  EXPECT_TRUE(commit("billing", std::nullopt, 0, 3).ok());
}

TEST_F(TopicGroupsTest, ASecondMemberCannotCommitUntilThePartitionIsHandedOver) {
  MemberReply a = join("billing", OffsetReset::kEarliest);
  MemberReply b = join("billing", OffsetReset::kEarliest);
  EXPECT_TRUE(b.assignment.empty());
  // A keeps partition 0 (quota 1 each, lowest first); 1 moves to B.
  const int32_t moving = 1;
  int32_t unowned = -1;
  EXPECT_EQ(engine_->check_member(kA, "billing", b.view.member_id, *topic_, {moving}, &unowned).code(),
            Errc::kPartitionNotAssigned);
  EXPECT_EQ(unowned, moving);
  ASSERT_TRUE(commit("billing", a.view.member_id, static_cast<uint32_t>(moving), 1).ok());
  ASSERT_TRUE(engine_->heartbeat(kA, "billing", a.view.member_id, TopicPartitions{{"orders", {0}}}));
  auto next = engine_->heartbeat(kA, "billing", b.view.member_id, std::nullopt);
  ASSERT_TRUE(next);
  EXPECT_EQ(positions(*next), (Positions{{moving, 1}}));  // with the offset just committed
}

TEST_F(TopicGroupsTest, DescribeAndListShowMembersAndOffsets) {
  EXPECT_EQ(engine_->describe_group(kA, "billing").status().code(), Errc::kGroupNotFound);
  MemberReply m = join("billing", OffsetReset::kLatest);
  auto g = engine_->describe_group(kA, "billing");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->membership.state, GroupState::kStable);
  EXPECT_EQ(g->membership.generation, 1u);
  EXPECT_EQ(g->topics, std::vector<std::string>{"orders"});
  ASSERT_EQ(g->membership.members.size(), 1u);
  EXPECT_EQ(g->membership.members[0].owned, (TopicPartitions{{"orders", {0, 1}}}));
  ASSERT_TRUE(commit("stateless", std::nullopt, 0, 1).ok());
  auto listed = engine_->list_groups(kA);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed["billing"].membership.members.size(), 1u);
  EXPECT_EQ(listed["stateless"].membership.state, GroupState::kEmpty);
  EXPECT_EQ(listed["stateless"].topics, std::vector<std::string>{"orders"});

  ASSERT_TRUE(engine_->leave_group(kA, "billing", m.view.member_id).ok());
  EXPECT_EQ(engine_->describe_group(kA, "billing").status().code(), Errc::kGroupNotFound);
  EXPECT_EQ(engine_->list_groups(kA).count("billing"), 0u);
}

TEST_F(TopicGroupsTest, ResetAndDeleteWaitUntilTheGroupHasNoMembers) {
  using Moved = std::vector<std::pair<int32_t, int64_t>>;
  auto reset = [&](std::vector<int32_t> partitions, OffsetResetTarget to, bool dry_run) {
    std::promise<Result<Moved>> p;
    engine_->reset_offsets(kA, "billing", topic_, partitions, to, dry_run,
                           [&](Result<Moved> r) { p.set_value(std::move(r)); });
    return p.get_future().get();
  };
  auto delete_group = [&] {
    std::promise<Status> p;
    engine_->delete_group(kA, "billing", [&](Status s) { p.set_value(s); });
    return p.get_future().get();
  };
  EXPECT_EQ(delete_group().code(), Errc::kGroupNotFound);
  MemberReply m = join("billing", OffsetReset::kEarliest);
  EXPECT_EQ(reset({}, {OffsetResetTarget::Kind::kLatest, 0}, true).status().code(), Errc::kGroupNotEmpty);
  EXPECT_EQ(delete_group().code(), Errc::kGroupNotEmpty);
  ASSERT_TRUE(engine_->leave_group(kA, "billing", m.view.member_id).ok());

  auto dry = reset({}, {OffsetResetTarget::Kind::kLatest, 0}, true);
  ASSERT_TRUE(dry);
  EXPECT_EQ(*dry, (Moved{{0, 3}, {1, 1}}));
  EXPECT_FALSE(engine_->committed_offsets(kA, "billing", topic_)[0].committed);
  EXPECT_EQ(*reset({0}, {OffsetResetTarget::Kind::kOffset, 99}, false), (Moved{{0, 3}}));  // clamped
  EXPECT_EQ(*reset({0}, {OffsetResetTarget::Kind::kEarliest, 0}, false), (Moved{{0, 0}}));
  EXPECT_EQ(engine_->committed_offsets(kA, "billing", topic_)[0].committed->offset, 0);
  EXPECT_EQ(reset({7}, {OffsetResetTarget::Kind::kEarliest, 0}, false).status().code(), Errc::kPartitionNotFound);

  EXPECT_TRUE(delete_group().ok());
  EXPECT_FALSE(engine_->committed_offsets(kA, "billing", topic_)[0].committed);
  EXPECT_EQ(engine_->describe_group(kA, "billing").status().code(), Errc::kGroupNotFound);
}

TEST_F(TopicGroupsTest, JoinNeedsExistingTopicsAndAValidGroupName) {
  JoinRequest r;
  r.topics = {"orders", "missing"};
  EXPECT_EQ(engine_->join_group(kA, "billing", r).status().code(), Errc::kTopicNotFound);
  r.topics = {"orders"};
  EXPECT_EQ(engine_->join_group(kA, "bad name", r).status().code(), Errc::kInvalidGroupId);
  EXPECT_FALSE(engine_->describe_group(kA, "billing"));
}

}  // namespace
}  // namespace spool::topics
