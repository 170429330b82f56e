#include "auth/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace spool {
namespace {

using std::chrono::milliseconds;

int take_all(RateLimiter& limiter, const std::string& account, int64_t rate, int attempts) {
  int granted = 0;
  for (int i = 0; i < attempts; ++i) granted += limiter.try_acquire(account, rate) ? 1 : 0;
  return granted;
}

TEST(TokenBucket, StartsFullThenRefillsAtTheRate) {
  TokenBucket bucket;
  auto t0 = std::chrono::steady_clock::time_point(std::chrono::seconds(100));
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(bucket.try_take(10, t0)) << i;
  EXPECT_FALSE(bucket.try_take(10, t0));
  EXPECT_FALSE(bucket.try_take(10, t0 + milliseconds(99)));  // 0.99 tokens
  EXPECT_TRUE(bucket.try_take(10, t0 + milliseconds(100)));
  EXPECT_FALSE(bucket.try_take(10, t0 + milliseconds(100)));
}

TEST(TokenBucket, HoldsAtMostOneSecondOfTokens) {
  TokenBucket bucket;
  auto t0 = std::chrono::steady_clock::time_point(std::chrono::seconds(100));
  EXPECT_TRUE(bucket.try_take(5, t0));
  auto later = t0 + std::chrono::hours(1);
  int granted = 0;
  for (int i = 0; i < 20; ++i) granted += bucket.try_take(5, later) ? 1 : 0;
  EXPECT_EQ(granted, 5);
}

TEST(TokenBucket, ALoweredRateAppliesAtOnce) {
  TokenBucket bucket;
  auto t0 = std::chrono::steady_clock::time_point(std::chrono::seconds(100));
  EXPECT_TRUE(bucket.try_take(1000, t0));  // 999 left
  EXPECT_TRUE(bucket.try_take(2, t0));     // capped to 2, one taken
  EXPECT_TRUE(bucket.try_take(2, t0));
  EXPECT_FALSE(bucket.try_take(2, t0));
}

TEST(RateLimiter, AccountsHaveTheirOwnBuckets) {
  FakeClock clock;
  RateLimiter limiter(clock);
  EXPECT_EQ(take_all(limiter, "111111111111", 3, 10), 3);
  EXPECT_EQ(take_all(limiter, "222222222222", 4, 10), 4);
  clock.advance(milliseconds(500));
  EXPECT_EQ(take_all(limiter, "111111111111", 3, 10), 1);  // 1.5 tokens refilled
  clock.advance(milliseconds(1000));
  EXPECT_EQ(take_all(limiter, "222222222222", 4, 10), 4);
}

TEST(RateLimiter, ZeroOrNegativeRateMeansUnlimited) {
  FakeClock clock;
  RateLimiter limiter(clock);
  EXPECT_EQ(take_all(limiter, "111111111111", 0, 1000), 1000);
  EXPECT_EQ(take_all(limiter, "111111111111", -1, 1000), 1000);
}

TEST(RateLimiter, ConcurrentCallersNeverExceedTheBucket) {
  FakeClock clock;  // time stands still: exactly `rate` grants in total
  RateLimiter limiter(clock);
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        if (limiter.try_acquire(t % 2 == 0 ? "111111111111" : "222222222222", 700)) ++granted;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(granted.load(), 1400);
}

}  // namespace
}  // namespace spool
