// MoveTasks over a real QueueEngine (shards on segment logs in a temporary directory)
// with in-memory catalogs and a fake clock. The rate limit earns tokens only as the fake
// clock moves, so what a task may move is decided by the test, not by timing.

#include "engine/move_tasks.h"

#include <gtest/gtest.h>

#include <future>
#include <set>
#include <thread>

#include "tests/engine/engine_fixture.h"

namespace spool {
namespace {

using namespace std::chrono_literals;

class MoveTasksTest : public EngineFixture {
 protected:
  Result<std::string> start(const QueueMetaPtr& source, const QueueMetaPtr& destination, std::optional<int> rate) {
    std::promise<Result<std::string>> p;
    engine_->move_tasks()->start_task(source, destination, rate, [&](auto r) { p.set_value(std::move(r)); });
    return wait(p);
  }
  MoveTaskRecord task_of(const QueueMetaPtr& source, const std::string& handle) {
    std::promise<Result<std::vector<MoveTaskRecord>>> p;
    engine_->move_tasks()->list(source, 10, [&](auto r) { p.set_value(std::move(r)); });
    auto listed = wait(p);
    EXPECT_TRUE(listed);
    for (const auto& r : *listed) {
      if (r.task_handle == handle) return r;
    }
    ADD_FAILURE() << "task " << handle << " not listed";
    return {};
  }
  // Polls (every 10 ms, at most 10 s) until `done(task)`; the task as last seen.
  template <class Pred>
  MoveTaskRecord wait_for(const QueueMetaPtr& source, const std::string& handle, Pred done) {
    MoveTaskRecord r;
    for (int i = 0; i < 1000; ++i) {
      r = task_of(source, handle);
      if (done(r)) return r;
      std::this_thread::sleep_for(10ms);
    }
    ADD_FAILURE() << "task " << handle << " stuck at " << r.status << ", moved " << r.messages_moved;
    return r;
  }
  Result<int64_t> cancel(const std::string& account, const std::string& handle) {
    std::promise<Result<int64_t>> p;
    engine_->move_tasks()->cancel(account, handle, [&](auto r) { p.set_value(std::move(r)); });
    return wait(p);
  }
};

TEST_F(MoveTasksTest, MovesTheRateAllowsAsTheClockAdvancesThenCompletes) {
  QueueMetaPtr from = create("from"), to = create("to");
  send(from, 12, "m");
  auto handle = start(from, to, 5);
  ASSERT_TRUE(handle) << handle.error().to_string();
  EXPECT_EQ(task_of(from, *handle).messages_to_move, 12);
  // No time has passed: no tokens, nothing moves however many ticks run.
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(task_of(from, *handle).messages_moved, 0);
  clock_.advance(1s);  // 5 tokens
  wait_for(from, *handle, [](const MoveTaskRecord& r) { return r.messages_moved == 5; });
  std::this_thread::sleep_for(300ms);  // three more ticks, still no new tokens
  EXPECT_EQ(task_of(from, *handle).messages_moved, 5);
  EXPECT_EQ(counters(to).visible, 5u);
  clock_.advance(10s);  // a second's burst at most: 5 more
  wait_for(from, *handle, [](const MoveTaskRecord& r) { return r.messages_moved == 10; });
  clock_.advance(1s);
  MoveTaskRecord done = wait_for(from, *handle, [](const MoveTaskRecord& r) { return r.status == "COMPLETED"; });
  EXPECT_EQ(done.messages_moved, 12);
  EXPECT_EQ(counters(from).visible + counters(from).in_flight, 0u);  // deleted once moved
  std::multiset<std::string> want;
  for (int i = 0; i < 12; ++i) want.insert("m" + std::to_string(i));
  EXPECT_EQ(bodies(to), want);
  // The outcome outlives the process: the tick after the last batch writes it to the
  // catalog.
  std::optional<MoveTaskRecord> stored;
  for (int i = 0; i < 1000 && !(stored && stored->status == "COMPLETED"); ++i) {
    std::this_thread::sleep_for(10ms);
    stored = tasks_.find_move_task(*handle).value();
  }
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->status, "COMPLETED");
  EXPECT_EQ(stored->messages_moved, 12);
}

TEST_F(MoveTasksTest, OneRunningTaskPerSourceAndCancelStopsIt) {
  QueueMetaPtr from = create("from"), to = create("to");
  send(from, 30, "m");
  auto first = start(from, to, 10);
  ASSERT_TRUE(first);
  auto second = start(from, to, 10);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code(), Errc::kInvalidArgument);
  clock_.advance(1s);  // 10 tokens: one batch
  wait_for(from, *first, [](const MoveTaskRecord& r) { return r.messages_moved == 10; });
  EXPECT_EQ(cancel("222222222222", *first).error().code(), Errc::kNotFound);  // another account's
  EXPECT_EQ(cancel(kAccount, "no-such-task").error().code(), Errc::kNotFound);
  auto cancelled = cancel(kAccount, *first);
  ASSERT_TRUE(cancelled) << cancelled.error().to_string();
  EXPECT_EQ(*cancelled, 10);
  wait_for(from, *first, [](const MoveTaskRecord& r) { return r.status == "CANCELLED"; });
  clock_.advance(5s);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(counters(to).visible, 10u);  // nothing more moves
  EXPECT_EQ(counters(from).visible, 20u);
  EXPECT_EQ(cancel(kAccount, *first).error().code(), Errc::kUnsupported);  // not running
  // The source is free for a new task, which moves the rest.
  auto again = start(from, to, std::nullopt);
  ASSERT_TRUE(again) << again.error().to_string();
  clock_.advance(1s);
  MoveTaskRecord done = wait_for(from, *again, [](const MoveTaskRecord& r) { return r.status == "COMPLETED"; });
  EXPECT_EQ(done.messages_moved, 20);
  EXPECT_EQ(counters(to).visible, 30u);
}

TEST_F(MoveTasksTest, ARunningTaskResumesAfterARestart) {
  QueueMetaPtr from = create("from"), to = create("to");
  send(from, 15, "m");
  auto handle = start(from, to, 10);
  ASSERT_TRUE(handle);
  clock_.advance(1s);
  wait_for(from, *handle, [](const MoveTaskRecord& r) { return r.messages_moved == 10; });
  reopen();  // the catalog still says RUNNING
  from = find("from");
  to = find("to");
  EXPECT_EQ(task_of(from, *handle).status, "RUNNING");
  clock_.advance(1s);
  MoveTaskRecord done = wait_for(from, *handle, [](const MoveTaskRecord& r) { return r.status == "COMPLETED"; });
  EXPECT_EQ(done.messages_moved, 15);
  EXPECT_EQ(counters(to).visible, 15u);
  EXPECT_EQ(counters(from).visible + counters(from).in_flight, 0u);
}

TEST_F(MoveTasksTest, AMessageWithoutAnOriginalSourceFailsATaskWithoutDestination) {
  // Sent straight to the queue, it was never dead-lettered: there is nowhere to return it.
  QueueMetaPtr dlq = create("dlq");
  send(dlq, 1, "orphan");
  auto handle = start(dlq, nullptr, 10);
  ASSERT_TRUE(handle);
  clock_.advance(1s);
  MoveTaskRecord done = wait_for(dlq, *handle, [](const MoveTaskRecord& r) { return r.status == "FAILED"; });
  EXPECT_EQ(done.failure_reason, "A message has no original source queue to return to.");
  EXPECT_EQ(done.messages_moved, 0);
  EXPECT_EQ(counters(dlq).in_flight, 1u);  // still there, hidden until its move timeout
}

}  // namespace
}  // namespace spool
