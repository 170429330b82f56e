#pragma once

// TopicPartition: one live partition of a topic: its PartitionLog, the shard it is
// placed on, and the long polls waiting for its next record.
//
// Long polls hold no thread: a waiter is a callback run once, either when the high
// watermark passes its offset (on the log's completion thread) or never, if the waiter
// is cancelled first (its timer fired). The callback must not block.
//
// Safe from any thread.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "storage/partition_log.h"

namespace spool::topics {

class TopicPartition {
 public:
  TopicPartition(uint32_t number, int shard, std::string dir, std::unique_ptr<PartitionLog> log);
  ~TopicPartition();

  uint32_t number() const { return number_; }
  int shard() const { return shard_; }
  PartitionLog& log() const { return *log_; }
  // The directory of the log (removed when the topic is deleted).
  const std::string& dir() const { return dir_; }

  // Runs `wake` once the high watermark is above `offset`: at once (on this thread) if it
  // already is. Returns an id for cancel_wait.
  uint64_t wait_for(int64_t offset, std::function<void()> wake);
  // False when the waiter already ran (or is running).
  bool cancel_wait(uint64_t id);
  // Forgets every waiter without running it (shutdown: their timers are gone too, and a
  // waiter's callback holds this partition, so keeping it would keep the log open).
  void drop_waiters();

 private:
  struct Waiter {
    int64_t offset;
    std::function<void()> wake;
  };
  void on_durable();

  const uint32_t number_;
  const int shard_;
  std::string dir_;
  std::unique_ptr<PartitionLog> log_;
  std::mutex mu_;
  std::map<uint64_t, Waiter> waiters_;
  uint64_t next_id_ = 1;
};

}  // namespace spool::topics
