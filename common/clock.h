#pragma once

// Time as a small injected interface, so timers, retention and expiry are tested by
// advancing a FakeClock instead of sleeping.
//
// SystemClock is safe from any thread. FakeClock is safe from any thread too (atomic),
// but only tests advance it.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace spool {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall clock, for timestamps clients see and for retention (epoch milliseconds).
  virtual int64_t now_ms() const = 0;
  // Monotonic, for deadlines and durations.
  virtual std::chrono::steady_clock::time_point steady_now() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t now_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  std::chrono::steady_clock::time_point steady_now() const override {
    return std::chrono::steady_clock::now();
  }
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start_ms = 1'700'000'000'000) : now_ms_(start_ms) {}
  int64_t now_ms() const override { return now_ms_.load(); }
  std::chrono::steady_clock::time_point steady_now() const override {
    return std::chrono::steady_clock::time_point(std::chrono::milliseconds(now_ms_.load()));
  }
  void advance(std::chrono::milliseconds by) { now_ms_ += by.count(); }

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace spool
