#include "engine/topics/topic_partition.h"

#include <vector>

namespace spool::topics {

TopicPartition::TopicPartition(uint32_t number, int shard, std::string dir,
                               std::unique_ptr<PartitionLog> log)
    : number_(number), shard_(shard), dir_(std::move(dir)), log_(std::move(log)) {
  log_->set_durable_listener([this] { on_durable(); });
}

TopicPartition::~TopicPartition() {
  log_->set_durable_listener(nullptr);
  log_.reset();  // waits for pending appends
}

uint64_t TopicPartition::wait_for(int64_t offset, std::function<void()> wake) {
  uint64_t id = 0;
  {
    std::lock_guard lock(mu_);
    id = next_id_++;
    // Checked under mu_: on_durable takes mu_ after moving the watermark, so a waiter
    // added here either sees the new watermark or is woken by that on_durable.
    if (log_->bounds().high_watermark <= offset) {
      waiters_.emplace(id, Waiter{offset, std::move(wake)});
      return id;
    }
  }
  wake();
  return id;
}

bool TopicPartition::cancel_wait(uint64_t id) {
  std::lock_guard lock(mu_);
  return waiters_.erase(id) > 0;
}

void TopicPartition::drop_waiters() {
  std::map<uint64_t, Waiter> dropped;
  {
    std::lock_guard lock(mu_);
    dropped.swap(waiters_);
  }
  // Destroyed outside mu_: a callback may hold the last reference to something that
  // takes locks when it goes.
}

void TopicPartition::on_durable() {
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard lock(mu_);
    if (waiters_.empty()) return;
    int64_t hwm = log_->bounds().high_watermark;
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      if (it->second.offset < hwm) {
        ready.push_back(std::move(it->second.wake));
        it = waiters_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& wake : ready) wake();
}

}  // namespace spool::topics
