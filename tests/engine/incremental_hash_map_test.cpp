#include "engine/incremental_hash_map.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

namespace spool {
namespace {

using Map = IncrementalHashMap<uint64_t, int>;

TEST(IncrementalHashMap, GrowsAFewEntriesAtATime) {
  Map m;
  uint64_t key = 0;
  // Fill until a growth starts.
  while (!m.growing()) *m.try_emplace(key++).first = 1;
  const uint64_t layout = m.layout();
  size_t waiting = m.size() - m.table().size();
  ASSERT_GT(waiting, Map::kMovesPerChange);
  // Each insert moves at most kMovesPerChange entries, and every entry stays findable.
  while (m.growing()) {
    *m.try_emplace(key++).first = 1;
    size_t now_waiting = m.size() - m.table().size();
    EXPECT_GE(now_waiting + Map::kMovesPerChange, waiting);
    waiting = now_waiting;
    ASSERT_NE(m.find(0), nullptr);
    ASSERT_NE(m.find(key - 1), nullptr);
  }
  EXPECT_EQ(m.layout(), layout);
  EXPECT_EQ(m.table().size(), m.size());
  EXPECT_EQ(m.size(), key);
}

TEST(IncrementalHashMap, ValuesKeepTheirAddressWhileMoving) {
  Map m;
  int* first = m.try_emplace(7).first;
  *first = 42;
  for (uint64_t k = 100; k < 5000; ++k) *m.try_emplace(k).first = 0;
  EXPECT_EQ(m.find(7), first);
  EXPECT_EQ(*first, 42);
}

TEST(IncrementalHashMap, AnExistingKeyInTheOldTableIsFoundNotDuplicated) {
  Map m;
  uint64_t key = 0;
  while (!m.growing()) {
    *m.try_emplace(key).first = static_cast<int>(key + 1);
    ++key;
  }
  // Keys 0..key-1 sit in the old table, apart from those moved already; adding any of
  // them again finds it wherever it is.
  size_t size = m.size();
  for (uint64_t k = 0; k < key; ++k) {
    auto [value, fresh] = m.try_emplace(k);
    EXPECT_FALSE(fresh) << k;
    EXPECT_EQ(*value, static_cast<int>(k + 1)) << k;
  }
  EXPECT_EQ(m.size(), size);
}

TEST(IncrementalHashMap, MatchesAStdMapUnderRandomChanges) {
  IncrementalHashMap<std::string, uint64_t> m;
  std::map<std::string, uint64_t> reference;
  std::mt19937_64 rng(12345);
  size_t growths = 0;
  uint64_t last_layout = m.layout();
  for (int i = 0; i < 200000; ++i) {
    std::string key = std::to_string(rng() % 60000);
    switch (rng() % 4) {
      case 0:
      case 1: {
        uint64_t v = rng();
        *m.try_emplace(key).first = v;
        reference[key] = v;
        break;
      }
      case 2:
        EXPECT_EQ(m.erase(key), reference.erase(key) > 0) << key;
        break;
      case 3: {
        const uint64_t* found = m.find(key);
        auto it = reference.find(key);
        ASSERT_EQ(found != nullptr, it != reference.end()) << key;
        if (found != nullptr) {
          EXPECT_EQ(*found, it->second) << key;
        }
        break;
      }
    }
    if (m.layout() != last_layout) {
      ++growths;
      last_layout = m.layout();
    }
    if (i % 1000 == 0) m.step(3);
  }
  EXPECT_GE(growths, 8u);  // the run crossed many growths
  ASSERT_EQ(m.size(), reference.size());
  std::map<std::string, uint64_t> seen;
  m.for_each([&](const std::string& k, uint64_t v) { seen[k] = v; });
  EXPECT_EQ(seen, reference);
}

TEST(IncrementalHashMap, StepFinishesAGrowthAndClearEmptiesBothTables) {
  Map m;
  uint64_t key = 0;
  while (!m.growing()) *m.try_emplace(key++).first = 1;
  EXPECT_FALSE(m.step(1));
  EXPECT_TRUE(m.step(m.size()));
  EXPECT_FALSE(m.growing());
  EXPECT_EQ(m.table().size(), key);
  while (!m.growing()) *m.try_emplace(key++).first = 1;
  m.clear();
  EXPECT_TRUE(m.empty());
  EXPECT_FALSE(m.growing());
  EXPECT_EQ(m.find(0), nullptr);
}

}  // namespace
}  // namespace spool
