#include "storage/completion_queue.h"

#include <pthread.h>

namespace spool {

CompletionQueue::CompletionQueue(std::function<void(uint64_t)> after_batch, const std::string& name)
    : after_batch_(std::move(after_batch)), thread_([this] { run(); }) {
  pthread_setname_np(thread_.native_handle(), name.substr(0, 15).c_str());
}

CompletionQueue::~CompletionQueue() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void CompletionQueue::post(std::vector<Completion> completions, Status status, uint64_t upto) {
  bool was_empty;
  {
    std::lock_guard lock(mu_);
    was_empty = batches_.empty();
    batches_.push_back(Batch{std::move(completions), std::move(status), upto});
  }
  if (was_empty) cv_.notify_one();
}

void CompletionQueue::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || !batches_.empty(); });
    if (batches_.empty()) return;  // stopping, and everything ran
    Batch batch = std::move(batches_.front());
    batches_.pop_front();
    lock.unlock();
    for (auto& c : batch.completions) c(batch.status);
    after_batch_(batch.upto);
    lock.lock();
  }
}

}  // namespace spool
