#pragma once

// EngineConfig: how the queue engine is laid out. Filled once at start-up.

#include <thread>

namespace spool {

struct EngineConfig {
  // Shards on first start of a cluster (1..4096); afterwards the catalog's count wins.
  int shards = static_cast<int>(std::thread::hardware_concurrency() > 0
                                    ? std::thread::hardware_concurrency()
                                    : 1);
  // Topic partitions per tenant, and on this node in all. Each partition's log runs two
  // threads (sync and completions), so these bound the process's threads: 1,000 topics
  // of 1,024 partitions, which the per-topic limits alone allow, would be 2M threads.
  int max_partitions_per_tenant = 2048;
  int max_partitions = 8192;
};

}  // namespace spool
