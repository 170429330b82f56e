#pragma once

// Guarded<T>: a value and the mutex that protects it, in one object, so the lock can't
// be forgotten. For the little shared mutable state outside shards.
//
// Safe from any thread. Do not call back into the same Guarded from inside with_lock.

#include <mutex>
#include <utility>

namespace spool {

template <class T>
class Guarded {
 public:
  template <class... Args>
  explicit Guarded(Args&&... args) : value_(std::forward<Args>(args)...) {}

  template <class F>
  auto with_lock(F&& f) {
    std::lock_guard lock(mutex_);
    return f(value_);
  }
  template <class F>
  auto with_lock(F&& f) const {
    std::lock_guard lock(mutex_);
    return f(value_);
  }

 private:
  mutable std::mutex mutex_;
  T value_;
};

}  // namespace spool
