#include "engine/topics/topic_engine.h"

#include <gtest/gtest.h>

#include <future>

#include "tests/fakes/memory_topic_catalog.h"
#include "tests/storage/storage_test_util.h"

namespace spool::topics {
namespace {

constexpr const char* kA = "111111111111";
constexpr const char* kB = "222222222222";

class TopicEngineTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }
  void open() {
    TopicEngineOptions o;
    o.data_dir = dir_.path();
    o.shard_count = 4;
    o.clock = &clock_;
    auto e = TopicEngine::open(o, catalog_);
    ASSERT_TRUE(e) << e.error().to_string();
    engine_ = std::move(*e);
  }
  TopicPtr create(const std::string& account, const std::string& name, int partitions) {
    std::promise<Result<TopicPtr>> p;
    engine_->create_topic(account, name, partitions, {}, [&](Result<TopicPtr> r) { p.set_value(std::move(r)); });
    auto r = p.get_future().get();
    EXPECT_TRUE(r) << r.error().to_string();
    return r ? *r : nullptr;
  }
  Result<std::vector<ProduceResult>> produce(TopicPtr t, std::vector<ProduceRecord> records) {
    std::promise<Result<std::vector<ProduceResult>>> p;
    engine_->produce(t, std::move(records), std::nullopt,
                     [&](Result<std::vector<ProduceResult>> r) { p.set_value(std::move(r)); });
    return p.get_future().get();
  }
  Result<FetchReply> fetch(TopicPtr t, int32_t partition, FetchRequest request) {
    std::promise<Result<FetchReply>> p;
    engine_->fetch(t, partition, request, [&](Result<FetchReply> r) { p.set_value(std::move(r)); });
    return p.get_future().get();
  }
  static ProduceRecord keyed(std::string key, std::string value) {
    ProduceRecord r;
    r.key = std::move(key);
    r.value = std::move(value);
    return r;
  }

  testing::TempDir dir_;
  FakeClock clock_;
  MemoryTopicCatalog catalog_;
  std::unique_ptr<TopicEngine> engine_;
};

TEST_F(TopicEngineTest, EachAccountSeesOnlyItsOwnTopics) {
  TopicPtr a = create(kA, "orders", 2);
  TopicPtr b = create(kB, "orders", 3);
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->id, b->id);
  ASSERT_TRUE(produce(a, {keyed("user-1", "from-a")}));
  EXPECT_EQ(engine_->find_topic(kA, "orders").value()->partition_count(), 2);
  EXPECT_EQ(engine_->find_topic(kB, "orders").value()->partition_count(), 3);
  EXPECT_EQ(engine_->find_topic("333333333333", "orders").status().code(), Errc::kTopicNotFound);
  ASSERT_EQ(engine_->list_topics(kA, "").size(), 1u);
  // user-1 goes to partition 2 of 3 and 1 of 2 (murmur2); B's partitions stay empty.
  for (int p = 0; p < 3; ++p) {
    EXPECT_EQ(engine_->list_offset(b, p, kLatest)->offset, 0) << p;
  }
  int64_t total_a = 0;
  for (int p = 0; p < 2; ++p) total_a += *engine_->list_offset(a, p, kLatest)->offset;
  EXPECT_EQ(total_a, 1);
}

TEST_F(TopicEngineTest, GroupOffsetsAreKeptPerAccountAndSurviveARestart) {
  TopicPtr a = create(kA, "orders", 2);
  TopicPtr b = create(kB, "orders", 2);
  std::promise<Status> done;
  engine_->commit_offsets(kA, "billing", std::nullopt, a, {{1, 7, "host-a"}}, [&](Status s) { done.set_value(s); });
  ASSERT_TRUE(done.get_future().get().ok());
  auto of_a = engine_->committed_offsets(kA, "billing", a);
  ASSERT_EQ(of_a.size(), 2u);
  EXPECT_FALSE(of_a[0].committed.has_value());
  EXPECT_EQ(of_a[1].committed->offset, 7);
  EXPECT_EQ(of_a[1].committed->metadata, "host-a");
  EXPECT_EQ(of_a[1].lag, 0);  // committed past the end clamps at 0
  EXPECT_FALSE(engine_->committed_offsets(kB, "billing", b)[1].committed.has_value());
  engine_.reset();
  open();
  TopicPtr again = engine_->find_topic(kA, "orders").value();
  EXPECT_EQ(engine_->committed_offsets(kA, "billing", again)[1].committed->offset, 7);
}

TEST_F(TopicEngineTest, ValidationFailsBeforeAnythingIsStored) {
  TopicPtr t = create(kA, "orders", 2);
  ProduceRecord future = keyed("k", "v");
  future.timestamp_ms = clock_.now_ms() + 2 * 3600 * 1000;
  auto r = produce(t, {keyed("k", "ok"), future});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::kInvalidTimestamp);
  EXPECT_EQ(r.error().message().rfind("record 1: ", 0), 0u);
  ProduceRecord big = keyed("k", std::string(1 << 20, 'x'));
  EXPECT_EQ(produce(t, {big}).error().code(), Errc::kRecordTooLarge);
  ProduceRecord wrong = keyed("k", "v");
  wrong.partition = 2;
  EXPECT_EQ(produce(t, {wrong}).error().code(), Errc::kPartitionNotFound);
  for (int p = 0; p < 2; ++p) EXPECT_EQ(*engine_->list_offset(t, p, kLatest)->offset, 0);
}

TEST_F(TopicEngineTest, LongPollIsAnsweredByTheProduceThatArrives) {
  TopicPtr t = create(kA, "orders", 1);
  FetchRequest request;
  request.offset = 0;
  request.wait = std::chrono::milliseconds(20'000);
  std::promise<Result<FetchReply>> p;
  auto started = std::chrono::steady_clock::now();
  engine_->fetch(t, 0, request, [&](Result<FetchReply> r) { p.set_value(std::move(r)); });
  auto future = p.get_future();
  EXPECT_EQ(future.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);
  ASSERT_TRUE(produce(t, {keyed("k", "wake")}));
  ASSERT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  auto reply = future.get();
  ASSERT_TRUE(reply);
  ASSERT_EQ(reply->records.size(), 1u);
  EXPECT_EQ(*reply->records[0].value, "wake");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

TEST_F(TopicEngineTest, DeleteForgetsTheTopicAndItsOffsets) {
  TopicPtr t = create(kA, "orders", 1);
  ASSERT_TRUE(produce(t, {keyed("k", "v")}));
  std::promise<Status> committed;
  engine_->commit_offsets(kA, "g", std::nullopt, t, {{0, 1, ""}}, [&](Status s) { committed.set_value(s); });
  ASSERT_TRUE(committed.get_future().get().ok());
  std::promise<Status> deleted;
  engine_->delete_topic(t, [&](Status s) { deleted.set_value(s); });
  ASSERT_TRUE(deleted.get_future().get().ok());
  EXPECT_EQ(engine_->find_topic(kA, "orders").status().code(), Errc::kTopicNotFound);
  TopicPtr fresh = create(kA, "orders", 1);
  EXPECT_EQ(*engine_->list_offset(fresh, 0, kLatest)->offset, 0);
  EXPECT_FALSE(engine_->committed_offsets(kA, "g", fresh)[0].committed.has_value());
}

}  // namespace
}  // namespace spool::topics
