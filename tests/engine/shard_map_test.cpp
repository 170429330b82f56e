#include "engine/shard_map.h"

#include <gtest/gtest.h>

#include <vector>

namespace spool {
namespace {

// Shard directories on disk depend on these values: a change here moves every queue.
TEST(ShardMap, PlacementHashIsPinned) {
  // Reference values computed independently (Python) for FNV-1a 64 over "account\0name".
  EXPECT_EQ(placement_hash("", ""), 0xaf63bd4c8601b7dfULL);
  EXPECT_EQ(placement_hash("000000000000", "orders"), 0xab7b95b9ddfe3656ULL);
  EXPECT_NE(placement_hash("000000000000", "orders"), placement_hash("000000000001", "orders"));
  // The separator keeps ("ab","c") and ("a","bc") apart.
  EXPECT_NE(placement_hash("ab", "c"), placement_hash("a", "bc"));
}

TEST(ShardMap, ShardIsWithinRange) {
  for (uint32_t shards : {1u, 2u, 7u, 64u}) {
    for (int i = 0; i < 100; ++i) {
      ShardId s = shard_for("000000000000", "q" + std::to_string(i), shards);
      EXPECT_LT(s.value, shards);
    }
  }
}

TEST(ShardMap, SpreadsQueuesEvenly) {
  constexpr uint32_t kShards = 8;
  std::vector<int> counts(kShards);
  for (int i = 0; i < 8000; ++i) {
    ++counts[shard_for("123456789012", "queue-" + std::to_string(i), kShards).value];
  }
  for (int c : counts) {
    EXPECT_GT(c, 800);   // 1000 expected per shard
    EXPECT_LT(c, 1200);
  }
}

}  // namespace
}  // namespace spool
