#include "engine/executor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <vector>

namespace spool {
namespace {

using namespace std::chrono_literals;

TEST(Executor, RunsPostedTasksInOrderOnItsThread) {
  Executor executor("test");
  std::vector<int> order;
  std::promise<void> done;
  for (int i = 0; i < 100; ++i) {
    executor.post([&, i] {
      EXPECT_TRUE(executor.on_executor_thread());
      order.push_back(i);
      if (i == 99) done.set_value();
    });
  }
  ASSERT_EQ(done.get_future().wait_for(10s), std::future_status::ready);
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
  EXPECT_FALSE(executor.on_executor_thread());
}

TEST(Executor, TimersRunInDeadlineOrder) {
  Executor executor("test");
  std::vector<int> order;
  std::promise<void> done;
  auto now = std::chrono::steady_clock::now();
  executor.post_at(now + 30ms, [&] {
    order.push_back(3);
    done.set_value();
  });
  executor.post_at(now + 10ms, [&] { order.push_back(1); });
  executor.post_at(now + 20ms, [&] { order.push_back(2); });
  ASSERT_EQ(done.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(Executor, CancelledTimerNeverRuns) {
  Executor executor("test");
  std::atomic<bool> ran{false};
  uint64_t id = executor.post_at(std::chrono::steady_clock::now() + 50ms, [&] { ran = true; });
  EXPECT_TRUE(executor.cancel(id));
  EXPECT_FALSE(executor.cancel(id));
  // A later timer proves the executor passed the cancelled deadline.
  std::promise<void> later;
  executor.post_at(std::chrono::steady_clock::now() + 100ms, [&] { later.set_value(); });
  ASSERT_EQ(later.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_FALSE(ran.load());
}

TEST(Executor, StopRunsWhatWasPostedBefore) {
  std::atomic<int> count{0};
  {
    Executor executor("test");
    for (int i = 0; i < 1000; ++i) executor.post([&] { ++count; });
    executor.stop();
  }
  EXPECT_EQ(count.load(), 1000);
}

}  // namespace
}  // namespace spool
