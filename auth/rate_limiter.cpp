#include "auth/rate_limiter.h"

#include <algorithm>

namespace spool {

bool TokenBucket::try_take(int64_t rate_per_second, std::chrono::steady_clock::time_point now) {
  const double capacity = static_cast<double>(rate_per_second);
  if (tokens_ < 0) {
    tokens_ = capacity;
  } else if (now > last_refill_) {
    double elapsed_s = std::chrono::duration<double>(now - last_refill_).count();
    tokens_ = std::min(capacity, tokens_ + elapsed_s * capacity);
  } else {
    // A lowered quota takes effect at once, even without time passing.
    tokens_ = std::min(capacity, tokens_);
  }
  last_refill_ = std::max(last_refill_, now);
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

std::shared_ptr<RateLimiter::AccountBucket> RateLimiter::bucket_of(const std::string& account_id) {
  std::shared_ptr<const Directory> directory = directory_.load(std::memory_order_acquire);
  if (auto it = directory->find(account_id); it != directory->end()) return it->second;
  std::lock_guard lock(grow_mutex_);
  directory = directory_.load(std::memory_order_acquire);
  if (auto it = directory->find(account_id); it != directory->end()) return it->second;
  auto grown = std::make_shared<Directory>(*directory);
  auto bucket = std::make_shared<AccountBucket>();
  (*grown)[account_id] = bucket;
  directory_.store(std::move(grown), std::memory_order_release);
  return bucket;
}

bool RateLimiter::try_acquire(const std::string& account_id, int64_t rate_per_second) {
  if (rate_per_second <= 0) return true;
  std::shared_ptr<AccountBucket> entry = bucket_of(account_id);
  std::lock_guard lock(entry->mutex);
  return entry->bucket.try_take(rate_per_second, clock_.steady_now());
}

}  // namespace spool
