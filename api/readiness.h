#pragma once

// Readiness: answers /ready without blocking an HTTP thread. A background thread runs
// the (blocking) check every `interval` and keeps the last answer.
//
// ready() is safe from any thread. The check runs on the readiness thread only.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace spool {

class Readiness {
 public:
  // Runs `check` once before returning, so the first answer is real.
  Readiness(std::function<bool()> check, std::chrono::milliseconds interval);
  ~Readiness();
  Readiness(const Readiness&) = delete;
  Readiness& operator=(const Readiness&) = delete;

  bool ready() const { return ready_.load(); }

 private:
  std::function<bool()> check_;
  std::chrono::milliseconds interval_;
  std::atomic<bool> ready_{false};
  std::mutex mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace spool
