#include "engine/topics/topic_engine.h"

#include <gtest/gtest.h>

#include <algorithm>
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
  void open(size_t max_partitions_per_account = 2048, size_t max_partitions = 8192) {
    TopicEngineOptions o;
    o.data_dir = dir_.path();
    o.shard_count = 4;
    o.clock = &clock_;
    o.max_partitions_per_account = max_partitions_per_account;
    o.max_partitions = max_partitions;
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

TEST_F(TopicEngineTest, PartitionsAreLimitedPerAccountAndPerNode) {
  engine_.reset();
  open(/*max_partitions_per_account=*/6, /*max_partitions=*/10);
  auto try_create = [&](const std::string& account, const std::string& name, int partitions) {
    std::promise<Result<TopicPtr>> p;
    engine_->create_topic(account, name, partitions, {}, [&](Result<TopicPtr> r) { p.set_value(std::move(r)); });
    return p.get_future().get();
  };
  auto try_grow = [&](TopicPtr t, int partitions) {
    std::promise<Result<TopicPtr>> p;
    engine_->alter_topic(t, std::nullopt, partitions, [&](Result<TopicPtr> r) { p.set_value(std::move(r)); });
    return p.get_future().get();
  };
  TopicPtr a = create(kA, "a1", 4);
  ASSERT_TRUE(a);
  auto over = try_create(kA, "a2", 3);  // 7 > 6 for the account
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code(), Errc::kResourceExhausted);
  EXPECT_EQ(over.error().message(), "the account has 4 partitions; its quota is 6");
  EXPECT_EQ(engine_->find_topic(kA, "a2").status().code(), Errc::kTopicNotFound);
  ASSERT_TRUE(try_create(kA, "a2", 2));
  auto grown = try_grow(a, 5);  // 7 > 6
  ASSERT_FALSE(grown);
  EXPECT_EQ(grown.error().code(), Errc::kResourceExhausted);
  EXPECT_EQ(engine_->find_topic(kA, "a1").value()->partition_count(), 4);
  // Another account has its own 6, but the node holds at most 10 in all.
  ASSERT_TRUE(try_create(kB, "b1", 4));
  auto full = try_create(kB, "b2", 1);
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().message(), "this server holds 10 partitions, its limit is 10");
  // Deleting a topic gives its partitions back.
  std::promise<Status> deleted;
  engine_->delete_topic(engine_->find_topic(kA, "a2").value(), [&](Status s) { deleted.set_value(s); });
  ASSERT_TRUE(deleted.get_future().get().ok());
  ASSERT_TRUE(try_create(kB, "b2", 2));
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


// --- POST /v1/fetch and the /batches path -------------------------------------------

std::vector<ProduceRecord> to_partition(int32_t partition, int count) {
  std::vector<ProduceRecord> out;
  for (int i = 0; i < count; ++i) {
    ProduceRecord r;
    r.partition = partition;
    r.value = "p" + std::to_string(partition) + "-" + std::to_string(i);
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<PartitionFetchResult>> fetch_many(TopicEngine& engine, const std::string& account,
                                                     MultiFetchRequest request) {
  std::promise<Result<std::vector<PartitionFetchResult>>> p;
  engine.fetch_many(account, std::move(request),
                    [&](Result<std::vector<PartitionFetchResult>> r) { p.set_value(std::move(r)); });
  auto f = p.get_future();
  if (f.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
    return Status(Errc::kInternal, "fetch_many did not answer within 20 s");
  }
  return f.get();
}

TEST_F(TopicEngineTest, FetchManyRotatesTheFirstPartitionAndSharesItsLimits) {
  TopicPtr t = create(kA, "rot", 3);
  for (int32_t p = 0; p < 3; ++p) ASSERT_TRUE(produce(t, to_partition(p, 5)));
  MultiFetchRequest request;
  request.max_records = 2;
  for (int32_t p = 0; p < 3; ++p) request.partitions.push_back({"rot", p, 0, std::nullopt});
  std::vector<int32_t> leaders;
  for (int call = 0; call < 3; ++call) {
    auto results = fetch_many(*engine_, kA, request);
    ASSERT_TRUE(results) << results.error().to_string();
    ASSERT_EQ(results->size(), 3u);
    size_t total = 0;
    for (int32_t p = 0; p < 3; ++p) {
      const PartitionFetchResult& r = (*results)[static_cast<size_t>(p)];
      ASSERT_TRUE(r.error.ok()) << r.error.to_string();
      total += r.reply.records.size();
      if (!r.reply.records.empty()) {
        leaders.push_back(p);
        EXPECT_EQ(*r.reply.records[0].value, "p" + std::to_string(p) + "-0");
        EXPECT_EQ(r.reply.next_offset, 2);
      } else {
        EXPECT_EQ(r.reply.next_offset, 0);
      }
    }
    EXPECT_EQ(total, 2u) << "max_records is shared";
  }
  std::sort(leaders.begin(), leaders.end());
  EXPECT_EQ(leaders, (std::vector<int32_t>{0, 1, 2})) << "each partition leads once in three calls";
}

TEST_F(TopicEngineTest, FetchManyReportsErrorsInlineAndOtherAccountsTopicsAsMissing) {
  TopicPtr t = create(kA, "inline", 2);
  ASSERT_TRUE(produce(t, to_partition(1, 3)));
  MultiFetchRequest request;
  request.wait = std::chrono::milliseconds(20'000);  // errors answer at once
  request.partitions = {{"inline", 1, 1, std::nullopt}, {"inline", 0, 4, std::nullopt},
                        {"inline", 7, 0, std::nullopt}, {"missing", 0, 0, std::nullopt}};
  auto results = fetch_many(*engine_, kA, request);
  ASSERT_TRUE(results) << results.error().to_string();
  EXPECT_EQ((*results)[0].reply.records.size(), 2u);
  EXPECT_EQ((*results)[1].error.code(), Errc::kOffsetOutOfRange);
  ASSERT_TRUE((*results)[1].error_bounds.has_value());
  EXPECT_EQ((*results)[1].error_bounds->high_watermark, 0);
  EXPECT_EQ((*results)[2].error.code(), Errc::kPartitionNotFound);
  EXPECT_EQ((*results)[3].error.code(), Errc::kTopicNotFound);
  auto other = fetch_many(*engine_, kB, {{{"inline", 1, 0, std::nullopt}}, 500, 1 << 20, {}});
  ASSERT_TRUE(other);
  EXPECT_EQ((*other)[0].error.code(), Errc::kTopicNotFound);
  EXPECT_EQ(fetch_many(*engine_, kA, {}).status().code(), Errc::kInvalidArgument);
}

TEST_F(TopicEngineTest, FetchManyLongPollWakesWhenAnyPartitionGetsARecord) {
  TopicPtr t = create(kA, "poll", 3);
  MultiFetchRequest request;
  request.wait = std::chrono::milliseconds(30'000);
  for (int32_t p = 0; p < 3; ++p) request.partitions.push_back({"poll", p, kLatest, std::nullopt});
  std::promise<Result<std::vector<PartitionFetchResult>>> answered;
  engine_->fetch_many(kA, request, [&](Result<std::vector<PartitionFetchResult>> r) {
    answered.set_value(std::move(r));
  });
  auto f = answered.get_future();
  // Parked or not yet: either way the record below must be in the answer.
  ASSERT_TRUE(produce(t, to_partition(2, 1)));
  ASSERT_EQ(f.wait_for(std::chrono::seconds(20)), std::future_status::ready) << "not woken by the record";
  auto results = f.get();
  ASSERT_TRUE(results);
  EXPECT_TRUE((*results)[0].reply.records.empty());
  EXPECT_TRUE((*results)[1].reply.records.empty());
  ASSERT_EQ((*results)[2].reply.records.size(), 1u);
  EXPECT_EQ(*(*results)[2].reply.records[0].value, "p2-0");
}

TEST_F(TopicEngineTest, ProducedBatchesGetContiguousOffsetsAndLogAppendTime) {
  TopicPtr t = create(kA, "raw", 1);
  ASSERT_TRUE(produce(t, to_partition(0, 2)));
  record_batch::RecordInput a, b;
  a.value = "a";
  a.timestamp_ms = 1000;
  b.value = "b";
  b.timestamp_ms = 3000;
  std::string body = record_batch::encode({a, b}, false) + record_batch::encode({b}, false);
  std::promise<Result<BatchProduceResult>> done;
  engine_->produce_batches(t, 0, body, [&](Result<BatchProduceResult> r) { done.set_value(std::move(r)); });
  auto r = done.get_future().get();
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->base_offset, 2);
  EXPECT_EQ(r->record_count, 3);
  EXPECT_EQ(r->timestamp_ms, 3000);
  auto got = fetch(t, 0, FetchRequest{0, 10, 1 << 20, {}});
  ASSERT_TRUE(got);
  ASSERT_EQ(got->records.size(), 5u);
  EXPECT_EQ(got->records[4].offset, 4);
  EXPECT_EQ(*got->records[3].value, "b");
  EXPECT_EQ(got->records[3].timestamp_ms, 3000);
  std::promise<Result<BatchFetchReply>> raw;
  engine_->fetch_batches(t, 0, BatchFetchRequest{3, 1, {}}, [&](Result<BatchFetchReply> x) { raw.set_value(std::move(x)); });
  auto batches = raw.get_future().get();
  ASSERT_TRUE(batches);
  EXPECT_EQ(batches->next_offset, 4);  // the whole batch holding 3 (2..3), and only it
  EXPECT_EQ(record_batch::decode_header(batches->bytes)->base_offset, 2);

  std::promise<Result<TopicPtr>> created;
  engine_->create_topic(kA, "stamped", 1, {{"message.timestamp.type", "LogAppendTime"}},
                        [&](Result<TopicPtr> x) { created.set_value(std::move(x)); });
  TopicPtr stamped = created.get_future().get().value();
  std::promise<Result<BatchProduceResult>> stamped_done;
  engine_->produce_batches(stamped, 0, record_batch::encode({a, b}, false),
                           [&](Result<BatchProduceResult> x) { stamped_done.set_value(std::move(x)); });
  auto s = stamped_done.get_future().get();
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(s->timestamp_ms, clock_.now_ms());
  auto stamped_records = fetch(stamped, 0, FetchRequest{0, 10, 1 << 20, {}});
  ASSERT_TRUE(stamped_records);
  EXPECT_TRUE(stamped_records->records[0].log_append_time);
  EXPECT_EQ(stamped_records->records[0].timestamp_ms, clock_.now_ms());
}

TEST_F(TopicEngineTest, ProducedBatchesHoldAtMostTenThousandRecordsPerCall) {
  TopicPtr t = create(kA, "capped", 1);
  record_batch::RecordInput r;
  r.value = "v";
  r.timestamp_ms = clock_.now_ms();
  auto produce_raw = [&](const std::string& body) {
    std::promise<Result<BatchProduceResult>> done;
    engine_->produce_batches(t, 0, body, [&](Result<BatchProduceResult> x) { done.set_value(std::move(x)); });
    return done.get_future().get();
  };
  // Two batches of 5,000 records: the limit exactly.
  const std::string five_thousand = record_batch::encode(std::vector<record_batch::RecordInput>(5000, r), false);
  auto at_limit = produce_raw(five_thousand + five_thousand);
  ASSERT_TRUE(at_limit) << at_limit.error().to_string();
  EXPECT_EQ(at_limit->record_count, 10000);
  // One record more, across three batches: refused whole, nothing stored.
  auto over = produce_raw(five_thousand + five_thousand + record_batch::encode({r}, false));
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code(), Errc::kRequestTooLarge);
  EXPECT_NE(over.error().message().find("10001"), std::string::npos) << over.error().message();
  auto stored = fetch(t, 0, FetchRequest{10000, 10, 1 << 20, {}});
  ASSERT_TRUE(stored);
  EXPECT_TRUE(stored->records.empty());
}

}  // namespace
}  // namespace spool::topics
