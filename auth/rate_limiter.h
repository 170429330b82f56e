#pragma once

// Request-rate quotas per tenant: a token bucket per account. A bucket refills at the
// account's rate (requests per second) and holds at most one second's worth, so a quiet
// tenant may burst to its rate at once and is then held to the rate on average.
// Over the quota a request is refused; the api answers RequestThrottled, which SDKs
// retry with backoff.
//
// Each node limits on its own: behind N api nodes a tenant gets up to N times its rate.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/clock.h"

namespace spool {

// Plain arithmetic over times the caller supplies. One caller at a time.
class TokenBucket {
 public:
  // Takes one token at `now`, refilling first at `rate_per_second` up to a capacity of
  // `rate_per_second` tokens. A new bucket starts full. Requires rate_per_second > 0.
  bool try_take(int64_t rate_per_second, std::chrono::steady_clock::time_point now);

 private:
  double tokens_ = -1;  // < 0: never used (full)
  std::chrono::steady_clock::time_point last_refill_{};
};

// Safe from any thread. The hot path costs one shared-pointer load of the bucket
// directory and the account's own small mutex; the directory is copied only when an
// account is seen for the first time. The clock must outlive the limiter.
class RateLimiter {
 public:
  explicit RateLimiter(const Clock& clock) : clock_(clock) {}

  // Whether the account may make one more request now. `rate_per_second` <= 0 means no
  // limit. The rate may change between calls (a new quota applies at once).
  bool try_acquire(const std::string& account_id, int64_t rate_per_second);

 private:
  struct AccountBucket {
    std::mutex mutex;
    TokenBucket bucket;
  };
  using Directory = std::unordered_map<std::string, std::shared_ptr<AccountBucket>>;

  std::shared_ptr<AccountBucket> bucket_of(const std::string& account_id);

  const Clock& clock_;
  std::atomic<std::shared_ptr<const Directory>> directory_{std::make_shared<const Directory>()};
  std::mutex grow_mutex_;  // serializes copying the directory to add an account
};

}  // namespace spool
