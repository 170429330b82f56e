#include "engine/executor.h"

#include <pthread.h>

namespace spool {

Executor::Executor(std::string name) : name_(std::move(name)) {
  thread_ = std::thread([this] { run(); });
  // Thread names show up in top/perf; Linux caps them at 15 characters.
  pthread_setname_np(thread_.native_handle(), name_.substr(0, 15).c_str());
}

Executor::~Executor() { stop(); }

void Executor::post(Task task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    ready_.push_back(std::move(task));
  }
  wake_.notify_one();
}

uint64_t Executor::post_at(TimePoint when, Task task) {
  uint64_t id;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return 0;
    id = next_timer_id_++;
    timers_.emplace(std::make_pair(when, id), std::move(task));
    timer_deadlines_.emplace(id, when);
  }
  wake_.notify_one();
  return id;
}

bool Executor::cancel(uint64_t timer_id) {
  std::lock_guard lock(mutex_);
  auto it = timer_deadlines_.find(timer_id);
  if (it == timer_deadlines_.end()) return false;
  timers_.erase(std::make_pair(it->second, timer_id));
  timer_deadlines_.erase(it);
  return true;
}

void Executor::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    auto now = std::chrono::steady_clock::now();
    while (!timers_.empty() && timers_.begin()->first.first <= now) {
      auto node = timers_.extract(timers_.begin());
      timer_deadlines_.erase(node.key().second);
      ready_.push_back(std::move(node.mapped()));
    }
    if (!ready_.empty()) {
      std::deque<Task> batch;
      batch.swap(ready_);
      lock.unlock();
      for (Task& task : batch) task();
      lock.lock();
      continue;
    }
    if (stopping_) return;
    if (timers_.empty()) {
      wake_.wait(lock);
    } else {
      // A copy: the node may be erased (stop, cancel) while this thread waits on it.
      const TimePoint deadline = timers_.begin()->first.first;
      wake_.wait_until(lock, deadline);
    }
  }
}

void Executor::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    timers_.clear();
    timer_deadlines_.clear();
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

}  // namespace spool
