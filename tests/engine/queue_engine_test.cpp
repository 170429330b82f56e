// QueueEngine's own rules, below the api layer: CreateQueue's idempotence, quota and
// 60-second reuse rule, the directory across a restart, deletion, and redrive wiring
// (which targets are allowed, which sources are listed, and the move itself).

#include "engine/queue_engine.h"

#include <gtest/gtest.h>

#include <thread>

#include "engine/shard_map.h"
#include "tests/engine/engine_fixture.h"

namespace spool {
namespace {

using namespace std::chrono_literals;

constexpr const char* kOtherAccount = "222222222222";

std::string arn(const std::string& name, const std::string& account = EngineFixture::kAccount) {
  return "arn:aws:sqs:us-east-1:" + account + ":" + name;
}

std::string redrive_to(const std::string& dlq, int max_receives) {
  return R"({"deadLetterTargetArn":")" + arn(dlq) + R"(","maxReceiveCount":)" + std::to_string(max_receives) + "}";
}

class QueueEngineTest : public EngineFixture {
 protected:
  Status set(const QueueMetaPtr& q, std::map<std::string, std::string> attributes) {
    std::promise<Status> p;
    engine_->set_queue_attributes(q, std::move(attributes), [&](Status st) { p.set_value(st); });
    return wait(p);
  }
  Status tag(const QueueMetaPtr& q, std::map<std::string, std::string> tags) {
    std::promise<Status> p;
    engine_->tag_queue(q, std::move(tags), [&](Status st) { p.set_value(st); });
    return wait(p);
  }
  Status drop(const QueueMetaPtr& q) {
    std::promise<Status> p;
    engine_->delete_queue(q, [&](Status st) { p.set_value(st); });
    return wait(p);
  }
  std::vector<std::string> names(const std::string& account, const std::string& prefix) {
    std::vector<std::string> out;
    for (const auto& q : engine_->list_queues(account, prefix)) out.push_back(q->name);
    return out;
  }
  std::vector<DeliveredMessage> receive(const QueueMetaPtr& q, int64_t visibility_ms) {
    std::promise<Result<std::vector<DeliveredMessage>>> p;
    engine_->shard_of(*q).receive(q->queue_id, ReceiveOptions{10, visibility_ms, 0, {}},
                                  [&](auto r) { p.set_value(std::move(r)); });
    auto got = wait(p);
    EXPECT_TRUE(got) << got.error().to_string();
    return got ? *got : std::vector<DeliveredMessage>();
  }
};

TEST_F(QueueEngineTest, CreateReturnsTheExistingQueueWhenTheNamedAttributesAgree) {
  QueueMetaPtr first = create("orders", {{"VisibilityTimeout", "5"}});
  ASSERT_NE(first, nullptr);
  auto again = try_create("orders", {{"VisibilityTimeout", "5"}});
  ASSERT_TRUE(again) << again.error().to_string();
  EXPECT_EQ((*again)->queue_id, first->queue_id);

  auto different = try_create("orders", {{"VisibilityTimeout", "6"}});
  ASSERT_FALSE(different);
  EXPECT_EQ(different.error().code(), Errc::kAlreadyExists);
  EXPECT_EQ(find("orders")->attributes.at("VisibilityTimeout"), "5");
  // Attributes the request leaves out are not compared; those it names are compared with
  // the queue's effective values, defaults included.
  auto bare = try_create("orders");
  ASSERT_TRUE(bare) << bare.error().to_string();
  EXPECT_EQ((*bare)->queue_id, first->queue_id);
  QueueMetaPtr plain = create("plain");
  auto defaults = try_create("plain", {{"VisibilityTimeout", "30"}, {"DelaySeconds", "0"}});
  ASSERT_TRUE(defaults) << defaults.error().to_string();
  EXPECT_EQ((*defaults)->queue_id, plain->queue_id);
  EXPECT_EQ(try_create("plain", {{"DelaySeconds", "1"}}).error().code(), Errc::kAlreadyExists);
}

TEST_F(QueueEngineTest, TheQuotaRefusesNewQueuesOnlyAndCountsOneAccount) {
  ASSERT_TRUE(try_create("a", {}, kAccount, 2));
  ASSERT_TRUE(try_create("b", {}, kAccount, 2));
  auto third = try_create("c", {}, kAccount, 2);
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().code(), Errc::kResourceExhausted);
  EXPECT_TRUE(try_create("a", {}, kAccount, 2)) << "an existing queue is returned, not counted again";
  EXPECT_TRUE(try_create("c", {}, kOtherAccount, 2)) << "another account has its own count";
  EXPECT_EQ(names(kAccount, ""), (std::vector<std::string>{"a", "b"}));
}

TEST_F(QueueEngineTest, ListingIsPerAccountSortedAndFilteredByPrefix) {
  for (const char* n : {"web-2", "batch", "web-10", "web-1"}) create(n);
  create("web-3", {}, kOtherAccount);
  EXPECT_EQ(names(kAccount, "web-"), (std::vector<std::string>{"web-1", "web-10", "web-2"}));
  EXPECT_EQ(names(kAccount, ""), (std::vector<std::string>{"batch", "web-1", "web-10", "web-2"}));
  EXPECT_EQ(names(kOtherAccount, ""), (std::vector<std::string>{"web-3"}));
  EXPECT_EQ(engine_->find_queue(kOtherAccount, "batch").error().code(), Errc::kQueueNotFound);
}

TEST_F(QueueEngineTest, QueuesAttributesTagsAndMessagesSurviveARestartInTheirShard) {
  QueueMetaPtr q = create("kept", {{"DelaySeconds", "0"}});
  ASSERT_TRUE(set(q, {{"MaximumMessageSize", "2048"}}).ok());
  ASSERT_TRUE(tag(q, {{"team", "billing"}}).ok());
  send(q, 3, "m");
  const uint64_t id = q->queue_id;
  EXPECT_EQ(q->shard, shard_for(kAccount, "kept", 2).value);

  reopen();
  QueueMetaPtr back = find("kept");
  EXPECT_EQ(back->queue_id, id);
  EXPECT_EQ(back->shard, shard_for(kAccount, "kept", 2).value);
  EXPECT_EQ(back->attributes.at("MaximumMessageSize"), "2048");
  EXPECT_EQ(back->attributes.at("DelaySeconds"), "0");
  EXPECT_EQ(back->tags, (std::map<std::string, std::string>{{"team", "billing"}}));
  EXPECT_EQ(engine_->find_queue_by_id(id), back);
  EXPECT_EQ(bodies(back), (std::multiset<std::string>{"m0", "m1", "m2"}));
}

TEST_F(QueueEngineTest, ADeletedNameWaitsSixtySecondsAndComesBackEmpty) {
  QueueMetaPtr old = create("reused");
  send(old, 2, "old");
  ASSERT_TRUE(drop(old).ok());
  EXPECT_EQ(engine_->find_queue(kAccount, "reused").error().code(), Errc::kQueueNotFound);
  EXPECT_EQ(engine_->find_queue_by_id(old->queue_id), nullptr);
  EXPECT_EQ(try_counters(old).error().code(), Errc::kQueueNotFound);

  EXPECT_EQ(try_create("reused").error().code(), Errc::kQueueDeletedRecently);
  clock_.advance(59s);
  EXPECT_EQ(try_create("reused").error().code(), Errc::kQueueDeletedRecently);
  clock_.advance(2s);
  QueueMetaPtr fresh = create("reused");
  ASSERT_NE(fresh, nullptr);
  EXPECT_NE(fresh->queue_id, old->queue_id);
  EXPECT_EQ(counters(fresh).visible, 0u);
  // The old queue's frames are still in the log until collected; a replay must not give
  // them to the new queue of the same name.
  reopen();
  EXPECT_TRUE(bodies(find("reused")).empty());
}

TEST_F(QueueEngineTest, ADeadLetterTargetMustBeAnotherLiveQueueOfTheSameAccount) {
  QueueMetaPtr source = create("source");
  create("elsewhere", {}, kOtherAccount);
  auto refused = [&](const std::string& policy) {
    Status st = set(source, {{"RedrivePolicy", policy}});
    EXPECT_EQ(st.code(), Errc::kInvalidArgument) << policy;
    return st.message();
  };
  EXPECT_NE(refused(redrive_to("missing", 3)).find("Dead letter target does not exist"), std::string::npos);
  EXPECT_NE(refused(R"({"deadLetterTargetArn":")" + arn("elsewhere", kOtherAccount) + R"(","maxReceiveCount":3})")
                .find("Dead letter target does not exist"),
            std::string::npos);
  EXPECT_NE(refused(redrive_to("source", 3)).find("its own dead letter queue"), std::string::npos);
  EXPECT_EQ(find("source")->attributes.count("RedrivePolicy"), 0u) << "a refused change changes nothing";

  // Creating with a policy checks the same way.
  EXPECT_EQ(try_create("born", {{"RedrivePolicy", redrive_to("missing", 3)}}).error().code(),
            Errc::kInvalidArgument);
}

TEST_F(QueueEngineTest, TheTargetsRedriveAllowPolicyDecidesWhichSourcesMayUseIt) {
  QueueMetaPtr dlq = create("dlq", {{"RedriveAllowPolicy", R"({"redrivePermission":"denyAll"})"}});
  QueueMetaPtr a = create("a"), b = create("b");
  EXPECT_EQ(set(a, {{"RedrivePolicy", redrive_to("dlq", 2)}}).code(), Errc::kInvalidArgument);

  ASSERT_TRUE(set(dlq, {{"RedriveAllowPolicy",
                         R"({"redrivePermission":"byQueue","sourceQueueArns":[")" + arn("b") + R"("]})"}})
                  .ok());
  EXPECT_EQ(set(a, {{"RedrivePolicy", redrive_to("dlq", 2)}}).code(), Errc::kInvalidArgument);
  EXPECT_TRUE(set(b, {{"RedrivePolicy", redrive_to("dlq", 2)}}).ok());

  ASSERT_TRUE(set(dlq, {{"RedriveAllowPolicy", R"({"redrivePermission":"allowAll"})"}}).ok());
  EXPECT_TRUE(set(a, {{"RedrivePolicy", redrive_to("dlq", 2)}}).ok());
  std::vector<std::string> sources;
  for (const auto& q : engine_->dead_letter_sources(*find("dlq"))) sources.push_back(q->name);
  EXPECT_EQ(sources, (std::vector<std::string>{"a", "b"}));

  // An empty RedrivePolicy removes it, and the source is no longer listed.
  ASSERT_TRUE(set(find("a"), {{"RedrivePolicy", ""}}).ok());
  sources.clear();
  for (const auto& q : engine_->dead_letter_sources(*find("dlq"))) sources.push_back(q->name);
  EXPECT_EQ(sources, (std::vector<std::string>{"b"}));
}

TEST_F(QueueEngineTest, AMessageReceivedMaxReceiveCountTimesMovesToTheDeadLetterQueue) {
  QueueMetaPtr dlq = create("dlq");
  QueueMetaPtr source = create("work", {{"RedrivePolicy", redrive_to("dlq", 2)}});
  send(source, 1, "poison");
  // Visibility 0: each receive hands it out again at once, counting one more receive.
  ASSERT_EQ(receive(source, 0).size(), 1u);
  ASSERT_EQ(receive(source, 0).size(), 1u);
  EXPECT_TRUE(receive(source, 0).empty()) << "the third receive finds it over the count";
  // The move runs between two shards' executors: poll (10 ms steps, 10 s at most).
  for (int i = 0; i < 1000 && counters(dlq).visible == 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(bodies(dlq), (std::multiset<std::string>{"poison0"}));
  for (int i = 0; i < 1000; ++i) {
    QueueCounters c = counters(source);
    if (c.visible + c.in_flight == 0) break;
    std::this_thread::sleep_for(10ms);
  }
  QueueCounters left = counters(source);
  EXPECT_EQ(left.visible + left.in_flight, 0u) << "moved, not copied";
}

}  // namespace
}  // namespace spool
