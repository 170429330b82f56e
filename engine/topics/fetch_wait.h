#pragma once

// wait_for_any: one long poll over one or more partitions (spec/topics-api.md section 5,
// `wait_ms`), shared by the single-partition fetch, the /batches fetch and
// POST /v1/fetch.
//
// No thread waits: a waiter is parked on every partition (TopicPartition::wait_for) and
// a timer on the timer executor. Whichever fires first, a partition's high watermark
// passing its offset or the deadline, runs `answer`, exactly once, on the timer
// executor (never on a log's completion thread, which goes straight back to
// acknowledging produces); the other waiters are cancelled then.
//
// Safe from any thread. `timers` must outlive every pending wait; `answer` must not block.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "engine/executor.h"
#include "engine/topics/topic_partition.h"

namespace spool::topics {

struct WaitTarget {
  std::shared_ptr<TopicPartition> partition;
  int64_t offset = 0;  // wake once the high watermark is above it
};

void wait_for_any(Executor& timers, std::vector<WaitTarget> targets, std::chrono::milliseconds wait,
                  std::function<void()> answer);

}  // namespace spool::topics
