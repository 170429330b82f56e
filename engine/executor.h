#pragma once

// Executor: one thread that runs posted closures in order, plus timers. A shard's state
// is touched only by its executor, so queue logic needs no locks.
//
// post() and post_at() are safe from any thread. Closures run on the executor's thread
// and must not block (no fsync, no libpq, no sleeping). stop() runs what was posted
// before it, drops pending timers, and joins; the destructor calls stop().

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace spool {

class Executor {
 public:
  using Task = std::function<void()>;
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit Executor(std::string name);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  void post(Task task);
  // Runs `task` at or after `when`. Returns an id for cancel().
  uint64_t post_at(TimePoint when, Task task);
  // Drops a timer that has not run yet; false if it already ran or is unknown.
  // Safe from any thread.
  bool cancel(uint64_t timer_id);

  bool on_executor_thread() const { return std::this_thread::get_id() == thread_.get_id(); }
  void stop();

 private:
  void run();

  std::string name_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Task> ready_;
  // Keyed by (deadline, id) so equal deadlines run in posting order.
  std::map<std::pair<TimePoint, uint64_t>, Task> timers_;
  std::map<uint64_t, TimePoint> timer_deadlines_;
  uint64_t next_timer_id_ = 1;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace spool
