#include "api/readiness.h"

namespace spool {

Readiness::Readiness(std::function<bool()> check, std::chrono::milliseconds interval)
    : check_(std::move(check)), interval_(interval) {
  ready_.store(check_());
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stop_cv_.wait_for(lock, interval_, [this] { return stopping_; })) {
      lock.unlock();
      ready_.store(check_());
      lock.lock();
    }
  });
}

Readiness::~Readiness() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_cv_.notify_one();
  thread_.join();
}

}  // namespace spool
