#pragma once

// CompletionQueue: runs a SegmentLog's append completions on a thread of their own, batch
// by batch in the order posted, so the sync thread can write and fdatasync the next round
// while the previous round's appenders are being woken. (Measured: waking 64 blocked
// appenders takes longer than an fdatasync on this machine; run inline, it halved batch
// throughput.)
//
// Safe from any thread. The destructor runs every batch already posted, then joins.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"

namespace spool {

class CompletionQueue {
 public:
  using Completion = std::function<void(Status)>;

  // `after_batch(upto)` runs on the queue's thread after each batch with that batch's
  // `upto` (see post).
  // `name` names the thread (at most 15 characters show).
  CompletionQueue(std::function<void(uint64_t upto)> after_batch, const std::string& name = "done");
  ~CompletionQueue();
  CompletionQueue(const CompletionQueue&) = delete;
  CompletionQueue& operator=(const CompletionQueue&) = delete;

  // Queues `completions`, each to be called with `status`.
  void post(std::vector<Completion> completions, Status status, uint64_t upto);

 private:
  struct Batch {
    std::vector<Completion> completions;
    Status status;
    uint64_t upto = 0;
  };
  void run();

  std::function<void(uint64_t)> after_batch_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch> batches_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace spool
