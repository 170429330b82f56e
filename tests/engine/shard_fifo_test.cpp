// A shard with FIFO and redrive: deduplication (also across a restart), group order,
// receive attempts, and dead-letter moves between two queues of the shard.

#include <gtest/gtest.h>

#include <filesystem>
#include <future>

#include "engine/receipt_handle.h"
#include "engine/shard.h"

namespace spool {
namespace {

using namespace std::chrono_literals;

constexpr uint64_t kFifo = 5;
constexpr uint64_t kFifoDlq = 6;
constexpr uint64_t kStandard = 7;
constexpr uint64_t kStandardDlq = 8;
const std::string kKey(32, 'k');

template <class T>
T wait(std::promise<T>& p) {
  auto f = p.get_future();
  if (f.wait_for(10s) != std::future_status::ready) ADD_FAILURE() << "shard did not answer";
  return f.get();
}

class ShardFifoTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir() + "/shard_fifo_test_" + std::to_string(::getpid()) + "_" +
           testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    open();
  }
  void TearDown() override {
    shard_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::map<uint64_t, ShardQueueSettings> queues() {
    ShardQueueSettings fifo;
    fifo.name = "q.fifo";
    fifo.fifo = true;
    fifo.dead_letter_queue = "dlq.fifo";
    fifo.max_receive_count = 2;
    ShardQueueSettings fifo_dlq;
    fifo_dlq.name = "dlq.fifo";
    fifo_dlq.fifo = true;
    ShardQueueSettings standard;
    standard.name = "q";
    standard.dead_letter_queue = "dlq";
    standard.max_receive_count = 1;
    ShardQueueSettings standard_dlq;
    standard_dlq.name = "dlq";
    return {{kFifo, fifo}, {kFifoDlq, fifo_dlq}, {kStandard, standard}, {kStandardDlq, standard_dlq}};
  }
  void open() {
    ShardOptions o;
    o.dir = dir_;
    o.key = kKey;
    o.clock = &clock_;
    o.dead_letter = [this](const std::string&, const std::string& name, EnqueueRecord r,
                           std::function<void(Status)> done) {
      uint64_t target = name == "dlq.fifo" ? kFifoDlq : name == "dlq" ? kStandardDlq : 0;
      shard_->enqueue_moved(target, std::move(r), [done](Result<SentMessage> s) { done(s.status()); });
    };
    auto shard = Shard::open(o, queues());
    ASSERT_TRUE(shard) << shard.error().to_string();
    shard_ = std::move(*shard);
  }
  void reopen() {
    shard_.reset();
    open();
  }

  std::vector<Result<SentMessage>> send(uint64_t queue, std::vector<std::array<std::string, 3>> messages) {
    std::vector<OutgoingMessage> out;
    for (auto& [body, group, dedupe] : messages) {
      OutgoingMessage m;
      m.body = body;
      m.md5_body = {};
      m.sender_id = "test";
      m.group_id = group;
      m.dedupe_id = dedupe;
      out.push_back(std::move(m));
    }
    std::promise<std::vector<Result<SentMessage>>> p;
    shard_->send(queue, std::move(out), [&](auto r) { p.set_value(std::move(r)); });
    return wait(p);
  }
  std::vector<DeliveredMessage> receive(uint64_t queue, int max, std::string attempt = {},
                                        int64_t visibility_ms = 30'000) {
    std::promise<Result<std::vector<DeliveredMessage>>> p;
    shard_->receive(queue, ReceiveOptions{max, visibility_ms, 0, std::move(attempt)},
                    [&](auto r) { p.set_value(std::move(r)); });
    auto r = wait(p);
    EXPECT_TRUE(r) << r.error().to_string();
    return r ? *r : std::vector<DeliveredMessage>{};
  }
  std::vector<Status> remove(uint64_t queue, std::vector<std::string> handles) {
    std::promise<std::vector<Status>> p;
    shard_->delete_messages(queue, std::move(handles), [&](auto r) { p.set_value(std::move(r)); });
    return wait(p);
  }
  QueueCounters counters(uint64_t queue) {
    std::promise<Result<QueueCounters>> p;
    shard_->counters(queue, [&](auto r) { p.set_value(std::move(r)); });
    return *wait(p);
  }
  static std::vector<std::string> bodies(const std::vector<DeliveredMessage>& ms) {
    std::vector<std::string> out;
    for (const auto& m : ms) out.push_back(m.record.body);
    return out;
  }

  std::string dir_;
  FakeClock clock_;
  std::unique_ptr<Shard> shard_;
};

TEST_F(ShardFifoTest, DuplicateSendReturnsTheOriginalAndEnqueuesNothing) {
  auto first = send(kFifo, {{"a", "g", "d1"}});
  ASSERT_TRUE(first[0]);
  // The same id again, in a batch with a new one and a duplicate of that new one.
  auto second = send(kFifo, {{"a-again", "g", "d1"}, {"b", "g", "d2"}, {"b-again", "g", "d2"}});
  ASSERT_TRUE(second[0] && second[1] && second[2]);
  EXPECT_EQ(second[0]->message_id, first[0]->message_id);
  EXPECT_EQ(second[0]->seq, first[0]->seq);
  EXPECT_EQ(second[2]->message_id, second[1]->message_id);
  EXPECT_GT(second[1]->seq, first[0]->seq);
  EXPECT_EQ(bodies(receive(kFifo, 10)), (std::vector<std::string>{"a", "b"}));
}

TEST_F(ShardFifoTest, DeduplicationWindowSurvivesRestartAndDeletion) {
  auto first = send(kFifo, {{"a", "g", "d1"}});
  ASSERT_TRUE(first[0]);
  auto got = receive(kFifo, 1);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_TRUE(remove(kFifo, {got[0].receipt_handle})[0].ok());
  reopen();
  auto again = send(kFifo, {{"a", "g", "d1"}});
  ASSERT_TRUE(again[0]);
  EXPECT_EQ(again[0]->message_id, first[0]->message_id);
  EXPECT_TRUE(receive(kFifo, 10).empty());
  // Past the five-minute window the id is new again.
  clock_.advance(5min);
  auto later = send(kFifo, {{"a2", "g", "d1"}});
  ASSERT_TRUE(later[0]);
  EXPECT_NE(later[0]->message_id, first[0]->message_id);
  EXPECT_EQ(bodies(receive(kFifo, 10)), (std::vector<std::string>{"a2"}));
}

TEST_F(ShardFifoTest, GroupOrderHoldsAcrossRestartWithAMessageInFlight) {
  send(kFifo, {{"g1-1", "g1", "1"}, {"g2-1", "g2", "2"}, {"g1-2", "g1", "3"}});
  EXPECT_EQ(bodies(receive(kFifo, 1)), (std::vector<std::string>{"g1-1"}));
  reopen();
  // g1 is blocked by its in-flight head; g2 delivers.
  EXPECT_EQ(bodies(receive(kFifo, 10)), (std::vector<std::string>{"g2-1"}));
  clock_.advance(30s);
  auto again = receive(kFifo, 10);
  EXPECT_EQ(bodies(again), (std::vector<std::string>{"g1-1", "g1-2", "g2-1"}));
  ASSERT_EQ(again.size(), 3u);
  EXPECT_EQ(again[0].receive_count, 2u);
  EXPECT_LT(again[0].seq, again[1].seq);
}

TEST_F(ShardFifoTest, ReceiveAttemptRetryReturnsTheSameBatch) {
  send(kFifo, {{"a", "g", "1"}, {"b", "g", "2"}, {"c", "h", "3"}});
  auto first = receive(kFifo, 2, "attempt-1");
  ASSERT_EQ(bodies(first), (std::vector<std::string>{"a", "b"}));
  auto retry = receive(kFifo, 2, "attempt-1");
  ASSERT_EQ(retry.size(), 2u);
  EXPECT_EQ(retry[0].receipt_handle, first[0].receipt_handle);
  EXPECT_EQ(retry[1].receipt_handle, first[1].receipt_handle);
  EXPECT_EQ(retry[1].record.body, "b");
  // Once a message of the batch is deleted, the attempt id starts a new receive.
  ASSERT_TRUE(remove(kFifo, {first[0].receipt_handle})[0].ok());
  EXPECT_EQ(bodies(receive(kFifo, 2, "attempt-1")), (std::vector<std::string>{"c"}));
}

TEST_F(ShardFifoTest, MessagesOverMaxReceiveCountMoveToTheDeadLetterQueue) {
  auto sent = send(kStandard, {{"poison", "", ""}});
  ASSERT_TRUE(sent[0]);
  EXPECT_EQ(receive(kStandard, 1, {}, 0).size(), 1u);  // count 1 = maxReceiveCount
  EXPECT_TRUE(receive(kStandard, 1, {}, 0).empty()) << "the second receive moves it";
  // The move completes asynchronously: poll the dead-letter queue briefly.
  std::vector<DeliveredMessage> moved;
  for (int i = 0; i < 200 && moved.empty(); ++i) {
    moved = receive(kStandardDlq, 1);
    if (moved.empty()) std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].record.body, "poison");
  EXPECT_EQ(moved[0].record.origin_queue_id, kStandard);
  EXPECT_EQ(moved[0].receive_count, 1u) << "the count starts again in the DLQ";
  EXPECT_EQ(counters(kStandard).visible + counters(kStandard).in_flight, 0u);
  // After a restart the source stays empty and the DLQ keeps the message.
  reopen();
  EXPECT_EQ(counters(kStandard).visible + counters(kStandard).in_flight, 0u);
  EXPECT_EQ(counters(kStandardDlq).in_flight, 1u);
}

TEST_F(ShardFifoTest, FifoDeadLetterKeepsGroupAndLetsTheGroupGoOn) {
  send(kFifo, {{"first", "g", "1"}, {"second", "g", "2"}});
  for (int i = 0; i < 2; ++i) {  // maxReceiveCount 2, visibility 0: received twice
    EXPECT_EQ(bodies(receive(kFifo, 1, {}, 0)), (std::vector<std::string>{"first"}));
  }
  std::vector<DeliveredMessage> next;
  for (int i = 0; i < 200 && next.empty(); ++i) {
    next = receive(kFifo, 1, {}, 0);
    if (next.empty()) std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(bodies(next), (std::vector<std::string>{"second"}));
  auto moved = receive(kFifoDlq, 10);
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].record.body, "first");
  EXPECT_EQ(moved[0].record.group_id, "g");
  EXPECT_EQ(moved[0].record.dedupe_id, "1");
}

}  // namespace
}  // namespace spool
