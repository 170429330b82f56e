// A shard over a real segment log in a temporary directory.

#include "engine/shard.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <set>

#include "engine/receipt_handle.h"

namespace spool {
namespace {

using namespace std::chrono_literals;

constexpr uint64_t kQueue = 5;
const std::string kKey(32, 'k');

class ShardTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir() + "/shard_test_" + std::to_string(::getpid()) + "_" +
           testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    open();
  }
  void TearDown() override {
    shard_.reset();
    std::filesystem::remove_all(dir_);
  }
  void open() {
    ShardOptions o;
    o.dir = dir_;
    o.key = kKey;
    o.clock = &clock_;
    auto shard = Shard::open(o, {{kQueue, ShardQueueSettings{}}});
    ASSERT_TRUE(shard) << shard.error().to_string();
    shard_ = std::move(*shard);
  }
  void reopen() {
    shard_.reset();
    open();
  }

  std::vector<Result<SentMessage>> send(std::vector<std::string> bodies, std::optional<int64_t> delay_ms = {}) {
    std::vector<OutgoingMessage> messages;
    for (auto& b : bodies) {
      OutgoingMessage m;
      m.body = b;
      m.md5_body = {};
      m.sender_id = "test";
      m.delay_ms = delay_ms;
      messages.push_back(std::move(m));
    }
    std::promise<std::vector<Result<SentMessage>>> p;
    shard_->send(kQueue, std::move(messages), [&](auto r) { p.set_value(std::move(r)); });
    return wait(p);
  }
  Result<std::vector<DeliveredMessage>> receive(int max, int64_t visibility_ms = 30'000, int64_t wait_ms = 0) {
    std::promise<Result<std::vector<DeliveredMessage>>> p;
    shard_->receive(kQueue, ReceiveOptions{max, visibility_ms, wait_ms, {}}, [&](auto r) { p.set_value(std::move(r)); });
    return wait(p);
  }
  std::vector<Status> remove(std::vector<std::string> handles) {
    std::promise<std::vector<Status>> p;
    shard_->delete_messages(kQueue, std::move(handles), [&](auto r) { p.set_value(std::move(r)); });
    return wait(p);
  }
  QueueCounters counters() {
    std::promise<Result<QueueCounters>> p;
    shard_->counters(kQueue, [&](auto r) { p.set_value(std::move(r)); });
    auto r = wait(p);
    EXPECT_TRUE(r);
    return r ? *r : QueueCounters{};
  }
  template <class T>
  static T wait(std::promise<T>& p) {
    auto f = p.get_future();
    if (f.wait_for(30s) != std::future_status::ready) {
      ADD_FAILURE() << "shard did not answer within 30 s";
      std::abort();
    }
    return f.get();
  }

  std::string dir_;
  FakeClock clock_;
  std::unique_ptr<Shard> shard_;
};

TEST_F(ShardTest, SendReceiveDelete) {
  auto sent = send({"a", "b"});
  ASSERT_EQ(sent.size(), 2u);
  ASSERT_TRUE(sent[0]);
  ASSERT_TRUE(sent[1]);
  EXPECT_NE(sent[0]->message_id, sent[1]->message_id);
  auto got = receive(10);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].record.body, "a");
  EXPECT_EQ((*got)[0].record.message_id, sent[0]->message_id);
  EXPECT_EQ((*got)[1].record.message_id, sent[1]->message_id);
  EXPECT_EQ((*got)[0].record.sender_id, "test");
  EXPECT_EQ((*got)[0].receive_count, 1u);
  QueueCounters c = counters();
  EXPECT_EQ(c.in_flight, 2u);
  auto deleted = remove({(*got)[0].receipt_handle, (*got)[1].receipt_handle});
  EXPECT_TRUE(deleted[0].ok());
  EXPECT_TRUE(deleted[1].ok());
  c = counters();
  EXPECT_EQ(c.in_flight + c.visible, 0u);
  // Deleting again is fine, as in SQS.
  EXPECT_TRUE(remove({(*got)[0].receipt_handle})[0].ok());
  EXPECT_EQ(remove({"garbage"})[0].code(), Errc::kReceiptHandleInvalid);
}

TEST_F(ShardTest, EverythingSurvivesAReopen) {
  send({"keep", "drop", "inflight"});
  auto got = receive(3, 60'000);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 3u);
  std::string drop_handle, inflight_handle;
  for (auto& m : *got) {
    if (m.record.body == "drop") drop_handle = m.receipt_handle;
  }
  ASSERT_TRUE(remove({drop_handle})[0].ok());
  reopen();
  QueueCounters c = counters();
  EXPECT_EQ(c.in_flight, 3u - 1);  // still hidden: the deadline is absolute
  clock_.advance(60s);
  auto again = receive(10);
  ASSERT_TRUE(again);
  ASSERT_EQ(again->size(), 2u);
  std::set<std::string> bodies;
  for (auto& m : *again) {
    bodies.insert(m.record.body);
    EXPECT_EQ(m.receive_count, 2u);
  }
  EXPECT_EQ(bodies, (std::set<std::string>{"keep", "inflight"}));
}

TEST_F(ShardTest, LongPollIsAnsweredBySend) {
  std::promise<Result<std::vector<DeliveredMessage>>> p;
  shard_->receive(kQueue, ReceiveOptions{1, {}, 20'000, {}}, [&](auto r) { p.set_value(std::move(r)); });
  auto f = p.get_future();
  EXPECT_EQ(f.wait_for(50ms), std::future_status::timeout);
  send({"wake"});
  ASSERT_EQ(f.wait_for(10s), std::future_status::ready);
  auto got = f.get();
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].record.body, "wake");
}

TEST_F(ShardTest, LongPollTimesOutEmpty) {
  auto got = receive(1, 30'000, 100);
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->empty());
}

TEST_F(ShardTest, DelayedMessagesWaitForTheirTime) {
  send({"later"}, 5000);
  EXPECT_EQ(counters().delayed, 1u);
  EXPECT_TRUE(receive(1)->empty());
  clock_.advance(5s);
  auto got = receive(1);
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].record.body, "later");
}

TEST_F(ShardTest, VisibilityChangesFollowSqsRules) {
  send({"m"});
  auto got = receive(1);
  ASSERT_EQ(got->size(), 1u);
  std::string handle = (*got)[0].receipt_handle;
  std::promise<std::vector<Status>> p1;
  shard_->change_visibility(kQueue, {{handle, 0}}, [&](auto r) { p1.set_value(std::move(r)); });
  EXPECT_TRUE(wait(p1)[0].ok());
  // Visible again, so no longer in flight.
  std::promise<std::vector<Status>> p2;
  shard_->change_visibility(kQueue, {{handle, 10'000}}, [&](auto r) { p2.set_value(std::move(r)); });
  EXPECT_EQ(wait(p2)[0].code(), Errc::kMessageNotInflight);
  auto again = receive(1, 43'200'000);
  ASSERT_EQ(again->size(), 1u);
  // The 12-hour cap counts from the first receive.
  clock_.advance(std::chrono::hours(11));
  std::promise<std::vector<Status>> p3;
  shard_->change_visibility(kQueue, {{(*again)[0].receipt_handle, 2 * 3600 * 1000}},
                            [&](auto r) { p3.set_value(std::move(r)); });
  auto capped = wait(p3);
  EXPECT_EQ(capped[0].code(), Errc::kInvalidArgument);
}

TEST_F(ShardTest, PurgeEmptiesTheQueueOncePerMinute) {
  send({"a", "b", "c"});
  std::promise<Status> p1;
  shard_->purge(kQueue, [&](Status s) { p1.set_value(s); });
  EXPECT_TRUE(wait(p1).ok());
  EXPECT_EQ(counters().visible, 0u);
  std::promise<Status> p2;
  shard_->purge(kQueue, [&](Status s) { p2.set_value(s); });
  EXPECT_EQ(wait(p2).code(), Errc::kPurgeInProgress);
  send({"after"});
  reopen();
  auto got = receive(10);
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].record.body, "after");
}

TEST_F(ShardTest, ReceivesStopAtTheInFlightLimit) {
  ShardQueueSettings limited;
  limited.max_in_flight = 2;
  shard_->update_queue(kQueue, limited);
  send({"a", "b", "c"});
  ASSERT_EQ(receive(2)->size(), 2u);
  auto over = receive(1);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code(), Errc::kResourceExhausted);
  EXPECT_EQ(over.error().message(), "Too many messages in flight (2).");
}

TEST_F(ShardTest, UnknownQueueIsQueueNotFound) {
  std::promise<Result<std::vector<DeliveredMessage>>> p;
  shard_->receive(999, ReceiveOptions{}, [&](auto r) { p.set_value(std::move(r)); });
  EXPECT_EQ(wait(p).status().code(), Errc::kQueueNotFound);
}

}  // namespace
}  // namespace spool
