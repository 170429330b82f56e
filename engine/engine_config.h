#pragma once

// EngineConfig: how the queue engine is laid out. Filled once at start-up.

#include <thread>

namespace spool {

struct EngineConfig {
  // Shards on first start of a cluster (1..4096); afterwards the catalog's count wins.
  int shards = static_cast<int>(std::thread::hardware_concurrency() > 0
                                    ? std::thread::hardware_concurrency()
                                    : 1);
};

}  // namespace spool
